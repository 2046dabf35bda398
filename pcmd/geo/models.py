"""Administrative units with validity intervals, a materialised path, and successions.

A unit is identified by (level, code, validity), never by code alone: the 2025 reform
reused codes (province 42 is one province before 2025-07-01 and another after).
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The first day of the two-level local government (Nghị quyết 202/2025/QH15 and the
# 2025 resolutions on communes); units of the old hierarchy are valid until the day before.
REFORM_DATE = dt.date(2025, 7, 1)
LAST_PRE_REFORM_DAY = dt.date(2025, 6, 30)


class UnitLevel(models.IntegerChoices):
    PROVINCE = 1, _("Tỉnh")
    DISTRICT = 2, _("Huyện")
    COMMUNE = 3, _("Xã")
    VILLAGE = 4, _("Thôn, tổ dân phố")


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CENTRAL_CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    URBAN_DISTRICT = "quan", _("Quận")
    RURAL_DISTRICT = "huyen", _("Huyện")
    DISTRICT_TOWN = "thi_xa", _("Thị xã")
    PROVINCIAL_CITY = "thanh_pho", _("Thành phố thuộc tỉnh")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    TOWNSHIP = "thi_tran", _("Thị trấn")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")
    VILLAGE = "thon", _("Thôn")
    HAMLET = "ap", _("Ấp")
    MOUNTAIN_VILLAGE = "ban", _("Bản")
    URBAN_QUARTER = "khom", _("Khóm")
    RESIDENTIAL_GROUP = "to_dan_pho", _("Tổ dân phố")


LEVEL_OF_KIND: dict[str, int] = {
    UnitKind.PROVINCE: UnitLevel.PROVINCE,
    UnitKind.CENTRAL_CITY: UnitLevel.PROVINCE,
    UnitKind.URBAN_DISTRICT: UnitLevel.DISTRICT,
    UnitKind.RURAL_DISTRICT: UnitLevel.DISTRICT,
    UnitKind.DISTRICT_TOWN: UnitLevel.DISTRICT,
    UnitKind.PROVINCIAL_CITY: UnitLevel.DISTRICT,
    UnitKind.COMMUNE: UnitLevel.COMMUNE,
    UnitKind.WARD: UnitLevel.COMMUNE,
    UnitKind.TOWNSHIP: UnitLevel.COMMUNE,
    UnitKind.SPECIAL_ZONE: UnitLevel.COMMUNE,
    UnitKind.VILLAGE: UnitLevel.VILLAGE,
    UnitKind.HAMLET: UnitLevel.VILLAGE,
    UnitKind.MOUNTAIN_VILLAGE: UnitLevel.VILLAGE,
    UnitKind.URBAN_QUARTER: UnitLevel.VILLAGE,
    UnitKind.RESIDENTIAL_GROUP: UnitLevel.VILLAGE,
}
VILLAGE_KINDS = [k for k, level in LEVEL_OF_KIND.items() if level == UnitLevel.VILLAGE]


def valid_at(at: dt.date, prefix: str = "") -> Q:
    """Q for 'valid on this date' (both bounds inclusive, open when empty)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": at})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": at})
    )


class AdministrativeUnit(models.Model):
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=200)
    # Lower case without diacritics, for search: "ky anh" finds "Kỳ Anh".
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/<root id>/<child id>/.../<own id>/": descendants are one prefix match, ancestors
    # are the ids in the string; kept by geo.services on every insert and move.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # "official" units come from the national list; "local" ones (villages) from users.
    source = models.CharField(max_length=20, default="official", editable=False)
    # Stable row key of the reference data file ("C:00097@new"), so reloading the file
    # updates the same rows; empty (NULL) for units created by users.
    source_key = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = pgettext_lazy("plural", "đơn vị hành chính")
        ordering = ["path"]
        constraints = [
            # Overlapping validity is refused by geo.services; this catches the plain case.
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], name="geo_unit_code_validity_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="geo_unit_validity_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["level", "code"], name="geo_unit_level_code"),
            models.Index(
                fields=["path"], name="geo_unit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent, read off the path."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def is_valid_on(self, at: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= at) and (
            self.valid_to is None or self.valid_to >= at
        )

    @property
    def is_current(self) -> bool:
        return self.is_valid_on(dt.date.today())

    def contains(self, other: "AdministrativeUnit") -> bool:
        """True when other is this unit or lies below it."""
        return other.path.startswith(self.path)


class SuccessionKind(models.TextChoices):
    REFORM = "reform", _("Sắp xếp đơn vị hành chính")
    MERGE = "merge", _("Sáp nhập")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")
    MOVE = "move", _("Điều chỉnh địa giới")


class UnitSuccession(models.Model):
    """predecessor ceased (wholly or in part) and its territory went to successor."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="successions_out"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="successions_in"
    )
    kind = models.CharField(max_length=20, choices=SuccessionKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    # For a divided unit: the successor that takes its data when one must be chosen.
    is_default = models.BooleanField(default=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="geo_succession_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
