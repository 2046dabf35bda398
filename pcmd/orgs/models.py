"""Agency types (a catalogue with names per level and validity), their aliases, and agencies.

The catalogue itself is data in pcmd/orgs/catalogue.py, copied into these tables by
orgs.services.agency_catalogue_sync after every migrate.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pcmd.core.text import in_language
from pcmd.geo.models import UnitLevel

# Agencies belong to provinces, districts and communes, not to villages.
AGENCY_UNIT_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE)


class AgencyLevel(models.IntegerChoices):
    """Where an agency sits: the unit levels of pcmd.geo, plus the central government."""

    NATIONAL = 0, _("Trung ương")
    PROVINCE = 1, _("Tỉnh")
    DISTRICT = 2, _("Huyện")
    COMMUNE = 3, _("Xã")


class AgencyType(models.Model):
    """A kind of agency, e.g. police or the social-affairs department, at any level."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    # The field of work, without level: "Công an", "Y tế".
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    # Bodies the People's Committee cannot command but requests ("Đề nghị ...").
    is_requested_body = models.BooleanField(_("cơ quan được đề nghị"), default=False)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("loại cơ quan")
        verbose_name_plural = pgettext_lazy("plural", "loại cơ quan")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (English when it is English and one is known)."""
        return in_language(self.name, self.name_en)


class AgencyTypeName(models.Model):
    """What an agency type is called at a level during a period (names change with time).

    Whether the type coordinates the programme is a fact of the period too: the
    social-affairs function moved to health on 2025-03-01.
    """

    agency_type = models.ForeignKey(AgencyType, on_delete=models.CASCADE, related_name="names")
    level = models.PositiveSmallIntegerField(_("cấp"), choices=AgencyLevel.choices)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # Coordinates the programme and compiles the reports of its level in this period.
    is_coordinator = models.BooleanField(_("cơ quan thường trực"), default=False)
    # Created for every unit of the level by orgs.services.agencies_ensure_standard.
    is_standard = models.BooleanField(default=True)
    # Unit kinds this name is for (comma-separated geo.UnitKind values); blank: every kind.
    unit_kinds = models.CharField(max_length=100, blank=True)
    # How an agency of a unit is named: {name}, {unit} ("xã Kỳ Hoa"), {place} ("Kỳ Hoa").
    pattern = models.CharField(max_length=200, default="{name} {unit}")

    class Meta:
        verbose_name = _("tên loại cơ quan theo cấp")
        verbose_name_plural = pgettext_lazy("plural", "tên loại cơ quan theo cấp")
        ordering = ["agency_type", "level", "valid_from"]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, at: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= at) and (
            self.valid_to is None or self.valid_to >= at
        )

    def applies_to_kind(self, kind: str) -> bool:
        return not self.unit_kinds or kind in self.unit_kinds.split(",")


class AgencyAlias(models.Model):
    """A way documents write an agency type ("Sở LĐTBXH", "Công an huyện")."""

    agency_type = models.ForeignKey(AgencyType, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    alias_folded = models.CharField(max_length=200, editable=False, db_index=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True, choices=AgencyLevel.choices)
    # Names a field of work ("ngành Y tế", "Tư pháp") rather than an organisation.
    is_sector = models.BooleanField(default=False)
    # Written by the catalogue sync (which may remove it again); others are local additions.
    from_catalogue = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("tên gọi khác")
        verbose_name_plural = pgettext_lazy("plural", "tên gọi khác")
        constraints = [
            models.UniqueConstraint(
                fields=["agency_type", "alias_folded", "level"], name="orgs_alias_unique"
            )
        ]

    def __str__(self) -> str:
        return self.alias


class Agency(models.Model):
    """An agency of a unit, e.g. the police of Kỳ Hoa commune, for the time it exists."""

    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("đơn vị hành chính"),
    )
    agency_type = models.ForeignKey(
        AgencyType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("loại cơ quan"),
    )
    name = models.CharField(_("tên"), max_length=300)
    # Lower case without diacritics: search, and duplicates whatever the typing.
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    valid_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    # Created from the catalogue by orgs.services.agencies_ensure_standard.
    is_standard = models.BooleanField(default=False, editable=False)
    active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = pgettext_lazy("plural", "cơ quan")
        ordering = ["unit__path", "agency_type__order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name_folded"], name="orgs_agency_unit_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="orgs_agency_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, at: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= at) and (
            self.valid_to is None or self.valid_to >= at
        )

    @property
    def is_current(self) -> bool:
        """Active and in existence today."""
        return self.active and self.is_valid_on(dt.date.today())
