"""Businesses for tests, made through the services; and the records that refer to them
(inspections, sanctions, tips) and spreadsheet files to import."""

import csv
import datetime as dt
import io
import itertools
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from pcmd.geo.models import AdministrativeUnit
from pcmd.registries.models import (
    Business,
    BusinessKind,
    Inspection,
    Sanction,
    Tip,
    TipCategory,
    TipChannel,
)
from pcmd.registries.services.businesses import business_create

_numbers = itertools.count(1)


def make_business(
    unit: AdministrativeUnit, name: str | None = None, *, actor: Any = None, **fields: Any
) -> Business:
    n = next(_numbers)
    fields.setdefault("kind", BusinessKind.GUEST_HOUSE)
    fields.setdefault("address", f"Số {n} đường Trần Phú")
    return business_create(actor=actor, unit=unit, name=name or f"Nhà nghỉ thử {n}", **fields)


# The inspection and tip areas write these through their own services; here only the rows
# a business's pages and rules look at.


def add_inspection(
    business: Business, *, date: dt.date | None = None, violations: int = 0
) -> Inspection:
    return Inspection.objects.create(
        business=business,
        unit=business.unit,
        date=date or timezone.localdate(),
        violations_found=violations,
    )


def add_sanction(business: Business, *, act: str = "Chứa mại dâm") -> Sanction:
    return Sanction.objects.create(
        business=business,
        unit=business.unit,
        decision_date=timezone.localdate(),
        offender_name=business.name,
        act=act,
        fine_vnd=10_000_000,
    )


def add_tip(business: Business, *, subject: str = "Nghi có hoạt động mại dâm") -> Tip:
    return Tip.objects.create(
        unit=business.unit,
        business=business,
        channel=TipChannel.HOTLINE,
        received_at=timezone.now(),
        category=TipCategory.objects.order_by("order")[0],
        subject=subject,
        content=subject,
        deadline=timezone.localdate(),
    )


HEADINGS = ["Tên cơ sở", "Loại hình", "Địa chỉ", "Xã, phường", "Số đăng ký kinh doanh"]


def xlsx_bytes(rows: Sequence[Sequence[Any]], headings: Sequence[str] = HEADINGS) -> bytes:
    """A workbook whose first sheet holds the headings and the rows (cells as given: dates
    stay Excel dates, numbers stay numbers)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(headings))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], headings: Sequence[str] = HEADINGS, *, delimiter: str = ","
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()
