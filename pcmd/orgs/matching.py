"""The one agency-name matcher: which agency types a piece of text names.

Text and aliases are compared word by word on a key that ignores case, diacritics,
punctuation and "và", and the breaks inside abbreviations: "LĐ-TB&XH", "LĐTB&XH" and
"LĐTBXH" give one key. A match starts and ends on word boundaries and the longest alias
wins. Level words after it ("tỉnh", "các huyện, thị xã, thành phố", "cấp xã") are part of
the match and say which level is meant; an alias's own level ("Sở ..." is a province
department) comes first.

The aliases come from the database (the catalogue plus local additions) and are kept in
memory for a minute, or until the catalogue changes in this process.
"""

import dataclasses
import datetime as dt
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from pcmd.core.text import fold, nfc
from pcmd.orgs.models import AgencyAlias, AgencyType, AgencyTypeName

# Letters and digits; "_" is markdown, not a word.
_WORD = re.compile(r"[^\W_]+")
# "và" joins the parts of a name ("Giáo dục và Đào tạo") as a comma or a dash does.
_IGNORED_WORDS = frozenset({"va"})
# Words that do not open a name after these: "cơ sở" (a facility) and "trụ sở" (an office)
# are no department, "đảm bảo" (to ensure) is no newspaper.
_NOT_AFTER = {"so": frozenset({"co", "tru"}), "bao": frozenset({"dam"})}

# Level words after an agency name, longest first. None: a level word that does not
# decide the level ("thành phố" is a province or a district, "các cấp" is every level).
_LEVEL_WORDS: tuple[tuple[tuple[str, ...], int | None], ...] = (
    (("cap", "co", "so"), 3),
    (("cap", "tinh"), 1),
    (("cap", "huyen"), 2),
    (("cap", "xa"), 3),
    (("trung", "uong"), 0),
    (("toi", "cao"), 0),
    (("cac", "cap"), None),
    (("thi", "xa"), 2),
    (("thi", "tran"), 3),
    (("dac", "khu"), 3),
    (("thanh", "pho"), None),
    (("khu", "vuc"), None),
    (("tinh",), 1),
    (("huyen",), 2),
    (("quan",), 2),
    (("xa",), 3),
    (("phuong",), 3),
)
# Words that turn a level word into an ordinary one: "tình hình", "quản lý", "xã hội".
_NOT_LEVEL_BEFORE = {
    "tinh": frozenset(
        {
            "hinh",
            "duc",
            "trang",
            "than",
            "chat",
            "nang",
            "thuong",
            "cam",
            "yeu",
            "nguyen",
            "gon",
            "te",
            "hoa",
        }
    ),
    "quan": frozenset({"ly", "tam", "he", "diem", "sat", "doi", "chung", "niem", "trong"}),
    "xa": frozenset({"hoi"}),
    "phuong": frozenset({"an", "phap", "tien", "thuc", "huong", "cham"}),
    "huyen": frozenset(),
}
# Words that may open a heading before the agency: "Đề nghị", "Các", "Đối với".
_LEAD_IN_WORDS = frozenset({"de", "nghi", "cac", "doi", "voi"})
_ROMAN = re.compile(r"^[ivxl]+$")
# After level words, this many more words are taken as the place's name ("Chi Lăng").
_PLACE_WORDS = 4

_SECTOR_CONFIDENCE = 0.7
_LEVEL_CONFLICT_PENALTY = 0.2
_NOT_IN_FORCE_PENALTY = 0.1
_LEFTOVER_PENALTY = 0.1
_CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class AgencyMatch:
    """One mention of an agency type in a text.

    `text` is the mention as written (in NFC), at `start`:`end` of the NFC text, level
    words included. `level` is what the text says (or the caller's hint when it says
    nothing). `type_name` is what the type is called at that level on the date asked
    (None when it did not exist there then). `confidence` is 1.0 for an organisation's
    name, less for a field of work ("ngành Y tế"), a level the alias contradicts, a type
    not in force on the date, or (for agency_type_match) a text that says more than the name.
    """

    agency_type: AgencyType
    alias: str
    text: str
    start: int
    end: int
    level: int | None
    confidence: float
    type_name: AgencyTypeName | None = None

    @property
    def is_coordinator(self) -> bool:
        return bool(self.type_name and self.type_name.is_coordinator)


@dataclass(frozen=True)
class _Token:
    key: str
    start: int
    end: int


@dataclass(frozen=True)
class _Candidate:
    type_id: int
    alias: str
    level: int | None
    is_sector: bool


@dataclass
class _Index:
    by_key: dict[str, list[_Candidate]]
    prefixes: frozenset[str]
    types: dict[int, AgencyType]
    names: dict[int, list[AgencyTypeName]]


_cache: tuple[float, _Index] | None = None
_lock = threading.Lock()


def agency_matcher_reset() -> None:
    """Forget the cached aliases (after the catalogue or an alias changed)."""
    global _cache
    _cache = None


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _WORD.finditer(text):
        key = fold(m.group())
        if key not in _IGNORED_WORDS:
            tokens.append(_Token(key, m.start(), m.end()))
    return tokens


def alias_key(text: str) -> str:
    """The comparison key of a name: "Sở LĐ-TB&XH" and "so ldtbxh" give "soldtbxh"."""
    return "".join(t.key for t in _tokens(nfc(text)))


def _place_names(level: int) -> set[str]:
    from pcmd.geo.models import AdministrativeUnit
    from pcmd.orgs.catalogue import place_name

    units = AdministrativeUnit.objects.filter(level=level).values_list("name", "kind")
    return {place_name(name, kind) for name, kind in units}


def _build_index() -> _Index:
    by_key: dict[str, list[_Candidate]] = defaultdict(list)
    places: dict[int, set[str]] = {}
    for alias in AgencyAlias.objects.all().order_by("pk"):
        texts = [alias.alias]
        if "{place}" in alias.alias:
            level = alias.level or 1
            if level not in places:
                places[level] = _place_names(level)
            texts = [alias.alias.replace("{place}", place) for place in sorted(places[level])]
        for text in texts:
            key = alias_key(text)
            candidate = _Candidate(alias.agency_type_id, alias.alias, alias.level, alias.is_sector)
            if key and candidate not in by_key[key]:
                by_key[key].append(candidate)
    names: dict[int, list[AgencyTypeName]] = defaultdict(list)
    for name in AgencyTypeName.objects.all():
        names[name.agency_type_id].append(name)
    return _Index(
        by_key=dict(by_key),
        prefixes=frozenset(key[:i] for key in by_key for i in range(1, len(key) + 1)),
        types={t.pk: t for t in AgencyType.objects.all()},
        names=dict(names),
    )


def _index() -> _Index:
    global _cache
    with _lock:
        if _cache is None or time.monotonic() - _cache[0] > _CACHE_SECONDS:
            _cache = (time.monotonic(), _build_index())
        return _cache[1]


def _alias_at(index: _Index, tokens: list[_Token], i: int) -> tuple[int, list[_Candidate]] | None:
    """The longest alias starting at token i: (index of its last token, candidates)."""
    if i > 0 and tokens[i - 1].key in _NOT_AFTER.get(tokens[i].key, ()):
        return None
    found = None
    key = ""
    for j in range(i, len(tokens)):
        key += tokens[j].key
        if key not in index.prefixes:
            break
        if key in index.by_key and not _ordinary_word_at(tokens, j):
            found = (j, index.by_key[key])
    return found


def _ordinary_word_at(tokens: list[_Token], j: int) -> bool:
    """True when token j looks like a level word but is not one ("tình hình", "quản lý")."""
    following = tokens[j + 1].key if j + 1 < len(tokens) else ""
    return following in _NOT_LEVEL_BEFORE.get(tokens[j].key, ())


def _level_phrase(index: _Index, tokens: list[_Token], i: int) -> tuple[int, int | None] | None:
    """A level phrase at token i, which "các" may open: (index after it, its level)."""
    for start in (i, i + 1) if tokens[i].key == "cac" else (i,):
        for words, word_level in _LEVEL_WORDS:
            end = start + len(words)
            if tuple(t.key for t in tokens[start:end]) != words:
                continue
            if _ordinary_word_at(tokens, end - 1):
                continue
            # "Công an tỉnh, Tỉnh đoàn": the second "tỉnh" opens the next name.
            if _alias_at(index, tokens, start) is not None:
                continue
            return end, word_level
    return None


def _level_words(index: _Index, tokens: list[_Token], i: int) -> tuple[int, int | None, bool]:
    """Level words from token i on: (index after them, the level they say, whether any)."""
    level: int | None = None
    seen = False
    while i < len(tokens):
        found = _level_phrase(index, tokens, i)
        if found is None:
            break
        i, word_level = found
        level = word_level if level is None else level
        seen = True
    return i, level, seen


def _type_in_force(index: _Index, type_id: int, level: int | None, at: dt.date) -> bool:
    names = index.names.get(type_id, [])
    if not names:
        return True
    return any(n.is_valid_on(at) and (level is None or n.level == level) for n in names)


def _type_name(
    index: _Index, type_id: int, alias: str, level: int | None, at: dt.date | None
) -> AgencyTypeName | None:
    if level is None:
        return None
    names = [n for n in index.names.get(type_id, []) if n.level == level]
    if at is not None:
        names = [n for n in names if n.is_valid_on(at)]
    # The name the text used ("Thành đoàn", not "Tỉnh đoàn"), else the most recent.
    key = alias_key(alias)
    names.sort(
        key=lambda n: (
            alias_key(n.name) == key or alias_key(n.short_name) == key,
            n.valid_to or dt.date.max,
            n.valid_from or dt.date.min,
        )
    )
    return names[-1] if names else None


def _scan(
    text: str, level: int | None, at: dt.date | None
) -> tuple[list[AgencyMatch], list[_Token], list[tuple[int, int, bool]]]:
    """Every mention, left to right; the tokens; each mention's (first token, token after
    it, whether it ends with level words)."""
    index = _index()
    tokens = _tokens(text)
    matches: list[AgencyMatch] = []
    spans: list[tuple[int, int, bool]] = []
    i = 0
    while i < len(tokens):
        hit = _alias_at(index, tokens, i)
        if hit is None:
            i += 1
            continue
        last, candidates = hit
        after, text_level, has_level_words = _level_words(index, tokens, last + 1)
        matches.append(
            _choose(
                index,
                candidates,
                text,
                tokens[i].start,
                tokens[after - 1].end,
                text_level,
                level,
                at,
            )
        )
        spans.append((i, after, has_level_words))
        i = after
    return matches, tokens, spans


def _choose(
    index: _Index,
    candidates: list[_Candidate],
    text: str,
    start: int,
    end: int,
    text_level: int | None,
    hint: int | None,
    at: dt.date | None,
) -> AgencyMatch:
    def effective_level(c: _Candidate) -> int | None:
        if c.level is not None:
            return c.level
        return text_level if text_level is not None else hint

    def rank(c: _Candidate) -> tuple[bool, bool, bool, bool]:
        agrees_text = text_level is None or c.level is None or c.level == text_level
        in_force = at is None or _type_in_force(index, c.type_id, effective_level(c), at)
        agrees_hint = hint is None or text_level is not None or c.level in (None, hint)
        return agrees_text, in_force, agrees_hint, not c.is_sector

    best = max(candidates, key=rank)
    agrees_text, in_force, _, _ = rank(best)
    confidence = _SECTOR_CONFIDENCE if best.is_sector else 1.0
    if not agrees_text:
        confidence -= _LEVEL_CONFLICT_PENALTY
    if not in_force:
        confidence -= _NOT_IN_FORCE_PENALTY
    level = effective_level(best)
    return AgencyMatch(
        agency_type=index.types[best.type_id],
        alias=best.alias,
        text=text[start:end],
        start=start,
        end=end,
        level=level,
        confidence=round(confidence, 2),
        type_name=_type_name(index, best.type_id, best.alias, level, at),
    )


def agency_type_match_all(
    text: str, *, level: int | None = None, at: dt.date | None = None
) -> list[AgencyMatch]:
    """Every agency mention in `text`, in order of appearance.

    "Công an tỉnh, Sở Y tế và Sở Văn hóa, Thể thao và Du lịch" gives police, health and
    culture. `level` is the level to assume where the text names none (the issuer's);
    `at` is the date the text speaks of (the names in force then are preferred).
    """
    return _scan(nfc(text), level, at)[0]


def agency_type_match(
    text: str, *, level: int | None = None, at: dt.date | None = None
) -> AgencyMatch | None:
    """The agency type `text` names (its first mention), or None when it names none.

    For a heading or a name such as "2. Công an huyện Chi Lăng" or "Đề nghị Viện kiểm
    sát nhân dân huyện"; confidence drops a little when the text says more than the name.
    """
    text = nfc(text)
    matches, tokens, spans = _scan(text, level, at)
    if not matches:
        return None
    first, (begin, after, has_level_words) = matches[0], spans[0]
    before_ok = all(_is_lead_in(t.key) for t in tokens[:begin])
    rest = len(tokens) - after
    after_ok = rest == 0 or (has_level_words and rest <= _PLACE_WORDS)
    if before_ok and after_ok:
        return first
    confidence = round(max(first.confidence - _LEFTOVER_PENALTY, 0.1), 2)
    return dataclasses.replace(first, confidence=confidence)


def _is_lead_in(key: str) -> bool:
    return key in _LEAD_IN_WORDS or key.isdigit() or len(key) == 1 or bool(_ROMAN.match(key))
