from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    """Prevention work: trainings, communication activities, pilot models."""

    name = "pcmd.activities"
    label = "activities"

    def ready(self) -> None:
        from pcmd.activities.sources import register_all

        register_all()
