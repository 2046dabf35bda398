"""Importing a plan document: read it, extract the plan, save a draft (all or nothing).

Uploads are read by a background task (`pcmd.plans.tasks.plan_import_task`) so an OCR
of many pages does not hold a web request; the command line reads in the foreground.
"""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcmd.audit.models import Action
from pcmd.audit.services import change_record
from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.text import fold
from pcmd.geo.models import AdministrativeUnit
from pcmd.intake.extraction import extract_plan
from pcmd.intake.reading import ReadError, ReadResult, read_document
from pcmd.intake.types import PlanExtraction
from pcmd.plans.models import ISSUER_LEVEL, ImportStatus, Plan, PlanImport
from pcmd.plans.services import plan_create_from_extraction, require_plan_manage

ACCEPTED_EXTENSIONS = (
    ".txt",
    ".md",
    ".docx",
    ".doc",
    ".odt",
    ".rtf",
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".tif",
    ".tiff",
)


def plan_extract_file(
    path: Path, *, filename: str, progress: Callable[[int, int], None] | None = None
) -> tuple[ReadResult, PlanExtraction]:
    """Read and extract without saving; refuses a document with nothing of a plan in it."""
    result = read_document(path, filename=filename, progress=progress)
    extraction = extract_plan(result.text, document=filename)
    extraction["warnings"] = list(result.warnings) + list(extraction.get("warnings") or [])
    if not (extraction["targets"] or extraction["assignments"] or extraction["reporting"]):
        raise ServiceError(
            _(
                "Không tìm thấy chỉ tiêu, phân công hay chế độ báo cáo nào trong %(name)s: "
                "tệp này có vẻ không phải một kế hoạch."
            )
            % {"name": filename}
        )
    return result, extraction


def plan_import_path(
    *, actor: Any, unit: AdministrativeUnit, path: Path, filename: str | None = None
) -> Plan:
    """Read `path` now and save a draft plan of `unit` (the command line's way)."""
    require_plan_manage(actor, unit)
    name = filename or path.name
    try:
        result, extraction = plan_extract_file(path, filename=name)
    except ReadError as exc:
        raise ServiceError(str(exc)) from exc
    return plan_create_from_extraction(
        actor=actor,
        unit=unit,
        extraction=extraction,
        source_path=path,
        source_name=name,
        source_method=result.method,
    )


def _check_upload(upload: UploadedFile) -> str:
    name = Path(upload.name or "").name
    if not name.lower().endswith(ACCEPTED_EXTENSIONS):
        raise ServiceError(
            _("Không nhận loại tệp này. Hãy tải lên %(types)s.")
            % {"types": ", ".join(ACCEPTED_EXTENSIONS)}
        )
    limit = settings.PCMD_IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ServiceError(
            _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit).1f MB.")
            % {"size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    if not upload.size:
        raise ServiceError(_("Tệp rỗng."))
    return name


def plan_import_start(*, actor: Any, unit: AdministrativeUnit, upload: UploadedFile) -> PlanImport:
    """Keep the upload and queue its reading; the user follows the returned import."""
    from pcmd.plans.tasks import plan_import_task

    require_plan_manage(actor, unit)
    name = _check_upload(upload)
    job = PlanImport(unit=unit, user=actor, filename=name, step=_("Đang chờ đọc tệp"))
    job.file.save(name, upload, save=False)
    job.save()
    change_record(actor=actor, action=Action.CREATE, obj=job)
    # Queue only once the row is committed, so the worker finds it.
    transaction.on_commit(lambda: _enqueue(job, plan_import_task))
    return job


def _enqueue(job: PlanImport, task: Any) -> None:
    result = task.enqueue(str(job.pk))
    job.task_id = str(result.id)
    PlanImport.objects.filter(pk=job.pk).update(task_id=job.task_id)


def plan_import_run(job_id: str) -> None:
    """The background task's body: read, extract, save the draft, record the outcome."""
    job = PlanImport.objects.select_related("unit", "user").get(pk=job_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return  # a retried task does the work once
    _progress(job, status=ImportStatus.RUNNING, step=_("Đang đọc tệp"))

    def progress(done: int, total: int) -> None:
        _progress(job, done=done, total=total, step=_("Đang nhận dạng chữ (OCR)"))

    try:
        path = Path(job.file.path)
        result, extraction = plan_extract_file(path, filename=job.filename, progress=progress)
        _progress(job, step=_("Đang lưu dự thảo"))
        # A coordinator may upload a plan of a unit below theirs: file it under that unit.
        unit = issuer_unit(extraction, within=job.unit) or job.unit
        plan = plan_create_from_extraction(
            actor=job.user,
            unit=unit,
            extraction=extraction,
            source_path=path,
            source_name=job.filename,
            source_method=result.method,
        )
    except (ReadError, ServiceError, PermissionDenied) as exc:
        # PermissionDenied: the uploader lost the right to the unit while the file waited.
        _finish(job, ImportStatus.FAILED, message=refusal_text(exc))
        return
    except Exception:
        _finish(job, ImportStatus.FAILED, message=_("Lỗi hệ thống khi đọc tệp; đã ghi nhận."))
        raise
    _finish(job, ImportStatus.DONE, plan=plan)


def _progress(job: PlanImport, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    PlanImport.objects.filter(pk=job.pk).update(**fields)


def _finish(
    job: PlanImport, status: ImportStatus, *, message: str = "", plan: Plan | None = None
) -> None:
    _progress(
        job,
        status=status,
        message=message,
        plan=plan,
        step="",
        finished=timezone.now(),
    )
    # The upload is kept with the plan (source_file); the import's copy is not needed.
    if job.file:
        job.file.delete(save=False)
        PlanImport.objects.filter(pk=job.pk).update(file="")


def import_is_stale(job: PlanImport, now: dt.datetime | None = None) -> bool:
    """Queued for over 10 minutes: no worker is running (the page says so)."""
    now = now or timezone.now()
    return job.status == ImportStatus.QUEUED and (now - job.created) > dt.timedelta(minutes=10)


def plan_date(extraction: PlanExtraction) -> dt.date:
    """The date the plan speaks of: its issue month, else 1 January of its first year."""
    issued = (extraction.get("issued_on") or "")[:7]
    if len(issued) == 7 and issued[:4].isdigit() and issued[5:7].isdigit():
        return dt.date(int(issued[:4]), int(issued[5:7]), 1)
    start = (extraction.get("period") or {}).get("start")
    return dt.date(start, 1, 1) if start else dt.date.today()


def issuer_unit(
    extraction: PlanExtraction, within: AdministrativeUnit | None = None
) -> AdministrativeUnit | None:
    """The unit the issuer names ("UBND huyện Chi Lăng") on the plan's date, if exactly one.

    With `within`, only that unit or units below it count.
    """
    from pcmd.documents.plan_document import place_of
    from pcmd.geo.selectors import unit_search

    issuer = extraction["issuer"]
    name = issuer.get("name") or ""
    place = place_of(name)
    if not place:
        return None
    level = ISSUER_LEVEL.get(issuer.get("level") or "")
    candidates = unit_search(place, at=plan_date(extraction), level=level, within=within, limit=20)
    # The unit named exactly ("Xã Kỳ Anh" in "UBND xã Kỳ Anh") beats one that only ends
    # alike ("Phường Kỳ Anh").
    found = [u for u in candidates if fold(name).endswith(fold(u.name))] or [
        u for u in candidates if fold(u.name).endswith(fold(place))
    ]
    return found[0] if len(found) == 1 else None
