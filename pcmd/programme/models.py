"""Running the programme: budget allocated and spent (by plan, activity, area and funding
source), and the commendations of collectives and individuals for PCMD work."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pcmd.plans.models import Area

# --- budget ------------------------------------------------------------------------------


class FundingSource(models.TextChoices):
    """Where the money comes from, as a plan's "Kinh phí" section lists it."""

    STATE_CENTRAL = "state_central", _("Ngân sách trung ương")
    STATE_PROVINCE = "state_province", _("Ngân sách cấp tỉnh")
    # Districts were abolished on 01/07/2025: only for the years before.
    STATE_DISTRICT = "state_district", _("Ngân sách cấp huyện")
    STATE_COMMUNE = "state_commune", _("Ngân sách cấp xã")
    INTEGRATED = "integrated", _("Lồng ghép chương trình mục tiêu quốc gia")
    AID = "aid", _("Viện trợ, tài trợ quốc tế")
    OTHER = "other", _("Nguồn hợp pháp khác")


class BudgetKind(models.TextChoices):
    ALLOCATION = "allocation", _("Dự toán được giao")
    SPENDING = "spending", _("Thực chi")


class BudgetEntry(models.Model):
    """One allocation (dự toán) or one spending (thực chi) of a unit for a budget year."""

    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="budget_entries",
        verbose_name=_("đơn vị"),
    )
    year = models.PositiveSmallIntegerField(_("năm ngân sách"))
    kind = models.CharField(_("loại"), max_length=12, choices=BudgetKind.choices)
    source = models.CharField(_("nguồn kinh phí"), max_length=20, choices=FundingSource.choices)
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    date = models.DateField(_("ngày"))
    plan = models.ForeignKey(
        "plans.Plan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_entries",
        verbose_name=_("theo kế hoạch"),
    )
    activity = models.CharField(_("hoạt động, nội dung"), max_length=500, blank=True)
    area = models.CharField(_("lĩnh vực"), max_length=30, choices=Area.choices, blank=True)
    document_number = models.CharField(_("số quyết định, chứng từ"), max_length=100, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("khoản kinh phí")
        verbose_name_plural = pgettext_lazy("plural", "khoản kinh phí")
        ordering = ["-year", "-date", "-id"]
        indexes = [
            models.Index(fields=["unit", "year"]),
            models.Index(fields=["unit", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__gte=0), name="programme_budget_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        label = self.activity or self.get_source_display()
        return f"{self.get_kind_display()} {self.year}: {label}"


# --- commendations -----------------------------------------------------------------------


class RecipientKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class CommendationLevel(models.TextChoices):
    """The level of the authority that commends."""

    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Cấp tỉnh")
    # Only for decisions before 01/07/2025.
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class CommendationForm(models.TextChoices):
    CERTIFICATE_OF_MERIT = "certificate_of_merit", _("Bằng khen")
    LETTER_OF_COMMENDATION = "letter_of_commendation", _("Giấy khen")
    EMULATION_FIGHTER = "emulation_fighter", _("Chiến sĩ thi đua")
    ORDER = "order", _("Huân chương")
    OTHER = "other", _("Hình thức khác")


class Commendation(models.Model):
    """A collective or a person commended for PCMD work (public information)."""

    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="commendations",
        verbose_name=_("đơn vị"),
    )
    recipient_kind = models.CharField(
        _("tập thể, cá nhân"), max_length=12, choices=RecipientKind.choices
    )
    name = models.CharField(_("tên tập thể, cá nhân"), max_length=300)
    level = models.CharField(_("cấp khen thưởng"), max_length=10, choices=CommendationLevel.choices)
    form = models.CharField(_("hình thức"), max_length=30, choices=CommendationForm.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định"))
    issuer = models.CharField(_("cơ quan, người ký quyết định"), max_length=300, blank=True)
    reason = models.TextField(_("thành tích"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = pgettext_lazy("plural", "khen thưởng")
        ordering = ["-decision_date", "-id"]
        indexes = [models.Index(fields=["unit", "decision_date"])]

    def __str__(self) -> str:
        return f"{self.get_form_display()} – {self.name}"
