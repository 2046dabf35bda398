"""`pcmd load-units [DIR]`: load the administrative-unit reference data (idempotent)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcmd.geo.loader import DEFAULT_DATA_DIR, DataFileError, load_units


class Command(BaseCommand):
    help = (
        "Load administrative units and their successions from units.csv and successions.csv "
        "(default: the data shipped in pcmd/geo/data). Checks the files first; loads nothing "
        "when a row is wrong. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "data_dir",
            nargs="?",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help="directory holding units.csv and successions.csv",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path = options["data_dir"]
        if not data_dir.is_dir():
            raise CommandError(f"Không có thư mục dữ liệu {data_dir}.")
        try:
            result = load_units(data_dir)
        except DataFileError as exc:
            raise CommandError(
                "Không nạp gì cả: dữ liệu có lỗi.\n" + "\n".join(exc.errors)
            ) from exc
        self.stdout.write(
            f"Đơn vị hành chính ({data_dir}): {result.units_created} thêm mới, "
            f"{result.units_updated} cập nhật, {result.units_unchanged} không đổi"
            + (
                f", {result.units_not_in_file} không còn trong tệp (giữ nguyên)"
                if result.units_not_in_file
                else ""
            )
            + f"; {result.paths_updated} đường dẫn cây được tính lại.\n"
            f"Quan hệ kế thừa: {result.successions_created} thêm mới, "
            f"{result.successions_updated} cập nhật, {result.successions_deleted} xóa, "
            f"{result.successions_unchanged} không đổi.\n"
            f"Thời gian: {result.seconds:.1f} giây."
        )
