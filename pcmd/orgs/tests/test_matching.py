import datetime as dt
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcmd.core.text import fold
from pcmd.geo.models import UnitKind
from pcmd.geo.tests.factories import make_unit
from pcmd.orgs.matching import agency_type_match, agency_type_match_all, alias_key
from pcmd.orgs.models import AgencyAlias, AgencyType

pytestmark = pytest.mark.django_db

BEFORE_MERGE = dt.date(2024, 6, 1)
AFTER_REFORM = dt.date(2026, 1, 15)


def _code_level(text: str, **kw: object) -> tuple[str, int | None] | None:
    found = agency_type_match(text, **kw)  # type: ignore[arg-type]
    return (found.agency_type.code, found.level) if found else None


@pytest.mark.parametrize(
    ("text", "code", "level"),
    [
        # The social-affairs department, in every way plans write it.
        ("Sở Lao động - Thương binh và Xã hội", "social_affairs", 1),
        ("Sở Lao động – Thương binh và Xã hội", "social_affairs", 1),
        ("Sở Lao động, Thương binh và Xã hội", "social_affairs", 1),
        ("Sở LĐTBXH", "social_affairs", 1),
        ("Sở LĐ-TB&XH", "social_affairs", 1),
        ("Sở LĐTB&XH", "social_affairs", 1),
        ("Sở Lao động - TB&XH", "social_affairs", 1),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "social_affairs", 1),
        ("Phòng Lao động - Thương binh và Xã hội huyện", "social_affairs", 2),
        ("Phòng Lao động, Thương binh, Xã hội - Dân tộc huyện", "social_affairs", 2),
        ("Phòng Lao động, Thương binh, Xã hội - Dân tộc", "social_affairs", 2),
        ("Phòng LĐ-TB&XH", "social_affairs", 2),
        ("Bộ Lao động - Thương binh và Xã hội", "social_affairs", 0),
        # Police at each level.
        ("Công an tỉnh", "police", 1),
        ("Công an huyện", "police", 2),
        ("Công an xã", "police", 3),
        ("Công an các huyện, thị xã, thành phố", "police", 2),
        ("Công an huyện Chi Lăng", "police", 2),
        ("Công an các cấp", "police", None),
        ("Bộ Công an", "police", 0),
        # Departments.
        ("Sở Y tế", "health", 1),
        ("Trạm Y tế xã", "health", 3),
        ("Trung tâm Y tế huyện", "health", 2),
        ("Sở Văn hóa, Thể thao và Du lịch", "culture", 1),
        ("Sở Văn hóa và Thể thao", "culture", 1),
        ("Sở VH-TT&DL", "culture", 1),
        ("Phòng Văn hóa và Thông tin huyện", "culture", 2),
        ("Phòng Văn hóa - Xã hội", "culture_society", 3),
        ("Phòng VH-XH xã Kỳ Hoa", "culture_society", 3),
        ("Sở Thông tin và Truyền thông", "information", 1),
        ("Sở TT&TT", "information", 1),
        ("Sở Giáo dục và Đào tạo", "education", 1),
        ("Phòng GD&ĐT", "education", 2),
        ("Phòng Giáo dục huyện", "education", 2),
        ("Sở Văn hóa", "culture", 1),
        ("Sở Lao động", "social_affairs", 1),
        ("Sở Tư pháp", "justice", 1),
        ("Sở Tài chính", "finance", 1),
        ("Phòng Tài chính - Kế hoạch huyện", "finance", 2),
        ("Sở Kế hoạch và Đầu tư", "planning_investment", 1),
        ("Sở Công thương", "industry_trade", 1),
        ("Phòng Kinh tế và Hạ tầng huyện", "economy", 2),
        ("Sở Nội vụ", "home_affairs", 1),
        ("Ban Dân tộc tỉnh", "ethnic_affairs", 1),
        ("Sở Nông nghiệp và Phát triển nông thôn", "agriculture", 1),
        ("Sở Tài nguyên và Môi trường", "natural_resources", 1),
        ("Văn phòng HĐND và UBND huyện", "office", 2),
        ("Sở Du lịch", "tourism", 1),
        # People's Committees.
        ("UBND tỉnh", "people_committee", 1),
        ("Ủy ban nhân dân các huyện, thành phố, thị xã", "people_committee", 2),
        ("UBND các xã, phường, thị trấn", "people_committee", 3),
        ("UBND các xã, thị trấn", "people_committee", 3),
        # Requested bodies.
        ("Viện kiểm sát nhân dân huyện", "procuracy", 2),
        ("Viện Kiểm sát nhân dân tỉnh", "procuracy", 1),
        ("Đề nghị Viện kiểm sát, Tòa án nhân dân tỉnh", "procuracy", None),
        ("Tòa án nhân dân tỉnh", "court", 1),
        ("Toà án nhân dân huyện", "court", 2),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam huyện", "fatherland_front", 2),
        ("Ủy ban MTTQ Việt Nam tỉnh", "fatherland_front", 1),
        ("UB MTTQ Việt Nam", "fatherland_front", None),
        ("Các tổ chức chính trị - xã hội huyện", "mass_organisations", 2),
        ("Hội Liên hiệp Phụ nữ tỉnh", "womens_union", 1),
        ("Hội LHPN", "womens_union", None),
        ("Tỉnh đoàn", "youth_union", 1),
        ("Huyện đoàn", "youth_union", 2),
        ("Đoàn TNCS Hồ Chí Minh", "youth_union", None),
        ("Đoàn thanh niên Cộng sản Hồ Chí Minh", "youth_union", None),
        ("Đoàn Thanh niên xã", "youth_union", 3),
        ("Hội Nông dân tỉnh", "farmers_union", 1),
        ("Hội Cựu chiến binh huyện", "veterans", 2),
        ("Liên đoàn Lao động tỉnh", "labour_federation", 1),
        # Forces, media, others.
        ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "border_guard", 1),
        ("Bộ Chỉ huy Quân sự tỉnh", "military", 1),
        ("Ban Chỉ huy Quân sự xã", "military", 3),
        ("Đài Phát thanh - Truyền hình tỉnh", "radio_tv", 1),
        ("Đài PT-TH tỉnh", "radio_tv", 1),
        ("Trung tâm Văn hóa, Thể thao và Truyền thông huyện", "radio_tv", 2),
        ("Đội kiểm tra liên ngành phòng, chống mại dâm huyện", "inspection_team", 2),
        ("Đội kiểm tra liên ngành 178 tỉnh", "inspection_team", 1),
        ("Đội 178", "inspection_team", None),
        ("Cục Thuế tỉnh", "tax", 1),
        ("Cục Quản lý thị trường tỉnh", "market_management", 1),
        ("Trung tâm Bảo trợ xã hội", "social_protection", None),
        ("Ban Chỉ đạo 138 huyện", "steering_committee", 2),
        ("Ngân hàng Chính sách xã hội tỉnh", "social_policy_bank", 1),
        # Headings as plans number and introduce them.
        ("2. Công an huyện", "police", 2),
        ("IV. Sở Y tế", "health", 1),
        ("10.3. Tỉnh đoàn", "youth_union", 1),
    ],
)
def test_recognises_how_documents_write_agencies(text, code, level):
    assert _code_level(text) == (code, level)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Kế hoạch phòng, chống mại dâm năm 2024",
        "Thường trực HĐND huyện",
        "Trung tâm Thông tin tỉnh",
        "Yêu cầu cơ sở y tế hỗ trợ người bán dâm",
        "Báo cáo kết quả thực hiện",
        "Lưu: VT, LĐT BXHDT(MTHY).",
        "Nơi nhận:",
        "đảm bảo tinh gọn, hiệu lực, hiệu quả",
        "tạo điều kiện cho cơ sở y tế",
    ],
)
def test_unknown_names_match_nothing(text):
    assert agency_type_match(text) is None
    assert agency_type_match_all(text) == []


def test_finds_every_mention_in_a_sentence_in_order():
    text = "Công an tỉnh, Sở Y tế và Sở Văn hóa, Thể thao và Du lịch"
    found = agency_type_match_all(text)
    assert [(m.agency_type.code, m.text) for m in found] == [
        ("police", "Công an tỉnh"),
        ("health", "Sở Y tế"),
        ("culture", "Sở Văn hóa, Thể thao và Du lịch"),
    ]
    assert all(text[m.start : m.end] == m.text for m in found)


def test_finds_mentions_in_a_plan_paragraph():
    text = (
        "Cùng Phòng Lao động, Thương binh, Xã hội - Dân tộc, Công an huyện, Ủy ban "
        "Mặt trận Tổ quốc Việt Nam huyện tổ chức tuyên truyền tại khu dân cư; gửi Công an "
        "tỉnh, Tỉnh đoàn và Báo cáo UBND huyện, Sở Lao động - Thương binh và Xã hội."
    )
    found = agency_type_match_all(text, at=BEFORE_MERGE)
    assert [(m.agency_type.code, m.level) for m in found] == [
        ("social_affairs", 2),
        ("police", 2),
        ("fatherland_front", 2),
        ("police", 1),
        ("youth_union", 1),
        ("people_committee", 2),
        ("social_affairs", 1),
    ]


def test_prefers_the_longest_alias():
    found = agency_type_match("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện")
    assert found is not None and found.agency_type.code == "office"
    found = agency_type_match("Phòng Văn hóa - Xã hội xã")
    assert found is not None and found.agency_type.code == "culture_society"


def test_the_level_said_in_the_text_wins_over_the_callers_hint():
    assert _code_level("Công an", level=3) == ("police", 3)
    assert _code_level("Công an tỉnh", level=3) == ("police", 1)
    assert _code_level("Sở Y tế", level=2) == ("health", 1)


def test_the_hint_and_the_date_settle_names_used_at_two_levels():
    assert _code_level("Thành đoàn", level=2) == ("youth_union", 2)
    assert _code_level("Thành đoàn", level=1) == ("youth_union", 1)
    assert _code_level("Phòng Kinh tế", at=BEFORE_MERGE) == ("economy", 2)
    assert _code_level("Phòng Kinh tế", at=AFTER_REFORM) == ("economy", 3)


def test_ordinary_words_after_a_name_are_not_level_words():
    for text in (
        "Lực lượng Công an quản lý chặt chẽ",
        "Công an tình hình phức tạp",
        "Công an xã hội hóa",
    ):
        found = agency_type_match_all(text)[0]
        assert (found.agency_type.code, found.level) == ("police", None), text


def test_the_date_tells_what_the_type_was_called_and_whether_it_coordinated():
    before = agency_type_match("Sở Y tế", at=BEFORE_MERGE)
    after = agency_type_match("Sở Y tế", at=AFTER_REFORM)
    assert before and after
    assert (before.type_name and before.type_name.name) == "Sở Y tế" and not before.is_coordinator
    assert after.is_coordinator and after.confidence == 1.0
    old = agency_type_match("Sở LĐTBXH", at=BEFORE_MERGE)
    gone = agency_type_match("Sở LĐTBXH", at=AFTER_REFORM)
    assert old and old.is_coordinator and old.confidence == 1.0
    assert gone and gone.agency_type.code == "social_affairs"
    assert gone.type_name is None and gone.confidence < 1.0


def test_confidence_is_lower_for_a_field_of_work_and_for_a_longer_text():
    assert agency_type_match("Sở Tư pháp").confidence == 1.0  # type: ignore[union-attr]
    field = agency_type_match("Tư pháp")
    assert field and field.agency_type.code == "justice" and field.confidence < 1.0
    mention = agency_type_match("Phòng Tư pháp phối hợp với các ngành tổ chức tuyên truyền")
    assert mention and mention.agency_type.code == "justice" and mention.confidence < 1.0
    heading = agency_type_match("Đề nghị Viện kiểm sát nhân dân huyện")
    assert heading and heading.confidence == 1.0


def test_a_provincial_newspaper_is_named_after_its_province():
    make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE)
    found = agency_type_match_all("Báo Thái Nguyên, Đài Phát thanh - Truyền hình tỉnh")
    assert [(m.agency_type.code, m.text, m.level) for m in found] == [
        ("newspaper", "Báo Thái Nguyên", 1),
        ("radio_tv", "Đài Phát thanh - Truyền hình tỉnh", 1),
    ]
    assert agency_type_match("Báo cáo Thái Nguyên") is None


def test_decomposed_unicode_from_real_documents_matches():
    text = unicodedata.normalize("NFD", "Phòng Lao động, Thương binh, Xã hội - Dân tộc huyện")
    found = agency_type_match(text)
    assert found and found.agency_type.code == "social_affairs"
    assert found.text == unicodedata.normalize("NFC", text)


def test_an_alias_added_locally_is_recognised():
    AgencyAlias.objects.create(
        agency_type=AgencyType.objects.get(code="police"),
        alias="Đồn Công an khu công nghiệp",
        alias_folded=fold("Đồn Công an khu công nghiệp"),
    )
    found = agency_type_match("Đồn Công an khu công nghiệp Phú Bài")
    assert found and found.alias == "Đồn Công an khu công nghiệp"


def test_abbreviations_written_with_or_without_separators_share_one_key():
    assert alias_key("Sở LĐ-TB&XH") == alias_key("Sở LĐTB&XH") == alias_key("so ldtbxh")
    assert alias_key("Giáo dục và Đào tạo") == alias_key("Giáo dục - Đào tạo")


SAMPLE_NAMES = [
    "Sở Lao động - Thương binh và Xã hội",
    "Phòng Lao động, Thương binh, Xã hội - Dân tộc huyện",
    "Công an xã",
    "UBND các xã, phường, thị trấn",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    "Hội Liên hiệp Phụ nữ huyện",
    "Đoàn TNCS Hồ Chí Minh",
    "Đài PT-TH tỉnh",
    "Phòng Văn hóa - Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Đội kiểm tra liên ngành phòng, chống mại dâm huyện",
    "Viện kiểm sát nhân dân tỉnh",
    "Trạm Y tế xã",
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
]


@st.composite
def _retyped(draw: st.DrawFn, name: str) -> str:
    """The same name as someone might type it: any case, diacritics or not, extra spaces."""
    out = []
    for ch in name:
        if draw(st.booleans()):
            ch = fold(ch) or ch
        ch = ch.upper() if draw(st.booleans()) else ch.lower()
        if ch == " " or ch in "-,&":
            ch = " " * draw(st.integers(0, 2)) + ch + " " * draw(st.integers(0, 2))
        out.append(ch)
    return " " * draw(st.integers(0, 3)) + "".join(out) + " " * draw(st.integers(0, 3))


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150, deadline=None
)
@given(data=st.data(), name=st.sampled_from(SAMPLE_NAMES))
def test_matching_ignores_diacritics_case_and_extra_spaces(data, name):
    variant = data.draw(_retyped(name))
    original, retyped = agency_type_match(name), agency_type_match(variant)
    assert original is not None and retyped is not None, variant
    assert (retyped.agency_type.code, retyped.alias, retyped.level, retyped.confidence) == (
        original.agency_type.code,
        original.alias,
        original.level,
        original.confidence,
    )
