"""Properties of target parsing and cleaning: any value written in a known phrasing
parses back to itself, and every span slices the text to its item."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcmd.intake.extraction import extract_plan
from pcmd.intake.extraction.clean import clean_text
from pcmd.intake.extraction.common import Piece
from pcmd.intake.extraction.targets import targets_in_line
from pcmd.intake.types import Target


def parse(sentence: str, kind: str = "annual") -> list[Target]:
    return targets_in_line(
        sentence,
        Piece(0, len(sentence), sentence),
        area="other",
        kind=kind,  # type: ignore[arg-type]
    )


# (comparator, phrasing); {v} is the number as written.
PERCENT_PHRASINGS = [
    (">=", "Ít nhất {v}% số xã tổ chức được ít nhất một hình thức tuyên truyền."),
    (">=", "Phấn đấu {v}% người lao động được tuyên truyền, phổ biến pháp luật."),
    (">=", "Trên {v}% cơ sở kinh doanh dịch vụ được kiểm tra."),
    (">=", "Tổ chức kiểm tra tối thiểu {v}% số cơ sở trên địa bàn."),
    (">=", "{v}% học sinh trở lên được tuyên truyền."),
    (">=", "Không dưới {v}% cán bộ được tập huấn."),
    ("=", "{v}% tin báo, tố giác được tiếp nhận, xử lý kịp thời."),
    ("=", "Tỷ lệ người bán dâm có nhu cầu được hỗ trợ đạt {v}%."),
    ("<=", "Tỷ lệ người bán dâm tái phạm không quá {v}%."),
    ("<=", "Giảm số tụ điểm mại dâm xuống dưới {v}%."),
]
COUNT_PHRASINGS = [
    ("=", "Xây dựng thí điểm {v} mô hình hỗ trợ người bán dâm."),
    ("=", "Tổ chức {v} lớp tập huấn cho cán bộ cấp xã."),
    (">=", "Tổ chức ít nhất {v} buổi tuyên truyền tại các thôn."),
    (">=", "Mỗi năm thành lập tối thiểu {v} câu lạc bộ đồng đẳng."),
]
RANGE_PHRASINGS = [
    "Xây dựng chuyển hóa mới từ {a}-{b} xã, phường lành mạnh.",
    "Chuyển hóa từ {a} - {b} xã có tụ điểm phức tạp.",
    "Phấn đấu có {a}–{b} mô hình được nhân rộng.",
]
# (comparator, phrasing, times written, value).
MONTHLY_PHRASINGS = [
    (">=", "Thông tin được đăng tải ít nhất một tháng một lần.", 1),
    (">=", "Hàng tháng ít nhất một lần thông tin được đăng tải trên báo.", 1),
    (">=", "Phát thanh trên loa truyền thanh ít nhất {n} lần/tháng.", None),
    ("=", "Phát thanh trên loa truyền thanh {n} lần mỗi tháng.", None),
    (">=", "Mỗi tháng ít nhất {n} lần đưa tin trên cổng thông tin.", None),
]

percent_values = st.one_of(
    st.integers(1, 100).map(lambda v: (str(v), v)),
    st.tuples(st.integers(1, 99), st.sampled_from(["5", "25", "75"]), st.sampled_from(",.")).map(
        lambda t: (f"{t[0]}{t[2]}{t[1]}", float(f"{t[0]}.{t[1]}"))
    ),
)
counts = st.integers(1, 999).flatmap(
    lambda n: st.sampled_from([f"{n:02d}", str(n)]).map(lambda written: (written, n))
)


@given(st.sampled_from(PERCENT_PHRASINGS), percent_values, st.sampled_from(["", " "]))
def test_any_percentage_in_a_known_phrasing_parses_back_to_its_value_and_comparator(
    phrasing, value, space
):
    comparator, template = phrasing
    written, expected = value
    sentence = template.replace("{v}%", f"{written}{space}%")
    (target,) = parse(sentence)
    assert (target["value"], target["unit"], target["comparator"]) == (
        expected,
        "percent",
        comparator,
    )
    assert target["value_max"] is None


@given(st.sampled_from(COUNT_PHRASINGS), counts)
def test_any_count_in_a_known_phrasing_parses_back_to_its_value_and_comparator(phrasing, count):
    comparator, template = phrasing
    written, expected = count
    (target,) = parse(template.format(v=written))
    found = (target["value"], target["unit"], target["comparator"])
    assert found == (expected, "count", comparator)


@given(st.sampled_from(RANGE_PHRASINGS), st.integers(1, 98), st.integers(1, 20))
def test_any_range_parses_to_its_bounds(template, low, width):
    high = low + width
    sentence = template.format(a=f"{low:02d}", b=f"{high:02d}")
    (target,) = parse(sentence)
    assert (target["value"], target["value_max"], target["comparator"]) == (low, high, "range")


@given(st.sampled_from(MONTHLY_PHRASINGS), st.integers(1, 9))
def test_any_monthly_frequency_parses_to_times_per_month(phrasing, times):
    comparator, template, fixed = phrasing
    sentence = template.format(n=f"{times:02d}")
    (target,) = parse(sentence, kind="phase")
    expected = fixed if fixed is not None else times
    assert (target["value"], target["unit"], target["comparator"], target["frequency"]) == (
        expected,
        "times_per_month",
        comparator,
        "monthly",
    )


@given(st.lists(st.integers(1, 100), min_size=2, max_size=5))
def test_one_sentence_with_several_numbers_gives_one_target_per_number(values):
    populations = ["người lao động", "học sinh", "sinh viên", "cán bộ", "hội viên"]
    parts = [f"{v}% {populations[i]}" for i, v in enumerate(values)]
    sentence = "Ít nhất " + "; ".join(parts) + " được tuyên truyền về phòng, chống mại dâm."
    found = parse(sentence)
    assert [t["value"] for t in found] == values
    # The list opened with "Ít nhất": every bare number in it is a minimum too.
    assert {t["comparator"] for t in found} == {">="}
    assert {t["text"] for t in found} == {sentence}
    assert [t["population"] for t in found] == populations[: len(values)]


@given(
    st.integers(1, 999),
    st.integers(1990, 2030),
    st.integers(1, 28),
    st.integers(1, 12),
)
def test_document_numbers_dates_and_periods_are_no_targets(number, year, day, month):
    sentences = [
        f"Thực hiện Nghị định số {number}/{year}/NĐ-CP ngày {day}/{month}/{year} của Chính phủ.",
        f"Kiện toàn Đội {number} theo Quyết định {number}/QĐ-UBND.",
        f"Báo cáo 6 tháng gửi trước ngày {day:02d}/{month}, báo cáo năm {year}.",
        f"Chấm điểm {number} nội dung, {number} tiêu chí giai đoạn {year}-{year + 4}.",
    ]
    for sentence in sentences:
        assert parse(sentence) == []


@given(
    st.lists(
        st.tuples(st.sampled_from(PERCENT_PHRASINGS), st.integers(1, 100)), min_size=1, max_size=6
    ),
    st.sampled_from(["", "**", "  "]),
    st.sampled_from(["NFC", "NFD"]),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@pytest.mark.django_db
def test_spans_always_slice_the_text_to_the_items_words(items, markup, form):
    bullets = "\n\n".join(
        f"- {markup}{template.replace('{v}', str(value))}{markup}" for (_, template), value in items
    )
    raw = f"KẾ HOẠCH\nPhòng, chống mại dâm năm 2024\n\nI. CHỈ TIÊU\n\n{bullets}\n"
    plan = extract_plan(unicodedata.normalize(form, raw))
    assert len(plan["targets"]) == len(items)
    for target, (_, value) in zip(plan["targets"], items, strict=True):
        written = plan["text"][target["span"][0] : target["span"][1]]
        assert written == target["text"]
        assert f"{value}%" in written and "*" not in written
        assert target["value"] == value


words = st.sampled_from(
    ["phòng", "chống", "mại", "dâm", "Công an", "xã", "**", "*", "__", "#", "-", "1.", "a)"]
)
paragraphs = st.lists(words, min_size=1, max_size=12).map(" ".join)


@given(st.lists(paragraphs, min_size=1, max_size=8), st.sampled_from(["\n", "\n\n", "\n  \n"]))
def test_cleaning_gives_nfc_without_markers_and_cleaning_again_changes_nothing(parts, joint):
    raw = unicodedata.normalize("NFD", joint.join(parts))
    cleaned = clean_text(raw)
    assert unicodedata.normalize("NFC", cleaned) == cleaned
    assert "**" not in cleaned and "__" not in cleaned and "  " not in cleaned
    assert clean_text(cleaned) == cleaned
