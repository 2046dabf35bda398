from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    """Prevention work: trainings, communication activities, pilot models."""

    name = "pcmd.activities"
    label = "activities"
