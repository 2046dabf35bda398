"""How a sentence about reports is read: its kinds, in order, each with its due DD/MM."""

import pytest

from pcmd.intake.extraction.reporting import kinds_in


def kinds(sentence: str) -> list[tuple[str, str | None]]:
    return [(k.kind, k.due) for k in kinds_in(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A row of kinds after "báo cáo" / "định kỳ".
        (
            "Gửi Phòng Văn hóa - Xã hội báo cáo đột xuất, định kỳ 6 tháng, hằng năm.",
            [("ad-hoc", None), ("6-month", None), ("annual", None)],
        ),
        (
            "Gửi Công an tỉnh báo cáo nhanh khi có vụ việc và báo cáo định kỳ theo quý, 6 tháng, "
            "hằng năm.",
            [("ad-hoc", None), ("quarterly", None), ("6-month", None), ("annual", None)],
        ),
        (
            "Hướng dẫn, báo cáo đột xuất, thường xuyên, định kỳ tháng, quý, năm về Sở Y tế.",
            [("ad-hoc", None), ("monthly", None), ("quarterly", None), ("annual", None)],
        ),
        # "định kỳ" with no period, and a regime named without one, are periodic.
        ("Định kỳ báo cáo UBND huyện và Sở Y tế theo quy định.", [("periodic", None)]),
        ("Thực hiện chế độ báo cáo về Phòng Văn hóa - Xã hội.", [("periodic", None)]),
        ("Tổ chức sơ kết, báo cáo UBND tỉnh theo quy định.", [("periodic", None)]),
        # A date follows its kind, or precedes it in brackets, or comes in a row.
        (
            "Báo cáo 6 tháng nộp trước ngày 05/6; báo cáo năm nộp trước ngày 15/11.",
            [("6-month", "05/06"), ("annual", "15/11")],
        ),
        (
            "Báo cáo kết quả 6 tháng (trước ngày 10/6), năm (trước ngày 10/12) về Sở Y tế.",
            [("6-month", "10/06"), ("annual", "10/12")],
        ),
        (
            "Định kỳ trước ngày 15/6 (báo cáo 6 tháng) và trước ngày 15/12 (báo cáo năm) "
            "gửi về Sở Y tế.",
            [("6-month", "15/06"), ("annual", "15/12")],
        ),
        (
            "Báo cáo 6 tháng và năm gửi về UBND xã trước ngày 15/6 và 15/12 hằng năm.",
            [("6-month", "15/06"), ("annual", "15/12")],
        ),
        (
            "Gửi báo cáo sơ kết 6 tháng trước ngày 15 tháng 6 năm 2026 về Sở Y tế.",
            [("6-month", "15/06")],
        ),
        (
            "Tổng hợp kết quả, báo cáo UBND xã và Sở Y tế 6 tháng trước ngày 05/6 và năm "
            "trước ngày 15/11.",
            [("6-month", "05/06"), ("annual", "15/11")],
        ),
        # A day of each month or quarter is no DD/MM.
        (
            "Báo cáo định kỳ hằng tháng (trước ngày 20 hằng tháng) về Sở Y tế.",
            [("monthly", None)],
        ),
        # No kind named: the dates say which (mid-year: six-monthly; year's end: annual).
        (
            "Báo cáo kết quả về Phòng Lao động - Thương binh và Xã hội trước ngày 05/6 và 05/11.",
            [("6-month", "05/06"), ("annual", "05/11")],
        ),
    ],
)
def test_reporting_kinds_and_due_dates_as_the_statement_gives_them(sentence, expected):
    assert kinds(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # The channel for problems is no duty.
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, báo cáo UBND tỉnh để giải quyết.",
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc thì báo cáo UBND huyện để xem xét.",
        # Inspections and plans that recur are no reports.
        "Tổ chức kiểm tra định kỳ, đột xuất các cơ sở kinh doanh và báo cáo kết quả về Sở Y tế.",
        "Xây dựng kế hoạch hằng năm và báo cáo UBND huyện.",
        "Thống kê, báo cáo số người vi phạm bị xử phạt hành chính.",
        "Khám sức khỏe định kỳ cho nhân viên ở các cơ sở kinh doanh.",
    ],
)
def test_sentences_that_state_no_reporting_duty_give_no_kind(sentence):
    assert kinds(sentence) == []


def test_what_follows_the_difficulties_clause_is_dropped_but_the_duty_before_it_stays():
    sentence = (
        "Định kỳ 6 tháng, hằng năm báo cáo kết quả về Sở Y tế; trong quá trình thực hiện "
        "nếu có khó khăn, vướng mắc báo cáo UBND tỉnh trước ngày 30/11."
    )
    assert kinds(sentence) == [("6-month", None), ("annual", None)]
