"""`pcmd plan import FILE [--json]`: read a plan document; print it, or save a draft."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from pcmd.accounts.models import User
from pcmd.core.errors import ServiceError, refusal_text
from pcmd.geo import selectors as geo
from pcmd.geo.models import AdministrativeUnit
from pcmd.intake.reading import ReadError
from pcmd.intake.types import PlanExtraction
from pcmd.plans.importing import issuer_unit, plan_date, plan_extract_file
from pcmd.plans.services import plan_create_from_extraction


class Command(BaseCommand):
    help = "Plans: `plan import FILE --json` prints the extracted plan; without --json saves it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="read a plan document (txt, md, docx, doc, pdf, scan)")
        imp.add_argument("file", type=Path)
        imp.add_argument("--json", action="store_true", help="print the plan as JSON, save nothing")
        imp.add_argument("--unit", help="issuing unit: its id, or its code (default: the issuer)")
        imp.add_argument("--user", help="the user the draft is recorded as created by")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không có tệp {path} / no such file")
        try:
            result, extraction = plan_extract_file(path, filename=path.name)
        except (ReadError, ServiceError) as exc:
            raise CommandError(refusal_text(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(extraction, ensure_ascii=False, indent=2))
            return
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {options['user']} / no such user")
        unit = _unit(options["unit"], extraction)
        try:
            plan = plan_create_from_extraction(
                actor=actor,
                unit=unit,
                extraction=extraction,
                source_path=path,
                source_name=path.name,
                source_method=result.method,
            )
        except ServiceError as exc:
            raise CommandError(refusal_text(exc)) from exc
        url = settings.PCMD_BASE_URL + reverse("plans:review", args=[plan.pk])
        counts = (
            f"{plan.targets.count()} chỉ tiêu, {plan.assignments.count()} phân công, "
            f"{plan.reporting_duties.count()} chế độ báo cáo"
        )
        self.stdout.write(f"Đã lưu dự thảo kế hoạch ({counts}) của {unit.name}: {url}")


def _unit(option: str | None, extraction: PlanExtraction) -> AdministrativeUnit:
    """The unit named by --unit (id or code), else the one the issuer names."""
    if option:
        found = (
            AdministrativeUnit.objects.filter(pk=int(option)).first() if option.isdigit() else None
        )
        at = plan_date(extraction)
        found = found or geo.units_at(at).filter(code=option).order_by("level").first()
        if found is None:
            raise CommandError(f"Không có đơn vị {option} / no such unit")
        return found
    unit = issuer_unit(extraction)
    if unit is None:
        raise CommandError(
            f"Không xác định được đơn vị ban hành từ “{extraction['issuer']['name']}”: "
            "dùng --unit. / Cannot tell the issuing unit; pass --unit."
        )
    return unit
