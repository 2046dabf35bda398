"""A plan rendered to Word and read back still states everything it committed to."""

import io
import re

import docx
import pytest
from docx.document import Document as DocxDocument

from pcmd.documents.nd30 import Bullet, Heading, Paragraph, render_docx
from pcmd.documents.plan_document import (
    AREA_TITLES,
    REPORT_PERIODS,
    issuer_header,
    place_of,
    plan_subject,
    plan_to_document,
)
from pcmd.intake.types import Assignment, PlanExtraction, ReportingItem, Section, Target, Task

PURPOSES = (
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "1. Mục đích\n"
    "- Nâng cao nhận thức của cán bộ và Nhân dân về phòng, chống mại dâm.\n"
    "2. Yêu cầu\n"
    "Các cơ quan, đơn vị bám sát nhiệm vụ được giao.\n"
)
TEXT = PURPOSES + "II. CHỈ TIÊU\n..."


def _section(number: str, title: str, level: int, heading: str, body_end: int) -> Section:
    start = TEXT.index(heading)
    return {
        "number": number,
        "title": title,
        "level": level,
        "span": [start, body_end],
        "heading_span": [start, start + len(heading)],
    }


def _target(area: str, text: str, value: int) -> Target:
    return {
        "area": area,  # type: ignore[typeddict-item]
        "text": text,
        "value": value,
        "value_max": None,
        "unit": "percent",
        "comparator": ">=",
        "population": "",
        "condition": "",
        "deadline_year": None,
        "frequency": "annual",
        "span": [0, 0],
    }


def _assignment(agency: str, role: str, summary: str) -> Assignment:
    return {
        "agency": agency,
        "role": role,  # type: ignore[typeddict-item]
        "task_summary": summary,
        "reports_to": [],
        "agency_type": None,
        "known": True,
        "span": [0, 0],
    }


def _report(kind: str, reporter: str, to: list[str], due: str | None) -> ReportingItem:
    return {
        "kind": kind,  # type: ignore[typeddict-item]
        "due_day_month": due,
        "from": reporter,
        "to": to,
        "evidence": "",
        "span": [0, 0],
    }


SHARED = (
    "Ít nhất 20% nhân viên ở các cơ sở kinh doanh dịch vụ; 20% học sinh trung học phổ thông "
    "được nghe tuyên truyền về phòng, chống mại dâm."
)
TARGETS = [
    _target(
        "communication",
        "Ít nhất 20% số xã duy trì một hình thức tuyên truyền thường xuyên.",
        20,
    ),
    _target("communication", SHARED, 20),
    _target("communication", SHARED, 20),  # the same sentence, a second population
    _target("inspection_enforcement", "Kiểm tra ít nhất 30% số cơ sở kinh doanh dịch vụ", 30),
    _target("healthy_communes", "Chuyển hóa mới từ 01-02 xã lành mạnh không có tệ nạn mại dâm.", 1),
    _target("other", "Hằng tháng ít nhất một lần đăng tin về phòng, chống mại dâm.", 1),
]
TASKS: list[Task] = [
    {
        "text": "Tổ chức kiểm tra liên ngành các cơ sở kinh doanh dịch vụ dễ bị lợi dụng",
        "area": "inspection_enforcement",
        "lead": "Công an huyện",
        "coordinating": ["Phòng Văn hóa và Thông tin huyện", "Trạm Y tế"],
        "timeframe": "Quý II/2024",
        "span": [0, 0],
    },
    {
        "text": "Tuyên truyền trên hệ thống loa truyền thanh",
        "area": "communication",
        "lead": "",
        "coordinating": [],
        "timeframe": "",
        "span": [0, 0],
    },
]
ASSIGNMENTS = [
    _assignment(
        "Phòng Lao động - Thương binh và Xã hội huyện",
        "responsible",
        "Chủ trì, tham mưu, hướng dẫn, tổng hợp kết quả thực hiện Kế hoạch",
    ),
    _assignment("Công an huyện", "responsible", "Điều tra, triệt phá ổ nhóm mại dâm"),
    _assignment("Tòa án nhân dân huyện", "requested", "Xét xử kịp thời các vụ án về mại dâm"),
    _assignment("Các tổ chức chính trị - xã hội huyện", "requested", "Tuyên truyền hội viên"),
    # Per activity: a lead and coordinating agencies that no task above names.
    _assignment("Phòng Y tế huyện", "lead", "Khám sức khỏe định kỳ cho người lao động"),
    _assignment("Trung tâm Y tế huyện", "coordinate", "Khám sức khỏe định kỳ cho người lao động"),
    _assignment(
        "Hội Liên hiệp Phụ nữ huyện", "coordinate", "Khám sức khỏe định kỳ cho người lao động"
    ),
]
LSXH = "Phòng Lao động - Thương binh và Xã hội huyện"
REPORTING = [
    _report("ad-hoc", "Công an huyện", ["Công an tỉnh", LSXH], None),
    _report("quarterly", "Công an huyện", ["Công an tỉnh", LSXH], None),
    _report("6-month", "UBND các xã, thị trấn", [LSXH], "05/06"),
    _report("annual", "UBND các xã, thị trấn", [LSXH], "15/11"),
    _report("periodic", LSXH, ["UBND huyện", "Sở Lao động - Thương binh và Xã hội"], None),
]
BUDGET = [
    "Ngân sách nhà nước theo phân cấp hiện hành",
    "Lồng ghép trong các chương trình, dự án khác;",
    "Các nguồn hợp pháp khác theo quy định",
]


def _plan(**changes: object) -> PlanExtraction:
    plan: PlanExtraction = {
        "document": "ke-hoach.docx",
        "text": TEXT,
        "title": "Kế hoạch thực hiện công tác phòng, chống mại dâm năm 2024",
        "kind": "annual",
        "number": "/KH-UBND",
        "issuer": {"name": "UBND huyện Kỳ Anh", "level": "district"},
        "place": "Kỳ Anh",
        "issued_on": "2024-06-??",
        "period": {"start": 2024, "end": 2024},
        "legal_basis": [
            "Kế hoạch số 41/KH-UBND ngày 12/3/2024 của UBND tỉnh Hà Tĩnh về thực hiện công "
            "tác phòng, chống mại dâm năm 2024"
        ],
        "legal_basis_items": [],
        "sections": [
            _section("I", "MỤC ĐÍCH, YÊU CẦU", 1, "I. MỤC ĐÍCH, YÊU CẦU", len(PURPOSES)),
            _section("1", "Mục đích", 2, "1. Mục đích", TEXT.index("2. Yêu cầu")),
            _section("2", "Yêu cầu", 2, "2. Yêu cầu", len(PURPOSES)),
            _section("II", "CHỈ TIÊU", 1, "II. CHỈ TIÊU", len(TEXT)),
        ],
        "targets": TARGETS,
        "tasks": TASKS,
        "assignments": ASSIGNMENTS,
        "reporting": REPORTING,
        "budget_sources": BUDGET,
        "budget_items": [],
        "warnings": [],
        "signer": {"mode": "KT.", "position": "Phó Chủ tịch", "name": "Nguyễn Hùng Mạnh"},
        "recipients": ["Sở Lao động - Thương binh và Xã hội", "Công an huyện"],
    }
    plan.update(changes)  # type: ignore[typeddict-item]
    return plan


def _read(plan: PlanExtraction) -> DocxDocument:
    return docx.Document(io.BytesIO(render_docx(plan_to_document(plan))))


@pytest.fixture(scope="module")
def word() -> DocxDocument:
    return _read(_plan())


@pytest.fixture(scope="module")
def paragraphs(word: DocxDocument) -> list[str]:
    return [p.text for p in word.paragraphs if p.text.strip()]


@pytest.fixture(scope="module")
def text(paragraphs: list[str]) -> str:
    return "\n".join(paragraphs)


def test_every_target_sentence_is_stated_once(text: str) -> None:
    for target in TARGETS:
        assert target["text"].rstrip(".") in text
    assert text.count(SHARED) == 1


def test_targets_are_grouped_under_vietnamese_area_headings(paragraphs: list[str]) -> None:
    start, end = paragraphs.index("II. CHỈ TIÊU"), paragraphs.index("III. NHIỆM VỤ VÀ GIẢI PHÁP")
    headings = [p for p in paragraphs[start:end] if re.match(r"^\d+\. ", p)]
    assert headings == [
        f"1. {AREA_TITLES['communication']}",
        f"2. {AREA_TITLES['inspection_enforcement']}",
        f"3. {AREA_TITLES['healthy_communes']}",
        "4. Chỉ tiêu khác",
    ]


def test_the_outline_is_the_plan_genres(paragraphs: list[str]) -> None:
    assert [p for p in paragraphs if re.match(r"^[IVX]+\. ", p)] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. CHỈ TIÊU",
        "III. NHIỆM VỤ VÀ GIẢI PHÁP",
        "IV. KINH PHÍ",
        "V. TỔ CHỨC THỰC HIỆN",
    ]


def test_purposes_come_from_the_plans_own_sections(paragraphs: list[str]) -> None:
    start = paragraphs.index("I. MỤC ĐÍCH, YÊU CẦU")
    assert paragraphs[start + 1 : start + 5] == [
        "1. Mục đích",
        "- Nâng cao nhận thức của cán bộ và Nhân dân về phòng, chống mại dâm.",
        "2. Yêu cầu",
        "Các cơ quan, đơn vị bám sát nhiệm vụ được giao.",
    ]


def test_tasks_state_lead_coordination_and_time(text: str) -> None:
    assert "- Tổ chức kiểm tra liên ngành các cơ sở kinh doanh dịch vụ dễ bị lợi dụng." in text
    assert (
        "Chủ trì: Công an huyện. Phối hợp: Phòng Văn hóa và Thông tin huyện, Trạm Y tế. "
        "Thời gian thực hiện: Quý II/2024." in text
    )


def test_every_assignment_is_stated(paragraphs: list[str], text: str) -> None:
    organisation = paragraphs[paragraphs.index("V. TỔ CHỨC THỰC HIỆN") :]
    assert organisation[1:5] == [
        f"1. {LSXH}: Chủ trì, tham mưu, hướng dẫn, tổng hợp kết quả thực hiện Kế hoạch.",
        "2. Công an huyện: Điều tra, triệt phá ổ nhóm mại dâm.",
        "3. Đề nghị Tòa án nhân dân huyện: Xét xử kịp thời các vụ án về mại dâm.",
        "4. Đề nghị các tổ chức chính trị - xã hội huyện: Tuyên truyền hội viên.",
    ]
    assert (
        "- Khám sức khỏe định kỳ cho người lao động. Chủ trì: Phòng Y tế huyện. "
        "Phối hợp: Trung tâm Y tế huyện, Hội Liên hiệp Phụ nữ huyện." in organisation
    )
    for assignment in ASSIGNMENTS:
        assert assignment["agency"].lower() in text.lower()


def test_every_reporting_duty_is_stated(paragraphs: list[str]) -> None:
    sentences = [s for p in paragraphs for s in re.split(r"(?<=\.) (?=[A-ZĐÂ-Ỹ])", p)]
    for item in REPORTING:
        matching = [
            s
            for s in sentences
            if s.startswith(f"{item['from']} báo cáo ")
            and REPORT_PERIODS[item["kind"]] in s
            and all(to in s for to in item["to"])
            and (item["due_day_month"] is None or f"trước ngày {item['due_day_month']}" in s)
        ]
        assert matching, item
    assert f"Công an huyện báo cáo đột xuất, hằng quý gửi Công an tỉnh và {LSXH}." in sentences
    assert f"UBND các xã, thị trấn báo cáo 6 tháng gửi {LSXH} trước ngày 05/06." in sentences


def test_every_budget_source_is_stated(paragraphs: list[str]) -> None:
    start = paragraphs.index("IV. KINH PHÍ")
    assert paragraphs[start + 2 : start + 5] == [
        "- Ngân sách nhà nước theo phân cấp hiện hành;",
        "- Lồng ghép trong các chương trình, dự án khác;",
        "- Các nguồn hợp pháp khác theo quy định.",
    ]


def test_header_title_and_legal_basis(word: DocxDocument, paragraphs: list[str]) -> None:
    left, right = word.tables[0].rows[0].cells
    assert "ỦY BAN NHÂN DÂN\nHUYỆN KỲ ANH" in left.text
    assert "Số:      /KH-UBND" in left.text
    assert "Kỳ Anh, ngày     tháng 6 năm 2024" in right.text
    assert paragraphs[:2] == ["KẾ HOẠCH", "Thực hiện công tác phòng, chống mại dâm năm 2024"]
    assert paragraphs[2] == (
        "Thực hiện Kế hoạch số 41/KH-UBND ngày 12/3/2024 của UBND tỉnh Hà Tĩnh về thực hiện "
        "công tác phòng, chống mại dâm năm 2024, UBND huyện Kỳ Anh ban hành Kế hoạch thực "
        "hiện công tác phòng, chống mại dâm năm 2024 như sau:"
    )
    assert paragraphs[-1].endswith("./.")


def test_recipients_and_signature(word: DocxDocument) -> None:
    left, right = word.tables[-1].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "Nơi nhận:",
        "- Sở Lao động - Thương binh và Xã hội;",
        "- Công an huyện;",
        "- Lưu: VT.",
    ]
    # A People's Committee's deputy signs on behalf of the committee (Nghị định 30/2020).
    assert [p.text for p in right.paragraphs if p.text] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Hùng Mạnh",
    ]


def test_a_plan_with_little_in_it_still_makes_a_whole_document() -> None:
    plan = _plan(
        text="",
        sections=[],
        tasks=[],
        budget_sources=[],
        reporting=[],
        legal_basis=[],
        issued_on=None,
        number="",
        place="",
        issuer={"name": "UBND xã Kỳ Anh", "level": "commune"},
    )
    del plan["signer"], plan["recipients"]
    document = plan_to_document(plan)
    assert document.issuer == "ỦY BAN NHÂN DÂN\nXÃ KỲ ANH"
    assert document.place == "Kỳ Anh"
    assert (document.number_symbol, document.date, document.year) == ("/KH-UBND", None, 2024)
    assert [b.text for b in document.body if isinstance(b, Heading) and b.level == 1] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. CHỈ TIÊU",
        "III. TỔ CHỨC THỰC HIỆN",
    ]
    # Without a list of its own, the plan goes to the bodies it assigns work to.
    assert "Công an huyện" in document.recipients
    read = docx.Document(io.BytesIO(render_docx(document)))
    signature = [p.text for p in read.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


@pytest.mark.parametrize(
    ("name", "header", "place"),
    [
        ("UBND huyện Kỳ Anh", "ỦY BAN NHÂN DÂN\nHUYỆN KỲ ANH", "Kỳ Anh"),
        ("Ủy ban nhân dân xã Kỳ Anh", "ỦY BAN NHÂN DÂN\nXÃ KỲ ANH", "Kỳ Anh"),
        ("UBND tỉnh Hà Tĩnh", "ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH", "Hà Tĩnh"),
        ("UBND thị xã Kỳ Anh", "ỦY BAN NHÂN DÂN\nTHỊ XÃ KỲ ANH", "Kỳ Anh"),
    ],
)
def test_issuer_names_are_spelt_out_in_upper_case(name: str, header: str, place: str) -> None:
    assert issuer_header(name) == header
    assert place_of(name) == place


def test_subject_drops_the_kind() -> None:
    assert plan_subject("Kế hoạch thực hiện nhiệm vụ năm 2017") == "Thực hiện nhiệm vụ năm 2017"
    assert plan_subject("KẾ HOẠCH: Phòng, chống mại dâm") == "Phòng, chống mại dâm"


@pytest.mark.parametrize(
    ("signer", "lines"),
    [
        ({"mode": "TM.", "position": "CHỦ TỊCH", "name": "A"}, ("TM.", "ỦY BAN NHÂN DÂN", "")),
        (
            {"mode": "KT.", "position": "PHÓ CHỦ TỊCH", "name": "A"},
            ("TM.", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        ),
        (
            {"mode": "TM.", "position": "Phó Chủ tịch", "name": "A"},
            ("TM.", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        ),
    ],
)
def test_signer_modes(signer: dict[str, str], lines: tuple[str, str, str]) -> None:
    signature = plan_to_document(_plan(signer=signer)).signature
    assert (signature.mode, signature.authority, signature.deputy_of) == lines


def test_a_deputy_of_a_department_signs_kt_without_tm() -> None:
    plan = _plan(signer={"mode": "KT.", "position": "PHÓ GIÁM ĐỐC", "name": "A"})
    plan["issuer"] = {"name": "Sở Y tế tỉnh Hà Tĩnh", "level": "province"}
    signature = plan_to_document(plan).signature
    assert (signature.mode, signature.position) == ("KT.", "PHÓ GIÁM ĐỐC")


def test_a_saved_plan_without_offsets_keeps_its_purposes() -> None:
    # pcmd.plans.exporting gives sections a `body` and no offsets, and None for empty lists.
    body = PURPOSES.split("\n", 1)[1]
    saved: dict[str, object] = dict(_plan())
    saved.update(
        text="",
        signer=None,
        recipients=None,
        sections=[
            {
                "number": "I",
                "title": "MỤC ĐÍCH, YÊU CẦU",
                "level": 1,
                "body": body,
                "span": None,
                "heading_span": None,
            },
            {
                "number": "1",
                "title": "Mục đích",
                "level": 2,
                "body": "",
                "span": None,
                "heading_span": None,
            },
            {
                "number": "2",
                "title": "Yêu cầu",
                "level": 2,
                "body": "",
                "span": None,
                "heading_span": None,
            },
        ],
    )
    document = plan_to_document(saved)
    assert list(document.body[1:5]) == [
        Heading("1. Mục đích", level=2),
        Bullet("Nâng cao nhận thức của cán bộ và Nhân dân về phòng, chống mại dâm."),
        Heading("2. Yêu cầu", level=2),
        Paragraph("Các cơ quan, đơn vị bám sát nhiệm vụ được giao."),
    ]
    assert document.signature.mode == "TM."
    assert render_docx(document).startswith(b"PK")
