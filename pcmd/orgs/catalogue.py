"""The catalogue of agency types: what each is called at each level and when, and how
documents write it.

This module is data. orgs.services.agency_catalogue_sync copies it into the database after
every migrate (and may be run again); the matcher and the standard agency sets read it
from there. Levels: 0 central government, 1 province, 2 district, 3 commune.

Name patterns say how an agency of a unit is named: {name} is the name below, {unit} the
unit as it follows an agency name ("tỉnh Hà Tĩnh", "xã Kỳ Hoa") and {place} the unit's
name without its kind ("Hà Tĩnh"), for names such as "Tỉnh đoàn Hà Tĩnh".

Aliases are compared ignoring case, diacritics, punctuation, "và" and the spaces inside
abbreviations, so "Sở LĐ-TB&XH", "Sở LĐTB&XH" and "Sở LĐTBXH" need one entry. An alias may
contain {place}: it then stands for each province's name ("Báo {place}": "Báo Hà Tĩnh").
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pcmd.core.text import fold, nfc
from pcmd.geo.models import LAST_PRE_REFORM_DAY, REFORM_DATE, UnitKind

NATIONAL, PROVINCE, DISTRICT, COMMUNE = 0, 1, 2, 3

# The 2025 reorganisation of the government apparatus took effect on 1 March 2025
# (Nghị định 45/2025/NĐ-CP for provincial and district departments, and the decrees on
# each ministry): labour-invalids-social affairs was split between home affairs and
# health, which took over prostitution prevention and now coordinates the programme;
# information-communications went to science-technology and culture; planning-investment
# joined finance; natural resources joined agriculture; district police were abolished.
MERGE_DATE = dt.date(2025, 3, 1)
LAST_PRE_MERGE_DAY = dt.date(2025, 2, 28)

# How a unit of each kind is written after an agency name: "Công an" + "xã Kỳ Hoa".
UNIT_KIND_WORDS: dict[str, str] = {
    UnitKind.PROVINCE: "tỉnh",
    UnitKind.CENTRAL_CITY: "thành phố",
    UnitKind.URBAN_DISTRICT: "quận",
    UnitKind.RURAL_DISTRICT: "huyện",
    UnitKind.DISTRICT_TOWN: "thị xã",
    UnitKind.PROVINCIAL_CITY: "thành phố",
    UnitKind.COMMUNE: "xã",
    UnitKind.WARD: "phường",
    UnitKind.TOWNSHIP: "thị trấn",
    UnitKind.SPECIAL_ZONE: "đặc khu",
}


@dataclass(frozen=True)
class Name:
    """What a type is called at one level for a period (None: open-ended)."""

    level: int
    name: str
    short: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    coordinator: bool = False
    # In the standard set every unit of the level gets (orgs.services.agencies_ensure_standard).
    standard: bool = True
    # Unit kinds the name is for; empty: every kind of the level.
    kinds: tuple[str, ...] = ()
    pattern: str = "{name} {unit}"


@dataclass(frozen=True)
class TypeSpec:
    code: str
    name: str
    name_en: str
    names: tuple[Name, ...] = ()
    # Level (None: any) -> how documents write the type at that level.
    aliases: dict[int | None, tuple[str, ...]] = field(default_factory=dict)
    # Words for the field of work rather than an organisation ("ngành Y tế").
    sectors: tuple[str, ...] = ()
    requested: bool = False


_PRE_MERGE: dict[str, Any] = {"end": LAST_PRE_MERGE_DAY}
_MERGE_TO_REFORM: dict[str, Any] = {"start": MERGE_DATE, "end": LAST_PRE_REFORM_DAY}
_PRE_REFORM: dict[str, Any] = {"end": LAST_PRE_REFORM_DAY}
_POST_REFORM: dict[str, Any] = {"start": REFORM_DATE}
_DISTRICT_KINDS = (UnitKind.RURAL_DISTRICT, UnitKind.DISTRICT_TOWN)
_CITY_KINDS = (UnitKind.PROVINCIAL_CITY, UnitKind.URBAN_DISTRICT)


def _body(
    prefix: str, *, levels: tuple[int, ...] = (1, 2, 3), short: str = "", **common: Any
) -> tuple[Name, ...]:
    """Names "<prefix> tỉnh/huyện/xã" of a body at each level (districts end with the reform)."""
    words = {PROVINCE: "tỉnh", DISTRICT: "huyện", COMMUNE: "xã"}
    return tuple(
        Name(
            level,
            f"{prefix} {words[level]}",
            f"{short} {words[level]}" if short else "",
            pattern=f"{prefix} {{unit}}",
            **(_PRE_REFORM if level == DISTRICT else {}),
            **common,
        )
        for level in levels
    )


CATALOGUE: tuple[TypeSpec, ...] = (
    TypeSpec(
        "people_committee",
        "Ủy ban nhân dân",
        "People's Committee",
        names=(
            Name(1, "Ủy ban nhân dân tỉnh", "UBND tỉnh", pattern="Ủy ban nhân dân {unit}"),
            Name(
                2,
                "Ủy ban nhân dân huyện",
                "UBND huyện",
                pattern="Ủy ban nhân dân {unit}",
                **_PRE_REFORM,
            ),
            # Before the reform a commune had no departments: its committee compiled the
            # reports itself, through the culture-social officer.
            Name(
                3,
                "Ủy ban nhân dân xã",
                "UBND xã",
                pattern="Ủy ban nhân dân {unit}",
                coordinator=True,
                **_PRE_REFORM,
            ),
            Name(
                3, "Ủy ban nhân dân xã", "UBND xã", pattern="Ủy ban nhân dân {unit}", **_POST_REFORM
            ),
        ),
        aliases={None: ("Ủy ban nhân dân", "UBND", "UB nhân dân", "Ủy ban ND")},
    ),
    TypeSpec(
        "office",
        "Văn phòng Ủy ban nhân dân",
        "Office of the People's Committee",
        names=(
            Name(
                1,
                "Văn phòng Ủy ban nhân dân tỉnh",
                "Văn phòng UBND tỉnh",
                pattern="Văn phòng Ủy ban nhân dân {unit}",
            ),
            Name(
                2,
                "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",
                "Văn phòng HĐND và UBND huyện",
                pattern="Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {unit}",
                **_PRE_REFORM,
            ),
            Name(
                3,
                "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã",
                "Văn phòng HĐND và UBND xã",
                pattern="Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {unit}",
                **_POST_REFORM,
            ),
        ),
        aliases={
            None: (
                "Văn phòng Ủy ban nhân dân",
                "Văn phòng UBND",
                "VP UBND",
                "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân",
                "Văn phòng HĐND và UBND",
                "VP HĐND và UBND",
            )
        },
    ),
    TypeSpec(
        "social_affairs",
        "Lao động - Thương binh và Xã hội",
        "Labour, Invalids and Social Affairs",
        names=(
            Name(0, "Bộ Lao động - Thương binh và Xã hội", "Bộ LĐTBXH", **_PRE_MERGE),
            Name(
                1,
                "Sở Lao động - Thương binh và Xã hội",
                "Sở LĐTBXH",
                coordinator=True,
                **_PRE_MERGE,
            ),
            Name(
                2,
                "Phòng Lao động - Thương binh và Xã hội",
                "Phòng LĐTBXH",
                coordinator=True,
                **_PRE_MERGE,
            ),
        ),
        aliases={
            0: ("Bộ LĐ-TB&XH", "Bộ Lao động - TB&XH"),
            1: ("Sở LĐ-TB&XH", "Sở Lao động - TB&XH", "Sở Lao động TBXH", "Sở Lao động"),
            2: (
                "Phòng LĐ-TB&XH",
                "Phòng Lao động - TB&XH",
                "Phòng Lao động TBXH",
                "Phòng Lao động",
                # Districts that merged it with ethnic affairs (e.g. in Lạng Sơn).
                "Phòng Lao động, Thương binh, Xã hội - Dân tộc",
                "Phòng LĐTBXH - DT",
                "Phòng LĐ-TB&XH - Dân tộc",
            ),
            3: ("công chức Lao động - Thương binh và Xã hội",),
        },
        sectors=("Lao động - Thương binh và Xã hội", "LĐ-TB&XH", "ngành LĐ-TB&XH"),
    ),
    TypeSpec(
        "culture_society",
        "Văn hóa - Xã hội",
        "Culture and Society department",
        # The commune department created by the reform coordinates the programme there.
        names=(Name(3, "Phòng Văn hóa - Xã hội", "Phòng VH-XH", coordinator=True, **_POST_REFORM),),
        aliases={3: ("Phòng Văn hóa, Xã hội", "công chức Văn hóa - Xã hội")},
    ),
    TypeSpec(
        "health",
        "Y tế",
        "Health",
        names=(
            Name(0, "Bộ Y tế"),
            Name(1, "Sở Y tế", **_PRE_MERGE),
            Name(1, "Sở Y tế", start=MERGE_DATE, coordinator=True),
            Name(2, "Phòng Y tế", **_PRE_MERGE),
            Name(2, "Phòng Y tế", coordinator=True, **_MERGE_TO_REFORM),
            Name(3, "Trạm Y tế"),
        ),
        aliases={
            1: ("Trung tâm Kiểm soát bệnh tật",),
            None: ("Trung tâm Y tế",),
        },
        sectors=("ngành Y tế",),
    ),
    TypeSpec(
        "police",
        "Công an",
        "Police",
        names=(
            Name(0, "Bộ Công an"),
            Name(1, "Công an tỉnh", pattern="Công an {unit}"),
            Name(2, "Công an huyện", pattern="Công an {unit}", **_PRE_MERGE),
            Name(3, "Công an xã", pattern="Công an {unit}"),
        ),
        aliases={
            None: ("Công an", "lực lượng Công an"),
            1: ("Phòng Cảnh sát hình sự", "Phòng Cảnh sát quản lý hành chính về trật tự xã hội"),
        },
    ),
    TypeSpec(
        "culture",
        "Văn hóa, Thể thao và Du lịch",
        "Culture, Sports and Tourism",
        names=(
            Name(0, "Bộ Văn hóa, Thể thao và Du lịch", "Bộ VHTTDL"),
            Name(1, "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL"),
            Name(2, "Phòng Văn hóa và Thông tin", "Phòng VH&TT", **_PRE_MERGE),
            Name(2, "Phòng Văn hóa, Khoa học và Thông tin", **_MERGE_TO_REFORM),
        ),
        aliases={
            1: (
                "Sở Văn hóa và Thể thao",
                "Sở VH-TT&DL",
                "Sở VHTT",
                "Sở Văn hóa",
                "Sở Văn hóa, Thể thao, Du lịch",
            ),
            2: ("Phòng Văn hóa - Thông tin", "Phòng Văn hóa", "Phòng VHTT"),
        },
        sectors=("Văn hóa, Thể thao và Du lịch", "ngành Văn hóa"),
    ),
    TypeSpec(
        "tourism",
        "Du lịch",
        "Tourism",
        # Only some provinces kept a separate tourism department.
        names=(Name(1, "Sở Du lịch", standard=False),),
    ),
    TypeSpec(
        "information",
        "Thông tin và Truyền thông",
        "Information and Communications",
        names=(
            Name(0, "Bộ Thông tin và Truyền thông", **_PRE_MERGE),
            Name(1, "Sở Thông tin và Truyền thông", "Sở TT&TT", **_PRE_MERGE),
        ),
        aliases={1: ("Sở TTTT",)},
        sectors=("ngành Thông tin và Truyền thông",),
    ),
    TypeSpec(
        "education",
        "Giáo dục và Đào tạo",
        "Education and Training",
        names=(
            Name(0, "Bộ Giáo dục và Đào tạo"),
            Name(1, "Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
            Name(2, "Phòng Giáo dục và Đào tạo", "Phòng GD&ĐT", **_PRE_REFORM),
        ),
        aliases={1: ("Sở Giáo dục",), 2: ("Phòng Giáo dục",)},
        sectors=("Giáo dục và Đào tạo", "ngành Giáo dục", "ngành Giáo dục và Đào tạo"),
    ),
    TypeSpec(
        "justice",
        "Tư pháp",
        "Justice",
        names=(
            Name(0, "Bộ Tư pháp"),
            Name(1, "Sở Tư pháp"),
            Name(2, "Phòng Tư pháp", **_PRE_REFORM),
        ),
        aliases={3: ("công chức Tư pháp - Hộ tịch",)},
        sectors=("Tư pháp", "ngành Tư pháp"),
    ),
    TypeSpec(
        "finance",
        "Tài chính",
        "Finance",
        names=(
            Name(0, "Bộ Tài chính"),
            Name(1, "Sở Tài chính"),
            Name(2, "Phòng Tài chính - Kế hoạch", "Phòng TC-KH", **_PRE_REFORM),
        ),
        aliases={2: ("Phòng Tài chính",)},
        sectors=("cơ quan tài chính", "ngành Tài chính"),
    ),
    TypeSpec(
        "planning_investment",
        "Kế hoạch và Đầu tư",
        "Planning and Investment",
        names=(
            Name(0, "Bộ Kế hoạch và Đầu tư", **_PRE_MERGE),
            Name(1, "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", **_PRE_MERGE),
        ),
        sectors=("Kế hoạch và Đầu tư",),
    ),
    TypeSpec(
        "industry_trade",
        "Công Thương",
        "Industry and Trade",
        names=(Name(0, "Bộ Công Thương"), Name(1, "Sở Công Thương")),
        sectors=("ngành Công Thương",),
    ),
    TypeSpec(
        "economy",
        "Kinh tế",
        "Economic department",
        names=(
            Name(
                2, "Phòng Kinh tế và Hạ tầng", "Phòng KT&HT", kinds=_DISTRICT_KINDS, **_PRE_REFORM
            ),
            Name(2, "Phòng Kinh tế", kinds=_CITY_KINDS, **_PRE_REFORM),
            Name(3, "Phòng Kinh tế", kinds=(UnitKind.COMMUNE,), **_POST_REFORM),
            Name(
                3,
                "Phòng Kinh tế, Hạ tầng và Đô thị",
                kinds=(UnitKind.WARD, UnitKind.SPECIAL_ZONE),
                **_POST_REFORM,
            ),
        ),
        aliases={2: ("Phòng Kinh tế - Hạ tầng", "Phòng Quản lý đô thị")},
    ),
    TypeSpec(
        "agriculture",
        "Nông nghiệp và Môi trường",
        "Agriculture and Environment",
        names=(
            Name(0, "Bộ Nông nghiệp và Phát triển nông thôn", **_PRE_MERGE),
            Name(0, "Bộ Nông nghiệp và Môi trường", start=MERGE_DATE),
            Name(1, "Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT", **_PRE_MERGE),
            Name(1, "Sở Nông nghiệp và Môi trường", "Sở NN&MT", start=MERGE_DATE),
            Name(2, "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng NN&PTNT", **_PRE_MERGE),
            Name(2, "Phòng Nông nghiệp và Môi trường", **_MERGE_TO_REFORM),
        ),
        aliases={1: ("Sở Nông nghiệp",), 2: ("Phòng Nông nghiệp",)},
    ),
    TypeSpec(
        "natural_resources",
        "Tài nguyên và Môi trường",
        "Natural Resources and Environment",
        names=(
            Name(0, "Bộ Tài nguyên và Môi trường", **_PRE_MERGE),
            Name(1, "Sở Tài nguyên và Môi trường", "Sở TN&MT", **_PRE_MERGE),
            Name(2, "Phòng Tài nguyên và Môi trường", "Phòng TN&MT", **_PRE_MERGE),
        ),
    ),
    TypeSpec(
        "home_affairs",
        "Nội vụ",
        "Home Affairs",
        names=(
            Name(0, "Bộ Nội vụ"),
            Name(1, "Sở Nội vụ"),
            Name(2, "Phòng Nội vụ", **_PRE_REFORM),
        ),
        sectors=("ngành Nội vụ",),
    ),
    TypeSpec(
        "ethnic_affairs",
        "Dân tộc",
        "Ethnic Affairs",
        # Only provinces and districts with ethnic minorities have one.
        names=(
            Name(0, "Ủy ban Dân tộc", **_PRE_MERGE),
            Name(0, "Bộ Dân tộc và Tôn giáo", start=MERGE_DATE),
            Name(1, "Ban Dân tộc", standard=False, **_PRE_MERGE),
            Name(1, "Sở Dân tộc và Tôn giáo", standard=False, start=MERGE_DATE),
            Name(2, "Phòng Dân tộc", standard=False, **_PRE_MERGE),
            Name(2, "Phòng Dân tộc và Tôn giáo", standard=False, **_MERGE_TO_REFORM),
        ),
    ),
    TypeSpec(
        "inspection_team",
        "Đội kiểm tra liên ngành phòng, chống mại dâm",
        "Interagency inspection team (Team 178)",
        names=_body("Đội kiểm tra liên ngành phòng, chống mại dâm", short="Đội 178"),
        aliases={
            None: (
                "Đội kiểm tra liên ngành phòng, chống mại dâm",
                "Đội kiểm tra liên ngành 178",
                "Đội kiểm tra liên ngành về phòng, chống mại dâm",
                "Đội KTLN 178",
                "Đội 178",
                "Đội KTLN",
                "Đội kiểm tra liên ngành",
                "Đoàn kiểm tra liên ngành phòng, chống mại dâm",
                "Đoàn kiểm tra liên ngành",
                "Tổ công tác liên ngành phòng, chống mại dâm",
                "Tổ công tác liên ngành",
            )
        },
    ),
    TypeSpec(
        "procuracy",
        "Viện kiểm sát nhân dân",
        "People's Procuracy",
        names=(
            Name(0, "Viện kiểm sát nhân dân tối cao"),
            *_body("Viện kiểm sát nhân dân", levels=(1, 2), short="VKSND"),
        ),
        aliases={None: ("Viện kiểm sát nhân dân", "Viện kiểm sát", "VKSND", "Viện KSND")},
        requested=True,
    ),
    TypeSpec(
        "court",
        "Tòa án nhân dân",
        "People's Court",
        names=(
            Name(0, "Tòa án nhân dân tối cao"),
            *_body("Tòa án nhân dân", levels=(1, 2), short="TAND"),
        ),
        aliases={None: ("Tòa án nhân dân", "Tòa án", "TAND")},
        requested=True,
    ),
    TypeSpec(
        "fatherland_front",
        "Mặt trận Tổ quốc Việt Nam",
        "Viet Nam Fatherland Front",
        names=(
            Name(0, "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"),
            *_body("Ủy ban Mặt trận Tổ quốc Việt Nam", short="Ủy ban MTTQ Việt Nam"),
        ),
        aliases={
            None: (
                "Ủy ban Mặt trận Tổ quốc Việt Nam",
                "Ủy ban Mặt trận Tổ quốc",
                "Ủy ban MTTQ Việt Nam",
                "Ủy ban MTTQ",
                "UB MTTQ",
                "UB MTTQ Việt Nam",
                "UBMTTQ",
                "UB MTTQVN",
                "Mặt trận Tổ quốc Việt Nam",
                "Mặt trận Tổ quốc",
                "MTTQ",
                "MTTQVN",
            )
        },
        requested=True,
    ),
    TypeSpec(
        "mass_organisations",
        "Các tổ chức chính trị - xã hội",
        "Socio-political organisations",
        aliases={
            None: (
                "các tổ chức chính trị - xã hội",
                "tổ chức chính trị - xã hội",
                "TCCTXH",
                "các TCCTXH",
                "các đoàn thể",
                "đoàn thể",
                "các hội, đoàn thể",
            )
        },
        requested=True,
    ),
    TypeSpec(
        "womens_union",
        "Hội Liên hiệp Phụ nữ Việt Nam",
        "Women's Union",
        names=(
            Name(0, "Trung ương Hội Liên hiệp Phụ nữ Việt Nam"),
            *_body("Hội Liên hiệp Phụ nữ", short="Hội LHPN"),
        ),
        aliases={
            None: (
                "Hội Liên hiệp Phụ nữ",
                "Hội Liên hiệp Phụ nữ Việt Nam",
                "Hội LHPN",
                "Hội LHPN Việt Nam",
                "Hội Phụ nữ",
            )
        },
        requested=True,
    ),
    TypeSpec(
        "youth_union",
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
        "Ho Chi Minh Communist Youth Union",
        names=(
            Name(0, "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Trung ương Đoàn"),
            Name(1, "Tỉnh đoàn", kinds=(UnitKind.PROVINCE,), pattern="{name} {place}"),
            Name(1, "Thành đoàn", kinds=(UnitKind.CENTRAL_CITY,), pattern="{name} {place}"),
            Name(
                2,
                "Huyện đoàn",
                kinds=(UnitKind.RURAL_DISTRICT,),
                pattern="{name} {place}",
                **_PRE_REFORM,
            ),
            Name(
                2,
                "Thị đoàn",
                kinds=(UnitKind.DISTRICT_TOWN,),
                pattern="{name} {place}",
                **_PRE_REFORM,
            ),
            Name(
                2,
                "Thành đoàn",
                kinds=(UnitKind.PROVINCIAL_CITY,),
                pattern="{name} {place}",
                **_PRE_REFORM,
            ),
            Name(
                2,
                "Quận đoàn",
                kinds=(UnitKind.URBAN_DISTRICT,),
                pattern="{name} {place}",
                **_PRE_REFORM,
            ),
            Name(3, "Đoàn Thanh niên xã", pattern="Đoàn Thanh niên {unit}"),
        ),
        aliases={
            None: (
                "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
                "Đoàn TNCS Hồ Chí Minh",
                "Đoàn TNCS HCM",
                "Đoàn Thanh niên CSHCM",
                "Đoàn Thanh niên",
                "Đoàn TN",
            )
        },
        requested=True,
    ),
    TypeSpec(
        "farmers_union",
        "Hội Nông dân Việt Nam",
        "Farmers' Union",
        names=_body("Hội Nông dân"),
        aliases={None: ("Hội Nông dân", "Hội Nông dân Việt Nam", "Hội ND")},
        requested=True,
    ),
    TypeSpec(
        "veterans",
        "Hội Cựu chiến binh Việt Nam",
        "Veterans' Association",
        names=_body("Hội Cựu chiến binh", short="Hội CCB"),
        aliases={None: ("Hội Cựu chiến binh", "Hội Cựu chiến binh Việt Nam", "Hội CCB")},
        requested=True,
    ),
    TypeSpec(
        "labour_federation",
        "Công đoàn Việt Nam",
        "Labour Federation",
        names=(
            Name(0, "Tổng Liên đoàn Lao động Việt Nam"),
            *_body("Liên đoàn Lao động", levels=(1, 2), short="LĐLĐ"),
        ),
        aliases={None: ("Liên đoàn Lao động", "LĐLĐ", "Công đoàn")},
        requested=True,
    ),
    TypeSpec(
        "border_guard",
        "Bộ đội Biên phòng",
        "Border Guard",
        # Only border and coastal provinces have one.
        names=(
            Name(0, "Bộ Tư lệnh Bộ đội Biên phòng"),
            Name(
                1,
                "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
                "Bộ Chỉ huy BĐBP tỉnh",
                standard=False,
                pattern="Bộ Chỉ huy Bộ đội Biên phòng {unit}",
            ),
        ),
        aliases={None: ("Bộ đội Biên phòng", "BĐBP", "Biên phòng"), 3: ("Đồn Biên phòng",)},
    ),
    TypeSpec(
        "military",
        "Quân sự",
        "Military command",
        names=(
            Name(0, "Bộ Quốc phòng"),
            Name(1, "Bộ Chỉ huy Quân sự tỉnh", "Bộ CHQS tỉnh", pattern="Bộ Chỉ huy Quân sự {unit}"),
            Name(
                2,
                "Ban Chỉ huy Quân sự huyện",
                "Ban CHQS huyện",
                pattern="Ban Chỉ huy Quân sự {unit}",
                **_PRE_REFORM,
            ),
            Name(3, "Ban Chỉ huy Quân sự xã", "Ban CHQS xã", pattern="Ban Chỉ huy Quân sự {unit}"),
        ),
        aliases={
            1: ("Bộ Chỉ huy Quân sự", "Bộ CHQS"),
            None: ("Ban Chỉ huy Quân sự", "Ban CHQS", "cơ quan quân sự"),
        },
    ),
    TypeSpec(
        "tax",
        "Thuế",
        "Tax administration",
        names=(
            Name(1, "Cục Thuế tỉnh", pattern="Cục Thuế {unit}", **_PRE_MERGE),
            Name(1, "Thuế tỉnh", pattern="Thuế {unit}", start=MERGE_DATE),
            Name(
                2, "Chi cục Thuế huyện", pattern="Chi cục Thuế {unit}", standard=False, **_PRE_MERGE
            ),
        ),
        aliases={1: ("Cục Thuế",), None: ("Chi cục Thuế", "cơ quan thuế")},
    ),
    TypeSpec(
        "market_management",
        "Quản lý thị trường",
        "Market surveillance",
        names=(
            Name(
                1,
                "Cục Quản lý thị trường tỉnh",
                "Cục QLTT tỉnh",
                pattern="Cục Quản lý thị trường {unit}",
                **_PRE_MERGE,
            ),
            Name(
                1,
                "Chi cục Quản lý thị trường tỉnh",
                "Chi cục QLTT tỉnh",
                pattern="Chi cục Quản lý thị trường {unit}",
                start=MERGE_DATE,
            ),
        ),
        aliases={
            None: (
                "Cục Quản lý thị trường",
                "Chi cục Quản lý thị trường",
                "Cục QLTT",
                "Chi cục QLTT",
                "Đội Quản lý thị trường",
                "lực lượng Quản lý thị trường",
                "QLTT",
            )
        },
    ),
    TypeSpec(
        "social_protection",
        "Cơ sở trợ giúp xã hội",
        "Social protection centre",
        names=(
            Name(
                1,
                "Trung tâm Bảo trợ xã hội tỉnh",
                standard=False,
                pattern="Trung tâm Bảo trợ xã hội {unit}",
            ),
        ),
        aliases={
            None: (
                "Trung tâm Bảo trợ xã hội",
                "Trung tâm Công tác xã hội",
                "Trung tâm Bảo trợ và Công tác xã hội",
                "Cơ sở trợ giúp xã hội",
                "Cơ sở bảo trợ xã hội",
            )
        },
    ),
    TypeSpec(
        "radio_tv",
        "Phát thanh - Truyền hình",
        "Radio and television",
        names=(
            Name(
                1,
                "Đài Phát thanh và Truyền hình tỉnh",
                "Đài PT-TH tỉnh",
                pattern="Đài Phát thanh và Truyền hình {place}",
                **_PRE_REFORM,
            ),
            # The district broadcasting station was merged into this centre.
            Name(
                2,
                "Trung tâm Văn hóa, Thể thao và Truyền thông huyện",
                pattern="Trung tâm Văn hóa, Thể thao và Truyền thông {unit}",
                **_PRE_REFORM,
            ),
            Name(3, "Đài Truyền thanh xã", standard=False, pattern="Đài Truyền thanh {unit}"),
        ),
        aliases={
            0: ("Đài Tiếng nói Việt Nam", "Đài Truyền hình Việt Nam"),
            None: (
                "Đài Phát thanh - Truyền hình",
                "Đài PT-TH",
                "Đài PT&TH",
                "Đài Truyền thanh - Truyền hình",
                "Đài Truyền thanh",
                "Trung tâm Văn hóa, Thể thao và Truyền thông",
                "Trung tâm Văn hóa, Thông tin và Thể thao",
                "Trung tâm Truyền thông và Văn hóa",
            ),
        },
    ),
    TypeSpec(
        "newspaper",
        "Báo",
        "Provincial newspaper",
        names=(
            Name(1, "Báo tỉnh", pattern="Báo {place}", **_PRE_REFORM),
            # Provincial newspapers and broadcasters merged during the 2025 reform.
            Name(
                1,
                "Báo và Phát thanh, Truyền hình tỉnh",
                pattern="Báo và Phát thanh, Truyền hình {place}",
                **_POST_REFORM,
            ),
        ),
        aliases={
            0: ("Báo Nhân Dân", "Báo Công an nhân dân", "Thông tấn xã Việt Nam"),
            1: ("Báo {place}",),
            None: ("Báo và Phát thanh, Truyền hình", "Báo địa phương"),
        },
        sectors=("cơ quan báo chí", "cơ quan thông tấn, báo chí"),
    ),
    TypeSpec(
        "steering_committee",
        "Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội",
        "Steering committee on crime and social evils (138)",
        names=_body("Ban Chỉ đạo 138", short="BCĐ 138", standard=False),
        aliases={
            None: (
                "Ban Chỉ đạo 138",
                "BCĐ 138",
                "Ban Chỉ đạo phòng, chống tội phạm",
                "Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân "
                "bảo vệ an ninh Tổ quốc",
            )
        },
    ),
    TypeSpec(
        "social_policy_bank",
        "Ngân hàng Chính sách xã hội",
        "Bank for Social Policies",
        names=(
            Name(
                1,
                "Chi nhánh Ngân hàng Chính sách xã hội tỉnh",
                standard=False,
                pattern="Chi nhánh Ngân hàng Chính sách xã hội {unit}",
            ),
        ),
        aliases={
            None: ("Ngân hàng Chính sách xã hội", "Ngân hàng CSXH", "NHCSXH"),
            2: ("Phòng giao dịch Ngân hàng Chính sách xã hội",),
        },
    ),
)


def place_name(name: str, kind: str) -> str:
    """A unit's name without its kind: "Hà Tĩnh" for "Tỉnh Hà Tĩnh"."""
    name = nfc(name)
    word = UNIT_KIND_WORDS.get(kind, "")
    # fold keeps one letter per letter, so the prefix length carries over to the name.
    if word and fold(name).startswith(fold(word) + " "):
        return name[len(word) + 1 :].strip()
    return name


def agency_name_for_unit(pattern: str, name: str, unit: Any) -> str:
    """The name of the agency of `unit` a catalogue name stands for ("Công an xã Kỳ Hoa")."""
    place = place_name(unit.name, unit.kind)
    word = UNIT_KIND_WORDS.get(unit.kind)
    return nfc(pattern.format(name=name, unit=f"{word} {place}" if word else place, place=place))
