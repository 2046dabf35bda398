"""Demo accounts (and the agencies of their units) so a newcomer can sign in at once."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pcmd.accounts.models import Membership, User
from pcmd.accounts.roles import Role
from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
from pcmd.orgs.services import agencies_ensure_standard

DEMO_PASSWORD = "pcmd-demo-2026"  # noqa: S105  (printed by scripts/start; demo only)

# (username, full name, role, province name, commune name or None)
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.SYSTEM_ADMIN, "Tỉnh Hà Tĩnh", None),
    ("tinh.hatinh", "Trần Thị Lan", Role.PROVINCE_COORDINATOR, "Tỉnh Hà Tĩnh", None),
    ("xa.kyanh", "Nguyễn Văn Hùng", Role.COMMUNE_OFFICER, "Tỉnh Hà Tĩnh", "Xã Kỳ Anh"),
    ("xem.hatinh", "Lê Minh Châu", Role.VIEWER, "Tỉnh Hà Tĩnh", None),
]


class Command(BaseCommand):
    help = "Create the demo accounts and the standard agencies of their units (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.today()
        current = AdministrativeUnit.objects.filter(valid_at(today))
        for username, full_name, role, province_name, commune_name in DEMO_USERS:
            province = current.filter(level=UnitLevel.PROVINCE, name=province_name).first()
            if province is None:
                raise CommandError(
                    "Chưa nạp danh mục đơn vị hành chính: chạy `pcmd load-units` trước."
                )
            unit = province
            if commune_name:
                commune = current.filter(path__startswith=province.path, name=commune_name)
                unit = commune.first() or province
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, email=f"{username}@pcmd.local")
                user.set_password(DEMO_PASSWORD)
                user.is_superuser = user.is_staff = role == Role.SYSTEM_ADMIN
                user.save()
            if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
                Membership.objects.create(
                    user=user, unit=unit, role=role, valid_from=dt.date(2021, 1, 1)
                )
            agencies_ensure_standard(actor=None, unit=unit)
        self._demo_plan(today)
        self.stdout.write(f"Demo data ready: {len(DEMO_USERS)} accounts, password {DEMO_PASSWORD}")

    def _demo_plan(self, today: dt.date) -> None:
        """A commune plan read from the sample document, as a draft to review."""
        from pathlib import Path

        from pcmd.plans.importing import plan_import_path
        from pcmd.plans.models import Plan

        officer = User.objects.get(username="xa.kyanh")
        unit = officer.memberships.get().unit
        if Plan.objects.filter(unit=unit).exists():
            return
        sample = Path(__file__).resolve().parents[3] / "plans/demo/ke-hoach-xa-ky-anh-2026.txt"
        plan_import_path(actor=officer, unit=unit, path=sample)
