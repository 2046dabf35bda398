"""Rules every activities service shares: the right to record and the units that may keep
records. Reading input and recording changes: pcmd.core.records."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.core.errors import ServiceError
from pcmd.core.records import require_perm
from pcmd.geo.models import LAST_PRE_REFORM_DAY, AdministrativeUnit, UnitLevel

# Records belong to provinces and communes, and to districts for dates before 01/07/2025.
RECORD_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE)
# A count of people or items beyond this is a typing error, not a fact.
MAX_COUNT = 10_000_000


def require_manage(actor: Any, unit: AdministrativeUnit) -> None:
    """Refuse a user without Perm.ACTIVITY_MANAGE on `unit` (None: the system)."""
    require_perm(
        actor,
        Perm.ACTIVITY_MANAGE,
        unit,
        _("Bạn không có quyền ghi nhận tập huấn, truyền thông, mô hình của %(unit)s."),
    )


def check_unit(unit: AdministrativeUnit, last_day: dt.date | None) -> None:
    """A record's unit is a province or commune, or a district for dates before the reform
    (`last_day`: the record's last date, None when open)."""
    if unit.level not in RECORD_LEVELS:
        raise ServiceError(
            _(
                "Chỉ ghi nhận cho đơn vị cấp tỉnh, cấp xã (hoặc cấp huyện trước 01/07/2025); "
                "%(unit)s là thôn, tổ dân phố."
            )
            % {"unit": unit.name}
        )
    if unit.level == UnitLevel.DISTRICT and (last_day is None or last_day > LAST_PRE_REFORM_DAY):
        raise ServiceError(
            _("Từ 01/07/2025 không còn cấp huyện: %(unit)s chỉ ghi nhận cho thời gian trước đó.")
            % {"unit": unit.name}
        )
