from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_catalogue(sender: AppConfig, **kwargs: Any) -> None:
    # The catalogue is data administrators edit; migrate adds only what is missing.
    from pcmd.reporting.services.catalogue import catalogue_seed

    catalogue_seed()


class ReportingConfig(AppConfig):
    """Indicators, data elements, report forms, periods, submissions and approval."""

    name = "pcmd.reporting"
    label = "reporting"

    def ready(self) -> None:
        post_migrate.connect(_seed_catalogue, sender=self)
