"""Agencies for tests, made through orgs.services so they are what users would create."""

import itertools
from typing import Any

from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency, AgencyType
from pcmd.orgs.services import agency_create

_numbers = itertools.count(1)


def agency_type(code: str) -> AgencyType:
    """A catalogue type (the catalogue is loaded by migrate in every test database)."""
    return AgencyType.objects.get(code=code)


def make_agency(
    unit: AdministrativeUnit,
    name: str | None = None,
    *,
    type_code: str | None = None,
    **fields: Any,
) -> Agency:
    return agency_create(
        actor=None,
        unit=unit,
        name=name or f"Cơ quan thử {next(_numbers)}",
        agency_type=agency_type(type_code) if type_code else None,
        **fields,
    )
