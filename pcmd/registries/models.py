"""Registries behind the enforcement numbers: at-risk businesses, inspection teams, plans
and inspections, sanctions, citizens' tips."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pcmd.core.crypto import EncryptedTextField
from pcmd.core.text import in_language

# --- at-risk businesses --------------------------------------------------------------


class BusinessKind(models.TextChoices):
    HOTEL = "hotel", _("Khách sạn")
    GUEST_HOUSE = "guest_house", _("Nhà nghỉ")
    MOTEL = "motel", _("Nhà khách, motel")
    ROOMING_HOUSE = "rooming_house", _("Nhà trọ")
    SERVICED_APARTMENT = "serviced_apartment", _("Căn hộ dịch vụ lưu trú")
    KARAOKE = "karaoke", _("Karaoke")
    BAR = "bar", _("Quán bar")
    DANCE_HALL = "dance_hall", _("Vũ trường")
    MASSAGE = "massage", _("Xoa bóp (massage)")
    SAUNA = "sauna", _("Xông hơi (sauna)")
    SPA = "spa", _("Spa, chăm sóc sắc đẹp")
    BARBER = "barber", _("Cắt tóc, gội đầu")
    CAFE = "cafe", _("Cà phê, giải khát")
    RESTAURANT = "restaurant", _("Nhà hàng, quán ăn")
    OTHER = "other", _("Khác")


# The catalogue's business-kind breakdown (reporting seed) groups the registry's kinds.
KIND_GROUP: dict[str, str] = {
    BusinessKind.HOTEL: "hotel_guest_house",
    BusinessKind.GUEST_HOUSE: "hotel_guest_house",
    BusinessKind.MOTEL: "hotel_guest_house",
    BusinessKind.ROOMING_HOUSE: "hotel_guest_house",
    BusinessKind.SERVICED_APARTMENT: "hotel_guest_house",
    BusinessKind.KARAOKE: "karaoke",
    BusinessKind.BAR: "bar_dance_hall",
    BusinessKind.DANCE_HALL: "bar_dance_hall",
    BusinessKind.MASSAGE: "massage_sauna",
    BusinessKind.SAUNA: "massage_sauna",
    BusinessKind.SPA: "massage_sauna",
    BusinessKind.BARBER: "barber_hair_wash",
    BusinessKind.CAFE: "cafe",
    BusinessKind.RESTAURANT: "other",
    BusinessKind.OTHER: "other",
}


class BusinessStatus(models.TextChoices):
    OPEN = "open", _("Đang hoạt động")
    SUSPENDED = "suspended", _("Tạm ngừng")
    CLOSED = "closed", _("Đã ngừng hoạt động")


class Business(models.Model):
    """A business easily misused for prostitution, in the commune where it operates."""

    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="businesses",
        verbose_name=_("xã, phường"),
    )
    name = models.CharField(_("tên cơ sở"), max_length=300)
    kind = models.CharField(_("loại hình"), max_length=20, choices=BusinessKind.choices)
    address = models.CharField(_("địa chỉ"), max_length=300)
    # Lower case without diacritics or punctuation: search and duplicate detection.
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    address_folded = models.CharField(max_length=300, editable=False)
    registration_number = models.CharField(
        _("số đăng ký kinh doanh"), max_length=50, blank=True, db_index=True
    )
    registration_date = models.DateField(_("ngày đăng ký kinh doanh"), null=True, blank=True)
    licence_number = models.CharField(
        _("số giấy chứng nhận đủ điều kiện về ANTT"), max_length=50, blank=True
    )
    licence_date = models.DateField(_("ngày cấp giấy chứng nhận"), null=True, blank=True)
    owner_name = models.CharField(_("chủ cơ sở hoặc người quản lý"), max_length=200, blank=True)
    owner_phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    workers_total = models.PositiveIntegerField(_("số lao động"), null=True, blank=True)
    workers_female = models.PositiveIntegerField(_("trong đó nữ"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=BusinessStatus.choices, default=BusinessStatus.OPEN
    )
    status_since = models.DateField(_("tình trạng từ ngày"), null=True, blank=True)
    # The span the business is counted in: in scope from opening to closing.
    opened_on = models.DateField(_("bắt đầu hoạt động"), null=True, blank=True)
    closed_on = models.DateField(_("ngừng hoạt động từ"), null=True, blank=True)
    commitment_signed = models.BooleanField(_("đã ký cam kết"), default=False)
    commitment_date = models.DateField(_("ngày ký cam kết"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cơ sở kinh doanh")
        verbose_name_plural = pgettext_lazy("plural", "cơ sở kinh doanh")
        ordering = ["unit__path", "name_folded"]
        indexes = [models.Index(fields=["unit", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(workers_female__isnull=True)
                | Q(workers_total__isnull=True)
                | Q(workers_female__lte=models.F("workers_total")),
                name="registries_business_female_le_total",
            ),
            models.CheckConstraint(
                condition=Q(opened_on__isnull=True)
                | Q(closed_on__isnull=True)
                | Q(opened_on__lte=models.F("closed_on")),
                name="registries_business_open_before_close",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def in_scope_during(self, start: dt.date, end: dt.date) -> bool:
        return (self.opened_on is None or self.opened_on <= end) and (
            self.closed_on is None or self.closed_on >= start
        )


# --- inspection teams, plans, inspections ----------------------------------------------


class InspectionTeam(models.Model):
    """An interagency inspection team (Đội kiểm tra liên ngành, "Đội 178") of a unit."""

    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="inspection_teams",
        verbose_name=_("đơn vị"),
    )
    name = models.CharField(_("tên đội"), max_length=300)
    decision_number = models.CharField(_("quyết định thành lập số"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("đội kiểm tra liên ngành")
        verbose_name_plural = pgettext_lazy("plural", "đội kiểm tra liên ngành")
        ordering = ["unit__path", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__lte=models.F("valid_to")),
                name="registries_team_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, at: dt.date) -> bool:
        return self.valid_from <= at and (self.valid_to is None or self.valid_to >= at)


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Đội trưởng")
    DEPUTY = "deputy", _("Đội phó")
    MEMBER = "member", _("Thành viên")


class TeamMember(models.Model):
    team = models.ForeignKey(InspectionTeam, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    agency = models.ForeignKey(
        "orgs.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan"),
    )
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    role = models.CharField(
        _("vai trò trong đội"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên đội kiểm tra")
        verbose_name_plural = pgettext_lazy("plural", "thành viên đội kiểm tra")
        ordering = ["team", "role", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class InspectionPlan(models.Model):
    """Which businesses a team means to inspect, when, announced or not."""

    team = models.ForeignKey(
        InspectionTeam, on_delete=models.PROTECT, related_name="plans", verbose_name=_("đội")
    )
    title = models.CharField(_("tên kế hoạch kiểm tra"), max_length=300)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    announced = models.BooleanField(_("kiểm tra có thông báo trước"), default=False)
    businesses = models.ManyToManyField(
        Business, related_name="inspection_plans", blank=True, verbose_name=_("cơ sở")
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = pgettext_lazy("plural", "kế hoạch kiểm tra")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")), name="registries_plan_start_le_end"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Finding(models.TextChoices):
    COMPLIANT = "ok", _("Chấp hành đúng")
    VIOLATION = "violation", _("Có vi phạm")
    NOT_CHECKED = "na", _("Không kiểm tra")


# The checklist of an inspection: field name → label (the fields are on Inspection).
CHECKLIST = {
    "finding_prostitution": _("Biểu hiện hoạt động mại dâm"),
    "finding_security": _("Điều kiện về an ninh, trật tự"),
    "finding_culture": _("Quy định về văn hóa, du lịch"),
    "finding_labour": _("Sử dụng lao động"),
    "finding_health": _("Khám sức khỏe cho người lao động"),
}


def _finding(label: Any) -> models.CharField:
    return models.CharField(
        label, max_length=10, choices=Finding.choices, default=Finding.NOT_CHECKED
    )


class Inspection(models.Model):
    """One inspection of one business by a team."""

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("cơ sở")
    )
    # The business's commune: copied so that scoping and roll-ups need no join.
    unit = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    team = models.ForeignKey(
        InspectionTeam,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("đội kiểm tra"),
    )
    plan = models.ForeignKey(
        InspectionPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
        verbose_name=_("theo kế hoạch"),
    )
    date = models.DateField(_("ngày kiểm tra"))
    announced = models.BooleanField(_("có thông báo trước"), default=False)
    members_present = models.ManyToManyField(
        TeamMember, blank=True, related_name="+", verbose_name=_("thành viên tham gia")
    )
    finding_prostitution = _finding(CHECKLIST["finding_prostitution"])
    finding_security = _finding(CHECKLIST["finding_security"])
    finding_culture = _finding(CHECKLIST["finding_culture"])
    finding_labour = _finding(CHECKLIST["finding_labour"])
    finding_health = _finding(CHECKLIST["finding_health"])
    findings_note = models.TextField(_("nội dung phát hiện"), blank=True)
    violations_found = models.PositiveIntegerField(_("số hành vi vi phạm"), default=0)
    record_number = models.CharField(_("số biên bản"), max_length=50, blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name=_("hậu kiểm của cuộc kiểm tra"),
    )
    follow_up_due = models.DateField(_("hạn hậu kiểm"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cuộc kiểm tra")
        verbose_name_plural = pgettext_lazy("plural", "cuộc kiểm tra")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.business} – {self.date:%d/%m/%Y}"

    def findings(self) -> list[tuple[str, str, str]]:
        """(field, label, result) for each checklist item."""
        return [(f, str(label), getattr(self, f)) for f, label in CHECKLIST.items()]


# --- sanctions -------------------------------------------------------------------------


class SanctionDecree(models.Model):
    """A decree on administrative sanctions and the dates it was in force (data, editable)."""

    code = models.CharField(_("số hiệu"), max_length=40, unique=True)
    title_vi = models.CharField(_("trích yếu"), max_length=500)
    title_en = models.CharField(_("trích yếu tiếng Anh"), max_length=500, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hết hiệu lực"), null=True, blank=True)

    class Meta:
        verbose_name = _("nghị định xử phạt")
        verbose_name_plural = pgettext_lazy("plural", "nghị định xử phạt")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return in_language(self.title_vi, self.title_en)

    def in_force_on(self, at: dt.date) -> bool:
        return self.valid_from <= at and (self.valid_to is None or self.valid_to >= at)


class OffenderKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Chưa nộp")
    PARTLY = "partly", _("Nộp một phần")
    PAID = "paid", _("Đã nộp")
    ENFORCED = "enforced", _("Cưỡng chế")


class Sanction(models.Model):
    """A sanction decision (quyết định xử phạt), or a criminal referral, for one act."""

    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanctions",
        verbose_name=_("cuộc kiểm tra"),
    )
    business = models.ForeignKey(
        Business,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanctions",
        verbose_name=_("cơ sở"),
    )
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"))
    decree = models.ForeignKey(
        SanctionDecree,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanctions",
        verbose_name=_("căn cứ nghị định"),
    )
    article = models.CharField(_("điều, khoản"), max_length=100, blank=True)
    offender_kind = models.CharField(
        _("đối tượng"), max_length=15, choices=OffenderKind.choices, default=OffenderKind.PERSON
    )
    offender_name = models.CharField(_("tên cá nhân, tổ chức vi phạm"), max_length=300)
    act = models.CharField(_("hành vi vi phạm"), max_length=500)
    fine_vnd = models.PositiveBigIntegerField(_("số tiền phạt (đồng)"), default=0)
    licence_suspended_months = models.PositiveSmallIntegerField(
        _("tước giấy phép, đình chỉ (tháng)"), default=0
    )
    licence_withdrawn = models.BooleanField(_("thu hồi giấy phép"), default=False)
    other_measures = models.CharField(_("biện pháp khác"), max_length=300, blank=True)
    payment_status = models.CharField(
        _("tình trạng nộp phạt"),
        max_length=10,
        choices=PaymentStatus.choices,
        default=PaymentStatus.UNPAID,
    )
    paid_on = models.DateField(_("ngày nộp phạt"), null=True, blank=True)
    criminal_referral = models.BooleanField(_("chuyển xử lý hình sự"), default=False)
    referral_date = models.DateField(_("ngày chuyển"), null=True, blank=True)
    referral_to = models.CharField(_("chuyển đến cơ quan"), max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quyết định xử phạt")
        verbose_name_plural = pgettext_lazy("plural", "quyết định xử phạt")
        ordering = ["-decision_date", "-id"]
        indexes = [models.Index(fields=["unit", "decision_date"])]

    def __str__(self) -> str:
        return self.decision_number or f"{self.offender_name} – {self.decision_date:%d/%m/%Y}"


# --- tips ------------------------------------------------------------------------------


class TipChannel(models.TextChoices):
    HOTLINE = "hotline", _("Đường dây nóng")
    MAILBOX = "mailbox", _("Hòm thư")
    IN_PERSON = "in_person", _("Trực tiếp")
    WEB = "web", _("Trang tin báo công khai")
    ONLINE_MONITORING = "online", _("Theo dõi trên không gian mạng")
    OTHER = "other", _("Khác")


class TipCategory(models.Model):
    """A kind of tip with its processing deadline (data, editable)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name_vi = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("thời hạn xử lý (ngày)"))
    # Working days skip weekends and the holidays below; otherwise calendar days.
    working_days = models.BooleanField(_("tính theo ngày làm việc"), default=True)
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("loại tin báo")
        verbose_name_plural = pgettext_lazy("plural", "loại tin báo")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_vi, self.name_en)


class Holiday(models.Model):
    """A public holiday or compensating day off: not a working day for deadlines."""

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên"), max_length=200)

    class Meta:
        verbose_name = _("ngày nghỉ lễ")
        verbose_name_plural = pgettext_lazy("plural", "ngày nghỉ lễ")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class TipStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    ASSIGNED = "assigned", _("Đã giao xử lý")
    VERIFYING = "verifying", _("Đang xác minh")
    CLOSED = "closed", _("Đã kết thúc")


class TipConclusion(models.TextChoices):
    FOUNDED = "founded", _("Có cơ sở, đã xử lý")
    UNFOUNDED = "unfounded", _("Không có cơ sở")
    INSUFFICIENT = "insufficient", _("Không đủ thông tin để xác minh")
    FORWARDED = "forwarded", _("Chuyển cơ quan có thẩm quyền")


class Tip(models.Model):
    """A tip or complaint (tin báo, tố giác, khiếu nại) and its handling."""

    # The unit concerned (commune where known, else province): whose officers handle it.
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="tips",
        verbose_name=_("địa bàn"),
    )
    business = models.ForeignKey(
        Business,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tips",
        verbose_name=_("cơ sở liên quan"),
    )
    channel = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=TipChannel.choices)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    category = models.ForeignKey(
        TipCategory, on_delete=models.PROTECT, related_name="tips", verbose_name=_("loại tin")
    )
    subject = models.CharField(_("tóm tắt"), max_length=300)
    content = models.TextField(_("nội dung"))
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    # Prostitution advertised online.
    platform = models.CharField(_("nền tảng mạng"), max_length=100, blank=True)
    link = models.URLField(_("đường dẫn"), max_length=1000, blank=True)
    seen_at = models.DateTimeField(_("thời điểm phát hiện"), null=True, blank=True)
    anonymous = models.BooleanField(_("ẩn danh"), default=True)
    # The tip-giver: encrypted, shown only with Perm.TIP_IDENTITY and each read logged.
    reporter_name = EncryptedTextField(_("họ tên người báo tin"), blank=True)
    reporter_contact = EncryptedTextField(_("liên hệ của người báo tin"), blank=True)
    deadline = models.DateField(_("hạn xử lý"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=TipStatus.choices, default=TipStatus.RECEIVED
    )
    assigned_agency = models.ForeignKey(
        "orgs.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tips",
        verbose_name=_("cơ quan xử lý"),
    )
    assigned_on = models.DateField(_("ngày giao"), null=True, blank=True)
    verification = models.TextField(_("kết quả xác minh"), blank=True)
    conclusion = models.CharField(
        _("kết luận"), max_length=15, choices=TipConclusion.choices, blank=True
    )
    outcome = models.TextField(_("kết quả xử lý"), blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    closure_reason = models.CharField(_("lý do kết thúc"), max_length=500, blank=True)
    # Only the hash of the citizen's receipt code is kept (public tips).
    receipt_hash = models.CharField(max_length=64, blank=True, editable=False)
    # What the citizen may read on the follow-up page.
    public_status_note = models.TextField(_("thông báo cho người báo tin"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tin báo")
        verbose_name_plural = pgettext_lazy("plural", "tin báo")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "received_at"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_hash"],
                condition=~Q(receipt_hash=""),
                name="registries_tip_receipt_unique",
            )
        ]

    # Even the hash of the receipt code stays out of the change log.
    audit_redact = ("receipt_hash",)

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        if self.status == TipStatus.CLOSED:
            return bool(self.closed_on and self.closed_on > self.deadline)
        return today > self.deadline

    @property
    def processed_on_time(self) -> bool | None:
        """None while open; closed by the deadline or not."""
        if self.status != TipStatus.CLOSED or self.closed_on is None:
            return None
        return self.closed_on <= self.deadline


class TipMessage(models.Model):
    """What the citizen added later (through the receipt code) or an officer's note."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    from_public = models.BooleanField(default=False)
    text = models.TextField(_("nội dung"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id}: {self.text[:40]}"


class TipAttachment(models.Model):
    """A file sent with a tip: the original kept encrypted, a working copy with metadata
    (EXIF and the like) removed."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TipMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    original = models.FileField(upload_to="tips/original/%Y/%m/")
    working = models.FileField(upload_to="tips/working/%Y/%m/", blank=True)
    from_public = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.name


class PublicRateCounter(models.Model):
    """Submissions per window from one (hashed, salted) address or in total ("*").

    Not linked to any tip: the address is never stored with what it sent."""

    key = models.CharField(max_length=64)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="registries_rate_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.window:%Y-%m-%d %H:%M} {self.count}"
