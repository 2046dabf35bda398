"""A report's life: open, save drafts, submit, approve or return, reopen for correction.

Every write is audited; state changes also append a ReportEvent, which the roll-up engine
follows so that a submitted value counts everywhere at once.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import in_language, nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency
from pcmd.reporting import selectors
from pcmd.reporting.models import (
    DataElement,
    EventAction,
    Form,
    FormSchedule,
    Report,
    ReportEvent,
    ReportEvidence,
    ReportState,
    ReportVersion,
    Severity,
    ValidationRule,
    ValueKey,
)
from pcmd.reporting.periods import CutOff, Period, PeriodError, due_date, parse_period
from pcmd.reporting.values import (
    InvalidValue,
    as_float,
    canonical,
    compare,
    evaluate,
    is_outlier,
    pack,
    parse_expression,
    split_key,
)

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_TYPES = {".pdf", ".docx", ".doc", ".xlsx", ".xls", ".jpg", ".jpeg", ".png", ".odt"}


class ReportConflict(ServiceError):
    """Someone else saved the report since this copy was read."""


@dataclass
class Check:
    """What validation found: errors block submission, warnings need a comment."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    # Required cells still empty: shown when the report is sent, not while it is typed.
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing


def _require_enter(actor: Any, report_unit: AdministrativeUnit) -> None:
    if actor is not None and not user_can(actor, Perm.REPORT_ENTER, report_unit):
        raise PermissionDenied(
            _("Bạn không có quyền nhập báo cáo của %(unit)s.") % {"unit": report_unit.name}
        )


def _require_approve(actor: Any, report: Report) -> None:
    if actor is not None and not selectors.can_approve(actor, report):
        raise PermissionDenied(
            _("Chỉ cấp trên của %(unit)s mới duyệt được báo cáo này.") % {"unit": report.unit.name}
        )


def report_due_date(form: Form, unit: AdministrativeUnit, period_code: str) -> dt.date:
    """The form's due date, or the one the unit's (or an ancestor's) issued plan sets."""
    period = parse_period(period_code)
    rule = form.due_rule
    schedule = (
        FormSchedule.objects.filter(
            form=form,
            plan__status="issued",
            plan__unit_id__in=[*unit.ancestor_ids, unit.pk],
            plan__period_start__lte=period.year,
            plan__period_end__gte=period.year,
        )
        .order_by("-plan__unit__depth")
        .first()
    )
    if schedule is not None:
        rule = schedule.due_rule
    return due_date(period, rule, CutOff(form.cutoff))


@transaction.atomic
def report_open(
    *,
    actor: Any,
    form: Form,
    unit: AdministrativeUnit,
    period: str,
    agency: Agency | None = None,
) -> Report:
    """The unit's report on the form for the period, created as an empty draft if needed."""
    _require_enter(actor, unit)
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise ServiceError(str(exc)) from exc
    if parsed.type != form.period_type:
        raise ServiceError(
            _("Kỳ %(p)s không phải kỳ của biểu mẫu này (%(t)s).")
            % {"p": period, "t": form.get_period_type_display()}
        )
    if form.reporter_level and unit.level != form.reporter_level:
        raise ServiceError(
            _("Biểu mẫu này do cấp %(l)s báo cáo.") % {"l": form.get_reporter_level_display()}
        )
    if not unit.is_valid_on(parsed.end) and not unit.is_valid_on(parsed.start):
        raise ServiceError(
            _("%(unit)s không tồn tại trong kỳ %(p)s.") % {"unit": unit.name, "p": parsed.label()}
        )
    _check_reporter_agency(form, unit, agency, parsed)
    if parsed.start > dt.date.today():
        raise ServiceError(_("Chưa đến kỳ báo cáo %(p)s.") % {"p": parsed.label()})
    existing = Report.objects.filter(
        form=form, unit=unit, agency=agency, period=parsed.code
    ).first()
    if existing is not None:
        return existing
    report = Report.objects.create(
        form=form,
        unit=unit,
        agency=agency,
        period=parsed.code,
        period_start=parsed.start,
        period_end=parsed.end,
        due_date=report_due_date(form, unit, parsed.code),
    )
    version = ReportVersion.objects.create(
        report=report, number=1, created_by=_user(actor), updated_by=_user(actor)
    )
    report.current_version = version
    report.save(update_fields=["current_version"])
    change_record(actor=actor, action=Action.CREATE, obj=report)
    return report


def _check_reporter_agency(
    form: Form, unit: AdministrativeUnit, agency: Agency | None, period: Period
) -> None:
    """An agency form is reported by an agency of that type of the unit; a unit form by
    the unit itself."""
    kind = form.reporter_agency_type
    if kind is None:
        if agency is not None:
            raise ServiceError(_("Biểu mẫu này do đơn vị báo cáo, không do từng cơ quan."))
        return
    if agency is None:
        raise ServiceError(
            _("Biểu mẫu này do %(type)s báo cáo: hãy chọn cơ quan.") % {"type": kind.label}
        )
    if agency.unit_id != unit.pk or agency.agency_type_id != kind.pk:
        raise ServiceError(
            _("%(agency)s không phải %(type)s của %(unit)s.")
            % {"agency": agency.name, "type": kind.label, "unit": unit.name}
        )
    in_period = agency.is_valid_on(period.end) or agency.is_valid_on(period.start)
    if not agency.active or not in_period:
        raise ServiceError(
            _("%(agency)s không hoạt động trong kỳ %(p)s.")
            % {"agency": agency.name, "p": period.label()}
        )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _key_types(form: Form) -> dict[str, str]:
    return {row.key: row.value_type for row in selectors.form_layout(form)}


def _ensure_value_keys(keys: list[str]) -> dict[str, int]:
    """Packing ids for these keys, created on first use."""
    ids = selectors.value_key_ids()
    missing = [k for k in keys if k not in ids]
    if missing:
        elements = {e.code: e for e in DataElement.objects.all()}
        for key in missing:
            code, combo = split_key(key)
            if code in elements:
                vk, _made = ValueKey.objects.get_or_create(element=elements[code], combo=combo)
                ids[key] = vk.pk
    return ids


@dataclass
class SaveResult:
    report: Report
    version: ReportVersion
    check: Check


@transaction.atomic
def report_save(
    *,
    actor: Any,
    report: Report,
    revision: int,
    values: Mapping[str, object] | None = None,
    narratives: Mapping[str, str] | None = None,
    comments: Mapping[str, str] | None = None,
) -> SaveResult:
    """Save what was typed into the report's draft (only the keys given change).

    A value that cannot be read is kept as typed (in `pending`) with its error, so nothing
    typed is lost; `revision` must be the draft's current one, else ReportConflict.
    """
    _require_enter(actor, report.unit)
    report = Report.objects.select_for_update().get(pk=report.pk)
    version = selectors.report_current_version(report)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ServiceError(
            _("Báo cáo đã gửi hoặc đã duyệt nên không sửa được; hãy mở lại để đính chính.")
        )
    # A newer save by someone else is a conflict; one's own (an autosave still in flight
    # when the Send button was pressed) is not.
    if revision != version.revision and (
        actor is None or version.updated_by_id != getattr(actor, "pk", None)
    ):
        who = version.updated_by.get_full_name() if version.updated_by else _("người khác")
        raise ReportConflict(
            _(
                "%(who)s đã lưu báo cáo này lúc %(at)s, sau khi bạn mở nó. Hãy tải lại trang để "
                "xem bản mới nhất; những gì bạn vừa nhập chưa được lưu đè lên."
            )
            % {
                "who": who or version.updated_by,
                "at": date_format(timezone.localtime(version.updated), "d/m/Y H:i"),
            }
        )
    before = snapshot(version)
    types = _key_types(report.form)
    pending: dict[str, str] = dict(version.comments.get("_pending", {}))
    errors: dict[str, str] = {}
    for key, raw in (values or {}).items():
        if key not in types:
            errors[key] = _("Biểu mẫu không có ô “%(k)s”.") % {"k": key}
            continue
        try:
            value = canonical(raw, types[key])
        except InvalidValue as exc:
            pending[key] = nfc(str(raw))
            errors[key] = str(exc)
            continue
        pending.pop(key, None)
        if value == "":
            version.values.pop(key, None)
        else:
            version.values[key] = value
    for code, text in (narratives or {}).items():
        version.narratives[code] = nfc(text or "")
    new_comments = dict(version.comments)
    for key, text in (comments or {}).items():
        if text and text.strip():
            new_comments[key] = nfc(text)
        else:
            new_comments.pop(key, None)
    new_comments["_pending"] = pending
    if not pending:
        new_comments.pop("_pending")
    version.comments = new_comments
    version.packed = pack(version.values, _ensure_value_keys(list(version.values)))
    version.revision += 1
    version.updated_by = _user(actor)
    version.save()
    change_record(actor=actor, action=Action.UPDATE, obj=version, before=before)
    check = report_check(report, version)
    check.errors.update(errors)
    return SaveResult(report=report, version=version, check=check)


def report_check(report: Report, version: ReportVersion) -> Check:
    """Validate a version: readable values, required cells, rules, outliers."""
    check = Check()
    values = version.values
    pending = version.comments.get("_pending", {})
    types = _key_types(report.form) if pending else {}
    for key, raw in pending.items():
        try:
            canonical(raw, types.get(key, "text"))
        except InvalidValue as exc:
            check.errors[key] = str(exc)
    for code in selectors.form_required_elements(report.form):
        if code not in values and not any(k.startswith(code + ".") for k in values):
            check.missing[code] = _("Bắt buộc nhập.")
    for narrative in report.form.narratives:
        if narrative.get("required") and not version.narratives.get(narrative["code"], "").strip():
            check.missing[f"narrative:{narrative['code']}"] = _("Bắt buộc nhập.")
    for rule in ValidationRule.objects.filter(active=True):
        left = evaluate(parse_expression(rule.left), values)
        right = evaluate(parse_expression(rule.right), values)
        if left is None or right is None or compare(left, rule.op, right):
            continue
        target = check.errors if rule.severity == Severity.ERROR else check.warnings
        target.setdefault(parse_expression(rule.left)[0].ref, rule.message)
    history = selectors.report_history_values(report)
    if history:
        for key, value in values.items():
            number = as_float(value)
            past = [n for h in history if (n := as_float(h.get(key, ""))) is not None]
            if number is not None and is_outlier(number, past):
                check.warnings.setdefault(
                    key,
                    _("Khác xa các kỳ trước (%(past)s): hãy kiểm tra lại hoặc ghi chú lý do.")
                    % {"past": ", ".join(f"{p:g}" for p in past[:3])},
                )
    return check


def _event(
    report: Report, version: ReportVersion, action: str, actor: Any, comment: str = ""
) -> None:
    from pcmd.analytics.engine import engine

    ReportEvent.objects.create(
        report=report, version=version, action=action, user=_user(actor), comment=comment
    )
    # Now (for this transaction's own reads) and after commit (for every later one).
    engine().changed()
    transaction.on_commit(engine().changed)


def _missing_names(form: Form, missing: Mapping[str, str]) -> str:
    names = {e.code: e.name for e in DataElement.objects.filter(code__in=missing)}
    labels = {
        f"narrative:{n['code']}": in_language(n.get("label_vi", n["code"]), n.get("label_en", ""))
        for n in form.narratives
    }
    return "; ".join(names.get(code) or labels.get(code, code) for code in missing)


@transaction.atomic
def report_submit(*, actor: Any, report: Report, revision: int | None = None) -> Report:
    """Send the draft up. Submitting again (double click, retried request) changes nothing.

    Refused while errors remain, and while a warning has no comment explaining it.
    """
    _require_enter(actor, report.unit)
    report = Report.objects.select_for_update().get(pk=report.pk)
    version = selectors.report_current_version(report)
    if report.state in (ReportState.SUBMITTED, ReportState.APPROVED):
        return report
    if revision is not None and revision != version.revision:
        raise ReportConflict(
            _("Báo cáo đã được lưu lại sau khi bạn mở nó; hãy tải lại trang trước khi gửi.")
        )
    check = report_check(report, version)
    unexplained = {k: m for k, m in check.warnings.items() if not version.comments.get(k)}
    if check.errors or check.missing or unexplained:
        problems = [*check.errors.values(), *unexplained.values()]
        summary = []
        if problems:
            summary.append(
                _("Chưa gửi được: còn %(n)s ô cần sửa hoặc ghi chú.") % {"n": len(problems)}
            )
        if check.missing:
            summary.append(
                _("Chưa gửi được: còn %(n)s mục bắt buộc chưa nhập: %(names)s.")
                % {"n": len(check.missing), "names": _missing_names(report.form, check.missing)}
            )
        raise ServiceError([*summary, *problems[:10]])
    before_report, before_version = snapshot(report), snapshot(version)
    now = timezone.now()
    version.state = ReportState.SUBMITTED
    version.submitted_by = _user(actor)
    version.submitted_at = now
    version.save()
    report.state = ReportState.SUBMITTED
    report.effective_version = version
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        report.on_time = timezone.localtime(now).date() <= report.due_date
    report.save()
    change_record(actor=actor, action=Action.UPDATE, obj=version, before=before_version)
    change_record(actor=actor, action=Action.UPDATE, obj=report, before=before_report)
    _event(report, version, EventAction.SUBMITTED, actor)
    return report


@transaction.atomic
def report_approve(*, actor: Any, report: Report, comment: str = "") -> Report:
    """Accept a submitted report: its values are locked. Approving twice changes nothing."""
    _require_approve(actor, report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == ReportState.APPROVED:
        return report
    if report.state != ReportState.SUBMITTED:
        raise ServiceError(_("Chỉ duyệt được báo cáo đã gửi."))
    return _decide(actor, report, ReportState.APPROVED, comment)


@transaction.atomic
def report_return(*, actor: Any, report: Report, comment: str) -> Report:
    """Send a submitted report back with the reason; the unit edits and submits again.

    Until then the roll-up counts the last approved version, if there is one.
    """
    _require_approve(actor, report)
    if not (comment or "").strip():
        raise ServiceError(_("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == ReportState.RETURNED:
        return report
    if report.state != ReportState.SUBMITTED:
        raise ServiceError(_("Chỉ trả lại được báo cáo đang chờ duyệt."))
    return _decide(actor, report, ReportState.RETURNED, comment)


def _decide(actor: Any, report: Report, state: str, comment: str) -> Report:
    """Record the level above's decision on the current version, with the change log."""
    version = selectors.report_current_version(report)
    before_report, before_version = snapshot(report), snapshot(version)
    version.state = state
    version.decided_by = _user(actor)
    version.decided_at = timezone.now()
    version.decision_comment = nfc(comment)
    if state == ReportState.RETURNED:
        version.revision += 1  # copies open before the return are out of date
    version.save()
    report.state = state
    # A returned version stops counting; the last approved one (if any) counts again.
    report.effective_version = (
        version
        if state == ReportState.APPROVED
        else report.versions.filter(state=ReportState.APPROVED).order_by("-number").first()
    )
    report.save()
    change_record(actor=actor, action=Action.UPDATE, obj=version, before=before_version)
    change_record(actor=actor, action=Action.UPDATE, obj=report, before=before_report)
    action = EventAction.APPROVED if state == ReportState.APPROVED else EventAction.RETURNED
    _event(report, version, action, actor, nfc(comment))
    return report


@transaction.atomic
def report_reopen(*, actor: Any, report: Report, reason: str) -> Report:
    """Start a correction of an approved report: a new draft version, the old one kept.

    The approved version keeps counting until the correction is submitted.
    """
    _require_enter(actor, report.unit)
    if not (reason or "").strip():
        raise ServiceError(_("Hãy ghi lý do đính chính."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.APPROVED:
        if report.state == ReportState.DRAFT and report.versions.count() > 1:
            return report  # already reopened (a retried request)
        raise ServiceError(_("Chỉ đính chính được báo cáo đã duyệt."))
    old = selectors.report_current_version(report)
    version = ReportVersion.objects.create(
        report=report,
        number=old.number + 1,
        values=dict(old.values),
        narratives=dict(old.narratives),
        comments=dict(old.comments),
        packed=old.packed,
        created_by=_user(actor),
        updated_by=_user(actor),
    )
    before_report = snapshot(report)
    report.current_version = version
    report.state = ReportState.DRAFT
    report.save()
    change_record(actor=actor, action=Action.CREATE, obj=version)
    change_record(actor=actor, action=Action.UPDATE, obj=report, before=before_report)
    _event(report, version, EventAction.REOPENED, actor, nfc(reason))
    return report


@transaction.atomic
def evidence_add(*, actor: Any, report: Report, upload: UploadedFile) -> ReportEvidence:
    """Attach a file to the report's current version (size and type checked)."""
    from pathlib import Path

    _require_enter(actor, report.unit)
    if report.is_locked:
        raise ServiceError(_("Báo cáo đã gửi nên không thêm tài liệu được."))
    name = nfc(Path(upload.name or "tep").name)
    if Path(name).suffix.lower() not in EVIDENCE_TYPES:
        raise ServiceError(_("Chỉ nhận tệp PDF, Word, Excel hoặc ảnh (%(name)s).") % {"name": name})
    if (upload.size or 0) > EVIDENCE_MAX_BYTES:
        raise ServiceError(_("Tệp lớn hơn 20 MB (%(name)s).") % {"name": name})
    evidence = ReportEvidence(
        version=selectors.report_current_version(report),
        name=name,
        size=upload.size or 0,
        uploaded_by=_user(actor),
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    change_record(actor=actor, action=Action.CREATE, obj=evidence)
    return evidence
