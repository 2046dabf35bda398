"""Agency names in running text: lists split into names, headings read as agencies.

Names contain commas ("Sở Văn hóa, Thể thao và Du lịch", "Phòng Lao động, Thương
binh, Xã hội - Dân tộc huyện") and lists are joined by commas and "và", so a list is cut
only between the names the project's matcher recognises, and elsewhere only where the
next part opens a new name (a capital letter or "các ...").
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from pcmd.orgs.matching import AgencyMatch, agency_type_match, agency_type_match_all

from .common import UPPER, folded

LEVEL_NUMBERS = {"province": 1, "district": 2, "commune": 3}

# Words that open the name of a body (an organ), with the verbs and nouns that share
# their first syllable left out: "Ban hành", "Tổ chức", "Phòng, chống", "Báo cáo".
_ORGANS = (
    r"sở|phòng(?!,? chống| ngừa)|ban(?! hành)|công an|ủy ban|uỷ ban|ubnd|ubmttq|mttq|"
    r"ub mttq|mặt trận|hội(?! nghị| thảo| thi| diễn| đồng)|đoàn(?! kết| kiểm tra)|"
    r"huyện đoàn|tỉnh đoàn|thành đoàn|quận đoàn|thị đoàn|trung tâm|báo(?! cáo)|đài|viện|"
    r"tòa|toà|văn phòng|bộ(?! luật)|cục(?! bộ)|chi cục|trạm|đội(?! ngũ)|tổ(?! chức)|"
    r"ngân hàng|bảo hiểm|liên đoàn|bệnh viện|cơ quan|công chức|kho bạc|"
    r"thanh tra(?!,| kiểm tra)|chi nhánh|cảnh sát|trường(?! hợp)|thủ trưởng|chủ tịch|"
    r"trưởng|cán bộ|thôn|tổ dân phố|khu dân cư|hợp tác xã|bộ chỉ huy|ban chỉ huy|"
    r"đảng ủy|đảng uỷ|hđnd|huyện ủy|huyện uỷ"
)
# After "các": the plural nouns for bodies ("các sở, ban, ngành", "các đoàn thể").
_PLURALS = (
    r"ngành|đơn vị|tổ chức|đoàn thể|địa phương|xã|phường|thị trấn|huyện|thành viên|"
    r"doanh nghiệp|lực lượng|hội|sở|phòng|ban|cơ quan|trường|thôn"
)
_ORGAN_HEAD = re.compile(rf"(?:{_ORGANS})\b", re.IGNORECASE)
_HEAD = re.compile(rf"(?:(?:các|những)\s+(?:{_PLURALS})|{_ORGANS})\b", re.IGNORECASE)
# "Các phòng, đơn vị: A, B" and "Các Sở: A, B": the group word names each body.
_GROUP = re.compile(
    r"^(?:các|những)\s+(?P<word>phòng|sở|ban|ngành|đơn vị|cơ quan|hội|đoàn thể|tổ chức)"
    r"(?:\s*,\s*[^:]{0,40})?\s*:\s*(?P<list>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_PREFIX_WORDS = {"phòng": "Phòng", "sở": "Sở", "ban": "Ban", "hội": "Hội"}
_LEAD_IN = re.compile(
    r"(?:đề nghị|giao cho|giao|đối với|trách nhiệm của|nhiệm vụ của|với|cùng với|cùng|và|"
    r"phối hợp với|phối hợp)\s+",
    re.IGNORECASE,
)
_CUT = re.compile(r"\s*[,;]\s*|\s+và\s+|\s+cùng\s+|\s*/\s+")
_PLACE_WORDS = re.compile(rf"\s+(?:[{UPPER}][^\s,;:.()]*)(?:\s+[{UPPER}][^\s,;:.()]*){{0,3}}")
_MAX_WORDS = 16


@dataclass(frozen=True)
class Named:
    """An agency named in the text: `name` as written (or with its group word), at
    `start`:`end` of the cleaned text."""

    name: str
    start: int
    end: int
    code: str | None
    known: bool
    confidence: float = 0.0
    level: int | None = None  # the level the name says or implies (1 province ... 3 commune)


def match(name: str, level: str | None) -> AgencyMatch | None:
    """The catalogue type a name stands for (the project's matcher), cached per run."""
    return _match(name, level)


@lru_cache(maxsize=4096)
def _match(name: str, level: str | None) -> AgencyMatch | None:
    return agency_type_match(name, level=LEVEL_NUMBERS.get(level or ""))


def match_cache_clear() -> None:
    """Forget cached matches (the catalogue may have changed between documents)."""
    _match.cache_clear()
    _mentions.cache_clear()


@lru_cache(maxsize=4096)
def _mentions(text: str, level: str | None) -> tuple[tuple[int, int], ...]:
    found = agency_type_match_all(text, level=LEVEL_NUMBERS.get(level or ""))
    return tuple((m.start, m.end) for m in found)


def mentions(text: str, level: str | None) -> list[tuple[int, int]]:
    """(start, end) of every agency the matcher recognises in `text` (NFC already)."""
    return list(_mentions(text, level))


def split_names(text: str, offset: int, level: str | None) -> list[Named]:
    """The agencies of a list such as "Công an xã, Đoàn Thanh niên và các hội đoàn thể".

    `text` is the list alone; `offset` is where it starts in the cleaned text.
    """
    prefix = ""
    if m := _GROUP.match(text):
        prefix = _PREFIX_WORDS.get(m.group("word").lower(), "")
        offset += m.start("list")
        text = m.group("list")
    protected = _protected(text, level)
    pieces: list[tuple[int, int]] = []
    begin = 0
    for cut in _CUT.finditer(text):
        if any(a < cut.start() < b or a < cut.end() < b for a, b in protected):
            continue
        following = text[cut.end() :]
        opens_name = (
            following[:1].isupper()
            or re.match(r"(?:các|những)\s", following) is not None
            or any(a == cut.end() for a, _ in protected)
        )
        if not opens_name:
            continue
        pieces.append((begin, cut.start()))
        begin = cut.end()
    pieces.append((begin, len(text)))
    chunks = [c for a, b in pieces if (c := _chunk(text, a, b)) is not None]
    names = _shared_suffix([text[a:b] for a, b in chunks])
    out = []
    for (a, b), name in zip(chunks, names, strict=True):
        if prefix and not _ORGAN_HEAD.match(name):
            name = f"{prefix} {name}"
        found = match(name, level)
        out.append(
            Named(
                name=name,
                start=offset + a,
                end=offset + b,
                code=found.agency_type.code if found else None,
                known=found is not None,
                confidence=found.confidence if found else 0.0,
                level=found.level if found else None,
            )
        )
    return out


_LEVEL_SUFFIX = re.compile(
    r"\s(?P<people>nhân dân\s+)?(?P<level>(?:cấp\s+)?(?:tỉnh|huyện|xã|thành phố|thị xã|quận|"
    r"phường|thị trấn))$",
    re.IGNORECASE,
)
_HAS_LEVEL = re.compile(
    r"\b(?:tỉnh|huyện|xã|thành phố|thị xã|quận|phường|thị trấn|cấp|các cấp|trung ương)\b",
    re.IGNORECASE,
)
_PEOPLES_BODIES = re.compile(r"^(?:viện kiểm sát|tòa án|toà án)\b(?!.*nhân dân)", re.IGNORECASE)


def _shared_suffix(names: list[str]) -> list[str]:
    """ "Viện kiểm sát, Tòa án nhân dân tỉnh": a level written once at the end of a list
    belongs to every name in it, when no other name carries a level of its own."""
    if len(names) < 2 or any(_HAS_LEVEL.search(n) for n in names[:-1]):
        return names
    m = _LEVEL_SUFFIX.search(names[-1])
    if m is None:
        return names
    out = []
    for name in names[:-1]:
        people = "nhân dân " if m.group("people") and _PEOPLES_BODIES.match(name) else ""
        out.append(f"{name} {people}{m.group('level')}")
    return [*out, names[-1]]


def _protected(text: str, level: str | None) -> list[tuple[int, int]]:
    """Matched names, each with the place name written after it ("UBND huyện Chi Lăng")."""
    out = []
    for a, b in mentions(text, level):
        if m := _PLACE_WORDS.match(text, b):
            b = m.end()
        out.append((a, b))
    return out


def _chunk(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The name inside text[a:b]: without lead-in words, notes in brackets, punctuation."""
    while lead := _LEAD_IN.match(text, a, b):
        a = lead.end()
    while a < b and text[a] in " ,;:-–":
        a += 1
    paren = text.find("(", a, b)
    if paren >= 0:
        b = paren
    while b > a and text[b - 1] in " .,;:-–":
        b -= 1
    chunk = text[a:b]
    if not any(ch.isalpha() for ch in chunk) or len(chunk.split()) > _MAX_WORDS:
        return None
    return a, b


def looks_like_agency(text: str, level: str | None) -> bool:
    """Whether `text` opens with the name of a body (a known one, or a name's head word)."""
    text = text.strip()
    if lead := _LEAD_IN.match(text):
        text = text[lead.end() :]
    if _HEAD.match(text) or _GROUP.match(text):
        return True
    found = mentions(text, level)
    return bool(found) and found[0][0] == 0


# Bodies of one field are told apart by their head ("Phòng Y tế" is not "Trung tâm Y tế").
_BODY_HEADS = re.compile(
    r"^(?:các\s+)?(sở|phòng|trung tâm|bệnh viện|trạm|chi cục|cục|đội|ban|văn phòng|báo|đài|"
    r"công chức|thanh tra)\b",
    re.IGNORECASE,
)


def body_key(named: Named) -> tuple[str, str]:
    """A key for "the same body": its catalogue type and the head of its name."""
    head = _BODY_HEADS.match(named.name)
    return named.code or name_key(named.name), head.group(1).lower() if head else ""


def name_key(name: str) -> str:
    """A key that ignores case, diacritics and punctuation, for de-duplicating names."""
    return re.sub(r"[^a-z0-9]+", " ", folded(name)).strip()


# Where a list of names ends in running text: the first word that is no part of a name.
_NAME_JOINERS = re.compile(r"\s*[,;]\s*|\s+và\s+|\s+cùng\s+")


def leading_names(text: str, level: str | None) -> int:
    """How much of `text` is a list of recognised names ("Đề nghị Viện kiểm sát nhân dân
    tỉnh, Tòa án nhân dân tỉnh chỉ đạo ..." -> up to "tỉnh" before "chỉ đạo"); 0 when
    it does not open with one."""
    lead = _LEAD_IN.match(text)
    position = lead.end() if lead else 0
    end = 0
    for a, b in _protected(text, level):
        if a < position:
            continue
        if text[position:a].strip():
            break
        end = b
        joiner = _NAME_JOINERS.match(text, b)
        if not joiner:
            break
        position = joiner.end()
    return end
