"""Budget entries and commendations for tests, made through the services (actor None: the
system) so they are what users would create."""

import datetime as dt
import itertools
from typing import Any

from pcmd.geo.models import AdministrativeUnit
from pcmd.programme import services
from pcmd.programme.models import (
    BudgetEntry,
    BudgetKind,
    Commendation,
    CommendationForm,
    CommendationLevel,
    FundingSource,
    RecipientKind,
)

_numbers = itertools.count(1)

# Inside the tree fixture's current period (units valid from 01/07/2025), in the past.
YEAR = 2025
DAY = dt.date(2025, 9, 15)


def make_entry(
    unit: AdministrativeUnit,
    amount_vnd: int | str = 10_000_000,
    *,
    kind: str = BudgetKind.ALLOCATION,
    source: str = FundingSource.STATE_COMMUNE,
    year: int = YEAR,
    date: dt.date = DAY,
    **fields: Any,
) -> BudgetEntry:
    return services.budget_entry_create(
        actor=None,
        unit=unit,
        year=year,
        kind=kind,
        source=source,
        amount_vnd=amount_vnd,
        date=date,
        **fields,
    )


def make_spending(unit: AdministrativeUnit, amount_vnd: int | str, **fields: Any) -> BudgetEntry:
    return make_entry(unit, amount_vnd, kind=BudgetKind.SPENDING, **fields)


def make_commendation(
    unit: AdministrativeUnit,
    name: str | None = None,
    *,
    decision_date: dt.date = DAY,
    **fields: Any,
) -> Commendation:
    fields.setdefault("recipient_kind", RecipientKind.COLLECTIVE)
    fields.setdefault("level", CommendationLevel.PROVINCE)
    fields.setdefault("form", CommendationForm.CERTIFICATE_OF_MERIT)
    fields.setdefault("decision_number", f"{next(_numbers)}/QĐ-UBND")
    return services.commendation_create(
        actor=None,
        unit=unit,
        name=name or f"Công an {unit.name} {next(_numbers)}",
        decision_date=decision_date,
        **fields,
    )


def make_programme_targets(commune: AdministrativeUnit) -> dict[str, Any]:
    """One of each record of the commune (for the URL security walk): a budget entry and a
    commendation."""
    return {
        "budget_entry": make_entry(commune, activity="Tuyên truyền trên loa truyền thanh"),
        "commendation": make_commendation(commune, "Công an xã Kỳ Hoa"),
    }
