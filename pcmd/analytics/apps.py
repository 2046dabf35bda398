from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """The live roll-up engine, target attainment, completeness, dashboards and charts."""

    name = "pcmd.analytics"
    label = "analytics"
