from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class OrgsConfig(AppConfig):
    name = "pcmd.orgs"
    label = "orgs"

    def ready(self) -> None:
        from pcmd.geo.models import AdministrativeUnit
        from pcmd.orgs.models import AgencyAlias, AgencyType, AgencyTypeName

        post_migrate.connect(_sync_catalogue, sender=self)
        # The matcher caches aliases (and province names for "Báo {place}").
        for model in (AgencyType, AgencyTypeName, AgencyAlias, AdministrativeUnit):
            post_save.connect(_reset_matcher, sender=model, dispatch_uid="orgs-matcher-reset")
            post_delete.connect(_reset_matcher, sender=model, dispatch_uid="orgs-matcher-reset")


def _reset_matcher(**kwargs: Any) -> None:
    from pcmd.orgs.matching import agency_matcher_reset

    agency_matcher_reset()


def _sync_catalogue(using: str, **kwargs: Any) -> None:
    """Every fresh or upgraded database (test databases too) gets the agency-type catalogue."""
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    from pcmd.orgs.services import agency_catalogue_sync

    # A partial migrate may leave orgs behind the models the sync writes.
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    if not all(leaf in loader.applied_migrations for leaf in loader.graph.leaf_nodes("orgs")):
        return
    agency_catalogue_sync(using=using)
