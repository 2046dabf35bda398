from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_reference(sender: AppConfig, **kwargs: Any) -> None:
    # Decrees, tip categories and holidays are data administrators edit; migrate adds only
    # what is missing.
    from pcmd.registries.services.reference import reference_seed

    reference_seed()


class RegistriesConfig(AppConfig):
    """At-risk businesses, inspection teams and inspections, sanctions, citizens' tips."""

    name = "pcmd.registries"
    label = "registries"

    def ready(self) -> None:
        from pcmd.registries.sources import register_all

        post_migrate.connect(_seed_reference, sender=self)
        register_all()
