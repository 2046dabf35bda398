"""Small unit trees for tests: build through geo.services so paths are real."""

import datetime as dt
import itertools
from typing import Any

from pcmd.geo.models import (
    LAST_PRE_REFORM_DAY,
    REFORM_DATE,
    AdministrativeUnit,
    SuccessionKind,
    UnitKind,
    UnitSuccession,
)
from pcmd.geo.services import unit_create

_codes = itertools.count(1)


def make_unit(
    name: str,
    kind: str = UnitKind.COMMUNE,
    parent: AdministrativeUnit | None = None,
    *,
    code: str | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> AdministrativeUnit:
    return unit_create(
        actor=None,
        code=code or f"T{next(_codes):05d}",
        name=name,
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        source="official",
    )


def link(
    pred: AdministrativeUnit, succ: AdministrativeUnit, *, default: bool = True
) -> UnitSuccession:
    return UnitSuccession.objects.create(
        predecessor=pred,
        successor=succ,
        kind=SuccessionKind.REFORM,
        effective_date=REFORM_DATE,
        is_default=default,
    )


def make_reform_tree() -> dict[str, AdministrativeUnit]:
    """Two old provinces (with districts) merged into one new province, communes merged and divided.

    old: Tỉnh Hà Tĩnh > Thị xã Kỳ Anh > Phường Kỳ Trinh, Xã Kỳ Hoa;
         Tỉnh Quảng Bình > Huyện Bố Trạch > Xã Hải Phú
    new: Tỉnh Hà Tĩnh > Phường Kỳ Anh (Kỳ Trinh + part of Kỳ Hoa), Xã Kỳ Hoa (part of Kỳ Hoa);
         Tỉnh Quảng Trị > Xã Hải Phú; and Tỉnh Nghệ An > Xã Diễn Châu (no predecessors in the tree)
    """
    old: dict[str, Any] = {"valid_to": LAST_PRE_REFORM_DAY}
    new: dict[str, Any] = {"valid_from": REFORM_DATE}
    u: dict[str, AdministrativeUnit] = {}
    u["old_ht"] = make_unit("Tỉnh Hà Tĩnh", UnitKind.PROVINCE, code="42", **old)
    u["old_ka"] = make_unit("Thị xã Kỳ Anh", UnitKind.DISTRICT_TOWN, u["old_ht"], **old)
    u["old_kt"] = make_unit("Phường Kỳ Trinh", UnitKind.WARD, u["old_ka"], **old)
    u["old_kh"] = make_unit("Xã Kỳ Hoa", UnitKind.COMMUNE, u["old_ka"], **old)
    u["old_qb"] = make_unit("Tỉnh Quảng Bình", UnitKind.PROVINCE, code="44", **old)
    u["old_bt"] = make_unit("Huyện Bố Trạch", UnitKind.RURAL_DISTRICT, u["old_qb"], **old)
    u["old_hp"] = make_unit("Xã Hải Phú", UnitKind.COMMUNE, u["old_bt"], **old)
    u["ht"] = make_unit("Tỉnh Hà Tĩnh", UnitKind.PROVINCE, code="42", **new)
    u["ka"] = make_unit("Phường Kỳ Anh", UnitKind.WARD, u["ht"], **new)
    u["kh"] = make_unit("Xã Kỳ Hoa", UnitKind.COMMUNE, u["ht"], **new)
    u["qt"] = make_unit("Tỉnh Quảng Trị", UnitKind.PROVINCE, code="44", **new)
    u["hp"] = make_unit("Xã Hải Phú", UnitKind.COMMUNE, u["qt"], **new)
    u["na"] = make_unit("Tỉnh Nghệ An", UnitKind.PROVINCE, code="40", **new)
    u["dc"] = make_unit("Xã Diễn Châu", UnitKind.COMMUNE, u["na"], **new)
    link(u["old_ht"], u["ht"])
    link(u["old_qb"], u["qt"])
    link(u["old_kt"], u["ka"])
    link(u["old_kh"], u["ka"], default=False)
    link(u["old_kh"], u["kh"], default=True)
    link(u["old_hp"], u["hp"])
    return u
