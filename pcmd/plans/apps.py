from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Plans with their targets, tasks, assignments and reporting duties; the cascade."""

    name = "pcmd.plans"
    label = "plans"
