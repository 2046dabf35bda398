"""Tips for tests, made through services.tips so they are what officers would log."""

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from pcmd.geo.models import AdministrativeUnit
from pcmd.registries.models import Tip, TipCategory, TipChannel
from pcmd.registries.services.tips import tip_create

_numbers = itertools.count(1)


def category(code: str = "business") -> TipCategory:
    """A seeded category (migrate loads them into every test database)."""
    return TipCategory.objects.get(code=code)


def moment(day: dt.date, hour: int = 9) -> dt.datetime:
    """A receipt moment on a local day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_tip(
    unit: AdministrativeUnit,
    *,
    received: dt.date | dt.datetime | None = None,
    code: str = "business",
    actor: Any = None,
    **fields: Any,
) -> Tip:
    """A tip of `unit` (anonymous by default), received on `received` (today by default)."""
    when = received or timezone.localdate() - dt.timedelta(days=1)
    received_at = when if isinstance(when, dt.datetime) else moment(when)
    n = next(_numbers)
    values: dict[str, Any] = {
        "channel": TipChannel.HOTLINE,
        "subject": f"Nhà nghỉ có biểu hiện môi giới mại dâm {n}",
        "content": "Người dân phản ánh có người lạ ra vào nhà nghỉ vào ban đêm.",
        **fields,
    }
    return tip_create(
        actor=actor, unit=unit, category=category(code), received_at=received_at, **values
    )


def make_named_tip(unit: AdministrativeUnit, **fields: Any) -> Tip:
    """A tip whose giver left their name and telephone number."""
    return make_tip(
        unit,
        anonymous=False,
        reporter_name="Trần Thị Bảo Mật",
        reporter_contact="0912 345 678",
        **fields,
    )
