"""Plans for tests: an extraction written by hand (independent of the extractor)."""

from typing import Any

from pcmd.geo.models import AdministrativeUnit
from pcmd.intake.types import PlanExtraction
from pcmd.plans.models import Plan
from pcmd.plans.services import plan_create_from_extraction

TEXT = (
    "ỦY BAN NHÂN DÂN XÃ KỲ HOA\n"
    "Số: 12/KH-UBND\n"
    "Kỳ Hoa, ngày 10 tháng 01 năm 2026\n"
    "KẾ HOẠCH\n"
    "Phòng, chống mại dâm năm 2026\n"
    "Căn cứ Kế hoạch số 5/KH-UBND ngày 05/01/2026 của UBND tỉnh Hà Tĩnh.\n"
    "I. CHỈ TIÊU\n"
    "- Ít nhất 80% thôn tổ chức được ít nhất một hình thức tuyên truyền.\n"
    "- 100% cơ sở kinh doanh dịch vụ được kiểm tra ít nhất một lần trong năm.\n"
    "II. TỔ CHỨC THỰC HIỆN\n"
    "1. Công an xã: chủ trì kiểm tra các cơ sở kinh doanh dịch vụ.\n"
    "2. Đề nghị Hội Liên hiệp Phụ nữ xã phối hợp tuyên truyền.\n"
    "Báo cáo 6 tháng gửi UBND tỉnh trước ngày 05/6; báo cáo năm trước ngày 15/11.\n"
    "Kinh phí: ngân sách xã.\n"
)


def _span(fragment: str) -> list[int]:
    start = TEXT.index(fragment)
    return [start, start + len(fragment)]


def sample_extraction(**overrides: Any) -> PlanExtraction:
    t1 = "Ít nhất 80% thôn tổ chức được ít nhất một hình thức tuyên truyền."
    t2 = "100% cơ sở kinh doanh dịch vụ được kiểm tra ít nhất một lần trong năm."
    data: dict[str, Any] = {
        "document": "ke-hoach-ky-hoa.txt",
        "text": TEXT,
        "title": "Kế hoạch phòng, chống mại dâm năm 2026",
        "kind": "annual",
        "number": "12/KH-UBND",
        "issuer": {"name": "UBND xã Kỳ Hoa", "level": "commune"},
        "place": "Kỳ Hoa",
        "issued_on": "2026-01-10",
        "period": {"start": 2026, "end": 2026},
        "legal_basis": ["Kế hoạch số 5/KH-UBND ngày 05/01/2026 của UBND tỉnh Hà Tĩnh"],
        "legal_basis_items": [
            {
                "text": "Kế hoạch số 5/KH-UBND ngày 05/01/2026 của UBND tỉnh Hà Tĩnh",
                "kind": "Kế hoạch",
                "number": "5/KH-UBND",
                "date": "2026-01-05",
                "issuer": "UBND tỉnh Hà Tĩnh",
                "span": _span("Kế hoạch số 5/KH-UBND ngày 05/01/2026 của UBND tỉnh Hà Tĩnh"),
            }
        ],
        "sections": [
            {
                "number": "I",
                "title": "CHỈ TIÊU",
                "level": 1,
                "span": [TEXT.index("I. CHỈ TIÊU"), TEXT.index("II. TỔ CHỨC")],
                "heading_span": _span("I. CHỈ TIÊU"),
            }
        ],
        "targets": [
            {
                "area": "communication",
                "text": t1,
                "value": 80,
                "value_max": None,
                "unit": "percent",
                "comparator": ">=",
                "population": "thôn",
                "condition": "tổ chức được ít nhất một hình thức tuyên truyền",
                "deadline_year": None,
                "frequency": "annual",
                "span": _span(t1),
            },
            {
                "area": "inspection_enforcement",
                "text": t2,
                "value": 100,
                "value_max": None,
                "unit": "percent",
                "comparator": "=",
                "population": "cơ sở kinh doanh dịch vụ",
                "condition": "được kiểm tra ít nhất một lần trong năm",
                "deadline_year": None,
                "frequency": "annual",
                "span": _span(t2),
            },
        ],
        "tasks": [],
        "assignments": [
            {
                "agency": "Công an xã",
                "role": "responsible",
                "task_summary": "chủ trì kiểm tra các cơ sở kinh doanh dịch vụ",
                "reports_to": [],
                "agency_type": "police",
                "known": True,
                "span": _span("1. Công an xã: chủ trì kiểm tra các cơ sở kinh doanh dịch vụ."),
            },
            {
                "agency": "Hội Liên hiệp Phụ nữ xã",
                "role": "requested",
                "task_summary": "phối hợp tuyên truyền",
                "reports_to": [],
                "agency_type": None,
                "known": False,
                "span": _span("2. Đề nghị Hội Liên hiệp Phụ nữ xã phối hợp tuyên truyền."),
            },
        ],
        "reporting": [
            {
                "kind": "6-month",
                "due_day_month": "05/06",
                "from": "UBND xã Kỳ Hoa",
                "to": ["UBND tỉnh"],
                "evidence": "Báo cáo 6 tháng gửi UBND tỉnh trước ngày 05/6",
                "span": _span("Báo cáo 6 tháng gửi UBND tỉnh trước ngày 05/6"),
            },
            {
                "kind": "annual",
                "due_day_month": "15/11",
                "from": "UBND xã Kỳ Hoa",
                "to": ["UBND tỉnh"],
                "evidence": "báo cáo năm trước ngày 15/11",
                "span": _span("báo cáo năm trước ngày 15/11"),
            },
        ],
        "budget_sources": ["ngân sách xã"],
        "budget_items": [{"text": "ngân sách xã", "span": _span("ngân sách xã")}],
        "warnings": [],
    }
    data.update(overrides)
    return data  # type: ignore[return-value]


def make_plan(unit: AdministrativeUnit, actor: Any = None, **overrides: Any) -> Plan:
    return plan_create_from_extraction(
        actor=actor, unit=unit, extraction=sample_extraction(**overrides)
    )
