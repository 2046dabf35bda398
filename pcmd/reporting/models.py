"""Indicators, data elements, report forms and the reports units send up the hierarchy.

The catalogue (data elements, disaggregations, indicators, forms, rules) is data that
administrators edit; it is seeded from `seed/catalogue.json`. A report is one unit's
answer to one form for one period; each save after submission makes a new version, and
every version stays readable. The version a roll-up counts is `Report.effective_version`.
"""

import itertools
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pcmd.core.text import in_language
from pcmd.geo.models import UnitLevel
from pcmd.plans.models import Area


def _check_expressions(**expressions: str) -> None:
    """Refuse a formula that the engine could not read (admin edits go through clean)."""
    from pcmd.reporting.values import InvalidValue, parse_expression

    errors = {}
    for field, text in expressions.items():
        try:
            parse_expression(text or "")
        except InvalidValue as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)


def _check_sources(**sources: str) -> None:
    """A registry indicator counts from registry sources (the denominator is optional)."""
    from pcmd.analytics import sources as known_sources

    errors = {}
    for field, name in sources.items():
        if (name or field == "registry_source") and not known_sources.known(name):
            errors[field] = _("Không có nguồn sổ theo dõi “%(name)s”. Các nguồn: %(all)s.") % {
                "name": name,
                "all": ", ".join(known_sources.names()),
            }
    if errors:
        raise ValidationError(errors)


def _check_due_rule(rule: str) -> None:
    from pcmd.reporting.periods import PeriodError, parse_due_rule

    try:
        parse_due_rule(rule)
    except PeriodError as exc:
        raise ValidationError({"due_rule": str(exc)}) from exc


class Bilingual(models.Model):
    """Catalogue rows carry both names: the UI shows the one of the active language."""

    name_vi = models.CharField(_("tên tiếng Việt"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_vi, self.name_en)


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Số nguyên")
    DECIMAL = "decimal", _("Số thập phân")
    BOOLEAN = "boolean", _("Có/Không")
    TEXT = "text", _("Văn bản")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng")
    AVERAGE = "average", _("Trung bình")
    LAST = "last", _("Giá trị cuối kỳ")
    MAX = "max", _("Lớn nhất")


class Disaggregation(Bilingual):
    """A way of splitting a count, e.g. by sex or by level."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("phân tổ")
        verbose_name_plural = pgettext_lazy("plural", "phân tổ")
        ordering = ["code"]


class DisaggregationOption(Bilingual):
    disaggregation = models.ForeignKey(
        Disaggregation, on_delete=models.CASCADE, related_name="options"
    )
    code = models.SlugField(_("mã"), max_length=50)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("nhóm phân tổ")
        verbose_name_plural = pgettext_lazy("plural", "nhóm phân tổ")
        ordering = ["disaggregation", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["disaggregation", "code"], name="reporting_option_code_unique"
            )
        ]


class DataElement(Bilingual):
    """One thing a report counts or states, e.g. businesses inspected."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    description_vi = models.TextField(_("mô tả"), blank=True)
    description_en = models.TextField(_("mô tả tiếng Anh"), blank=True)
    value_type = models.CharField(_("kiểu giá trị"), max_length=10, choices=ValueType.choices)
    aggregation = models.CharField(
        _("cách tổng hợp"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    area = models.CharField(_("lĩnh vực"), max_length=30, choices=Area.choices)
    disaggregations = models.ManyToManyField(
        Disaggregation, through="ElementDisaggregation", blank=True, related_name="elements"
    )

    class Meta:
        verbose_name = _("chỉ số dữ liệu")
        verbose_name_plural = pgettext_lazy("plural", "chỉ số dữ liệu")
        ordering = ["code"]

    @property
    def is_numeric(self) -> bool:
        return self.value_type != ValueType.TEXT


class ElementDisaggregation(models.Model):
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE)
    disaggregation = models.ForeignKey(Disaggregation, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["element", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["element", "disaggregation"], name="reporting_element_disagg_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element_id}/{self.disaggregation_id}"


def combos_of(options_by_disaggregation: list[list[DisaggregationOption]]) -> list[tuple[str, str]]:
    """Every combination of options as (code, label): ("province-female", "Tỉnh, Nữ")."""
    if not options_by_disaggregation:
        return [("", "")]
    return [
        ("-".join(o.code for o in combo), ", ".join(o.name for o in combo))
        for combo in itertools.product(*options_by_disaggregation)
    ]


class IndicatorKind(models.TextChoices):
    FORMULA = "formula", _("Công thức từ chỉ số dữ liệu")
    UNIT_SHARE = "unit_share", _("Tỷ lệ đơn vị đạt điều kiện")
    REGISTRY = "registry", _("Đếm từ sổ theo dõi")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Càng cao càng tốt")
    LOWER = "lower", _("Càng thấp càng tốt")


class IndicatorUnit(models.TextChoices):
    PERCENT = "percent", "%"
    COUNT = "count", _("số lượng")
    PER_MONTH = "per_month", _("lần/tháng")
    VND = "vnd", _("đồng")
    PEOPLE = "people", _("người")


class Indicator(Bilingual):
    """A figure the programme is judged by, computed from data elements or registries."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=IndicatorKind.choices)
    area = models.CharField(_("lĩnh vực"), max_length=30, choices=Area.choices)
    unit = models.CharField(_("đơn vị tính"), max_length=12, choices=IndicatorUnit.choices)
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=0)
    direction = models.CharField(
        _("chiều tốt"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    # "A + B - C" over element codes ("CODE.option" for one cell; "@months" = months).
    numerator = models.CharField(_("tử số"), max_length=500, blank=True)
    denominator = models.CharField(_("mẫu số"), max_length=500, blank=True)
    factor = models.DecimalField(_("hệ số"), max_digits=10, decimal_places=2, default=1)
    condition_element = models.ForeignKey(
        DataElement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chỉ số dữ liệu của điều kiện"),
    )
    condition_op = models.CharField(_("phép so sánh"), max_length=2, blank=True)
    condition_value = models.DecimalField(
        _("ngưỡng"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    condition_level = models.PositiveSmallIntegerField(
        _("cấp đơn vị được đếm"), choices=UnitLevel.choices, null=True, blank=True
    )
    registry_source = models.CharField(_("nguồn sổ theo dõi"), max_length=100, blank=True)
    # Lower-case phrases that identify this indicator in a plan target's sentence.
    keywords = models.JSONField(_("từ khóa"), default=list, blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("chỉ tiêu thống kê")
        verbose_name_plural = pgettext_lazy("plural", "chỉ tiêu thống kê")
        ordering = ["area", "code"]

    def clean(self) -> None:
        if self.kind == IndicatorKind.REGISTRY:
            _check_sources(registry_source=self.registry_source, denominator=self.denominator)
        else:
            _check_expressions(numerator=self.numerator, denominator=self.denominator)


class PeriodType(models.TextChoices):
    # The values are pcmd.reporting.periods.PeriodType's.
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    SIX_MONTHLY = "six_monthly", _("6 tháng")
    ANNUAL = "annual", _("Hằng năm")
    AD_HOC = "ad_hoc", _("Đột xuất")


class CutOff(models.TextChoices):
    CALENDAR = "calendar", _("Theo lịch (đầu kỳ đến cuối kỳ)")
    ND09 = "nd09", _("Theo Nghị định 09/2019/NĐ-CP (từ ngày 15 tháng trước đến ngày 14)")


class Form(Bilingual):
    """A report form (data set): what is reported, by whom, how often, by when."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    period_type = models.CharField(_("kỳ báo cáo"), max_length=12, choices=PeriodType.choices)
    reporter_level = models.PositiveSmallIntegerField(
        _("cấp báo cáo"), choices=UnitLevel.choices, null=True, blank=True
    )
    reporter_agency_type = models.ForeignKey(
        "orgs.AgencyType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("loại cơ quan báo cáo"),
    )
    due_rule = models.CharField(_("hạn gửi"), max_length=200)
    cutoff = models.CharField(
        _("thời điểm lấy số liệu"), max_length=10, choices=CutOff.choices, default=CutOff.CALENDAR
    )
    # [{"code": "results", "label_vi": ..., "label_en": ..., "required": true}, ...]
    narratives = models.JSONField(_("phần thuyết minh"), default=list, blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("biểu mẫu báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "biểu mẫu báo cáo")
        ordering = ["code"]

    def clean(self) -> None:
        _check_due_rule(self.due_rule)


class FormSection(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(default=0)
    title_vi = models.CharField(_("tiêu đề"), max_length=300)
    title_en = models.CharField(_("tiêu đề tiếng Anh"), max_length=300, blank=True)

    class Meta:
        ordering = ["form", "order"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_vi, self.title_en)


class FormElement(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="form_elements")
    section = models.ForeignKey(FormSection, on_delete=models.CASCADE, related_name="items")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    required = models.BooleanField(_("bắt buộc"), default=False)

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "element"], name="reporting_form_element_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.element)


class FormSchedule(models.Model):
    """A plan's own due date for a form, overriding the form's rule for that plan's units."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="schedules")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    due_rule = models.CharField(_("hạn gửi"), max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "plan"], name="reporting_schedule_unique")
        ]

    def __str__(self) -> str:
        return self.due_rule

    def clean(self) -> None:
        _check_due_rule(self.due_rule)


class Severity(models.TextChoices):
    ERROR = "error", _("Lỗi")
    WARNING = "warning", _("Cảnh báo")


class ValidationRule(models.Model):
    """left op right over one report's values, e.g. inspected <= at-risk businesses."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    left = models.CharField(_("vế trái"), max_length=300)
    op = models.CharField(_("phép so sánh"), max_length=2)
    right = models.CharField(_("vế phải"), max_length=300)
    message_vi = models.CharField(_("thông báo"), max_length=500)
    message_en = models.CharField(_("thông báo tiếng Anh"), max_length=500, blank=True)
    severity = models.CharField(
        _("mức độ"), max_length=8, choices=Severity.choices, default=Severity.ERROR
    )
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = pgettext_lazy("plural", "quy tắc kiểm tra")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"

    def clean(self) -> None:
        _check_expressions(left=self.left, right=self.right)
        if self.op not in ("<=", "<", ">=", ">", "="):
            raise ValidationError({"op": _("Phép so sánh phải là <=, <, >=, > hoặc =.")})

    @property
    def message(self) -> str:
        return in_language(self.message_vi, self.message_en)


class ValueKey(models.Model):
    """A number for each (element, combination) so the engine packs values compactly."""

    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+")
    combo = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["element", "combo"], name="reporting_value_key_unique")
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return f"{self.element.code}.{self.combo}" if self.combo else self.element.code


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    RETURNED = "returned", _("Bị trả lại")


class Report(models.Model):
    """One unit's (or one agency's) report on one form for one period."""

    # Searched by (form, period, ...) through the indexes below, never by form alone.
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="reports", db_index=False)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("đơn vị"),
    )
    agency = models.ForeignKey(
        "orgs.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=20)
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField(_("hạn gửi"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # The version being edited or decided; the version counted in roll-ups (the latest
    # submitted or approved one) may be older while a correction is drafted.
    # Not indexed: they are followed from the report, never searched (an index each would
    # only slow national loads).
    current_version = models.ForeignKey(
        "ReportVersion", null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    effective_version = models.ForeignKey(
        "ReportVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    first_submitted_at = models.DateTimeField(_("gửi lần đầu"), null=True, blank=True)
    # Whether the first submission came by the due date (local day); set when submitted.
    on_time = models.BooleanField(_("đúng hạn"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "báo cáo")
        ordering = ["-period_end", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "unit", "period"],
                condition=Q(agency__isnull=True),
                name="reporting_report_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["form", "agency", "period"],
                condition=Q(agency__isnull=False),
                name="reporting_report_agency_unique",
            ),
        ]
        indexes = [models.Index(fields=["form", "period", "state"])]

    def __str__(self) -> str:
        return f"{self.form.name} – {self.reporter} – {self.period}"

    @property
    def reporter(self) -> str:
        """Who reports: the agency (its name carries its unit's) or else the unit."""
        return self.agency.name if self.agency_id and self.agency else self.unit.name

    @property
    def is_locked(self) -> bool:
        return self.state in (ReportState.SUBMITTED, ReportState.APPROVED)


class ReportVersion(models.Model):
    # The unique (report, number) index serves lookups by report: no second index.
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # {"AT_RISK_BUSINESSES": "12", "STAFF_TRAINED.province-female": "3"}: as typed, canonical.
    values = models.JSONField(default=dict, blank=True)
    narratives = models.JSONField(default=dict, blank=True)
    # Per value: why an outlier is right, or any note ("key": "text").
    comments = models.JSONField(default=dict, blank=True)
    # The numeric values as little-endian (value key id int32, value float64) records:
    # what the roll-up engine reads, so loading millions of values stays fast.
    packed = models.BinaryField(default=b"")
    # Bumped on every save; a save naming an older revision is a conflict.
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("ý kiến"), blank=True)

    # The change log keeps states and who/when; the values are in the version itself.
    audit_redact = ("packed",)

    class Meta:
        verbose_name = _("phiên bản báo cáo")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="reporting_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


def evidence_path(instance: "ReportEvidence", filename: str) -> str:
    return f"reports/{instance.version.report_id}/{uuid.uuid4().hex}/{filename}"


class ReportEvidence(models.Model):
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kèm theo")
        verbose_name_plural = pgettext_lazy("plural", "tài liệu kèm theo")

    def __str__(self) -> str:
        return self.name


class EventAction(models.TextChoices):
    SUBMITTED = "submitted", _("Gửi")
    APPROVED = "approved", _("Duyệt")
    RETURNED = "returned", _("Trả lại")
    REOPENED = "reopened", _("Mở lại để đính chính")
    IMPORTED = "imported", _("Nhập từ tệp")


class ReportEvent(models.Model):
    """The workflow history of a report; also the feed the roll-up engine follows.

    Rows are only appended; the engine re-reads reports with events newer than what it
    has seen (with a safety window for transactions that commit out of id order).
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=EventAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.report_id}"
