"""Plans (Kế hoạch) as structured data: targets, tasks, assignments, reporting duties.

A plan belongs to the unit that issued it (scoping goes through `unit`); its items
belong to the plan. Items that came from a document keep the span of the document's
cleaned text (`Plan.text`) they were read from, so review can show the source.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pcmd.geo.models import UnitLevel

# The issuer levels of an extraction (pcmd.intake.types.IssuerLevel) as unit levels.
ISSUER_LEVEL = {
    "province": UnitLevel.PROVINCE,
    "district": UnitLevel.DISTRICT,
    "commune": UnitLevel.COMMUNE,
}


class PlanKind(models.TextChoices):
    ANNUAL = "annual", _("Kế hoạch năm")
    PHASE = "phase", _("Kế hoạch giai đoạn")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    SUPERSEDED = "superseded", _("Đã được thay thế")


class Area(models.TextChoices):
    COMMUNICATION = "communication", _("Truyền thông, tuyên truyền")
    PREVENTION_INTEGRATION = "prevention_integration", _("Phòng ngừa, lồng ghép")
    INSPECTION_ENFORCEMENT = "inspection_enforcement", _("Kiểm tra, xử lý vi phạm")
    HARM_REDUCTION_SUPPORT = "harm_reduction_support", _("Giảm hại, hỗ trợ")
    CAPACITY_BUILDING = "capacity_building", _("Nâng cao năng lực")
    HEALTHY_COMMUNES = "healthy_communes", _("Xã, phường lành mạnh")
    OTHER = "other", _("Khác")


class Comparator(models.TextChoices):
    AT_LEAST = ">=", _("ít nhất")
    EXACTLY = "=", _("bằng")
    AT_MOST = "<=", _("không quá")
    RANGE = "range", _("trong khoảng")


class TargetUnit(models.TextChoices):
    PERCENT = "percent", "%"  # the same in every language
    COUNT = "count", _("số lượng")
    TIMES_PER_MONTH = "times_per_month", _("lần/tháng")


class Frequency(models.TextChoices):
    ANNUAL = "annual", _("hằng năm")
    PERIOD = "period", _("cả giai đoạn")
    MONTHLY = "monthly", _("hằng tháng")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COORDINATE = "coordinate", _("Phối hợp")
    RESPONSIBLE = "responsible", _("Thực hiện")
    REQUESTED = "requested", _("Đề nghị phối hợp")


class ReportingKind(models.TextChoices):
    SIX_MONTH = "6-month", _("6 tháng")
    ANNUAL = "annual", _("hằng năm")
    QUARTERLY = "quarterly", _("hằng quý")
    MONTHLY = "monthly", _("hằng tháng")
    AD_HOC = "ad-hoc", _("đột xuất")
    PERIODIC = "periodic", _("định kỳ")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")


class Origin(models.TextChoices):
    DOCUMENT = "document", _("Từ văn bản")
    MANUAL = "manual", _("Nhập tay")
    DERIVED = "derived", _("Từ kế hoạch cấp trên")


class Plan(models.Model):
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("đơn vị ban hành"),
    )
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    # "2024-06-??": plans are often copied before the day is filled in.
    issued_on_text = models.CharField(max_length=10, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    kind = models.CharField(_("loại"), max_length=10, choices=PlanKind.choices)
    period_start = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("kế hoạch cấp trên"),
    )
    source_file = models.FileField(upload_to="plans/%Y/%m/", blank=True)
    source_name = models.CharField(_("tệp gốc"), max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    source_method = models.CharField(max_length=20, blank=True)
    text = models.TextField(_("văn bản trích xuất"), blank=True)
    signer = models.JSONField(default=dict, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = pgettext_lazy("plural", "kế hoạch")
        ordering = ["-period_start", "-issued_on", "-id"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end and self.period_start != self.period_end:
            return f"{self.period_start}–{self.period_end}"
        return str(self.period_start or self.period_end or "")


class PlanItem(models.Model):
    """What every item of a plan has: its order and where it came from.

    Items are scoped through `plan__unit`; each kind names its own reverse accessor.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(default=0)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    # Checked by a reviewer against the original (items typed or derived by hand are).
    accepted = models.BooleanField(_("đã rà soát"), default=False)

    class Meta:
        abstract = True
        ordering = ["order", "id"]


class LegalBasis(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="legal_bases")
    text = models.TextField(_("căn cứ"))
    doc_kind = models.CharField(_("loại văn bản"), max_length=50, blank=True)
    doc_number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    doc_date = models.DateField(_("ngày"), null=True, blank=True)
    doc_issuer = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    linked_plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by"
    )

    class Meta(PlanItem.Meta):
        verbose_name = _("căn cứ")
        verbose_name_plural = pgettext_lazy("plural", "căn cứ")

    def __str__(self) -> str:
        return self.text[:100]


class Section(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(max_length=20, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=500)
    level = models.PositiveSmallIntegerField(default=1)
    body = models.TextField(_("nội dung"), blank=True)

    class Meta(PlanItem.Meta):
        verbose_name = _("mục")
        verbose_name_plural = pgettext_lazy("plural", "mục")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


class Target(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    area = models.CharField(_("lĩnh vực"), max_length=30, choices=Area.choices)
    text = models.TextField(_("chỉ tiêu như văn bản"))
    comparator = models.CharField(
        _("so sánh"), max_length=5, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=2)
    value_max = models.DecimalField(
        _("giá trị tối đa"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(_("đơn vị tính"), max_length=20, choices=TargetUnit.choices)
    population = models.CharField(_("đối tượng"), max_length=500, blank=True)
    condition = models.CharField(_("điều kiện"), max_length=1000, blank=True)
    frequency = models.CharField(_("tần suất"), max_length=10, choices=Frequency.choices)
    deadline_year = models.PositiveSmallIntegerField(_("hạn (năm)"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived",
        verbose_name=_("chỉ tiêu cấp trên"),
    )
    # The indicator catalogue arrives with the reporting issue; until then no link.
    indicator_code = models.CharField(_("chỉ số"), max_length=50, blank=True)

    class Meta(PlanItem.Meta):
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = pgettext_lazy("plural", "chỉ tiêu")

    def __str__(self) -> str:
        return self.text[:100]


class Task(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    text = models.TextField(_("nhiệm vụ"))
    area = models.CharField(_("lĩnh vực"), max_length=30, choices=Area.choices)
    lead_name = models.CharField(_("cơ quan chủ trì"), max_length=300, blank=True)
    lead = models.ForeignKey(
        "orgs.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coordinating = models.JSONField(_("cơ quan phối hợp"), default=list, blank=True)
    timeframe = models.CharField(_("thời gian"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )

    class Meta(PlanItem.Meta):
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm vụ")

    def __str__(self) -> str:
        return self.text[:100]


class Assignment(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    agency_name = models.CharField(_("cơ quan"), max_length=300)
    agency = models.ForeignKey(
        "orgs.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency_type = models.ForeignKey(
        "orgs.AgencyType", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=AssignmentRole.choices)
    duties = models.TextField(_("nhiệm vụ được giao"), blank=True)
    reports_to = models.JSONField(_("báo cáo cho"), default=list, blank=True)
    # False: the name matched no catalogue type or alias; review shows it flagged.
    known = models.BooleanField(default=True)

    class Meta(PlanItem.Meta):
        verbose_name = _("phân công")
        verbose_name_plural = pgettext_lazy("plural", "phân công")

    def __str__(self) -> str:
        return f"{self.agency_name} ({self.get_role_display()})"


class ReportingDuty(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_duties")
    kind = models.CharField(_("loại báo cáo"), max_length=10, choices=ReportingKind.choices)
    due_day = models.PositiveSmallIntegerField(_("ngày hạn"), null=True, blank=True)
    due_month = models.PositiveSmallIntegerField(_("tháng hạn"), null=True, blank=True)
    reporter = models.CharField(_("nơi báo cáo"), max_length=300, blank=True)
    recipients = models.JSONField(_("nơi nhận báo cáo"), default=list, blank=True)
    evidence = models.TextField(_("câu trong văn bản"), blank=True)

    class Meta(PlanItem.Meta):
        verbose_name = _("chế độ báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "chế độ báo cáo")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_day_month}".strip()

    @property
    def due_day_month(self) -> str:
        if self.due_day and self.due_month:
            return f"{self.due_day:02d}/{self.due_month:02d}"
        return ""


class BudgetSource(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_sources")
    text = models.TextField(_("nguồn kinh phí"))

    class Meta(PlanItem.Meta):
        verbose_name = _("nguồn kinh phí")
        verbose_name_plural = pgettext_lazy("plural", "nguồn kinh phí")

    def __str__(self) -> str:
        return self.text[:100]


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang đọc")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Không đọc được")


class PlanImport(models.Model):
    """One upload being read in the background; the user watches its progress."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey("geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=255)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    step = models.CharField(max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL)
    task_id = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nhập kế hoạch")
        verbose_name_plural = pgettext_lazy("plural", "lượt nhập kế hoạch")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
