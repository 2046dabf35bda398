"""Vietnamese text in the pre-Unicode 8-bit encodings TCVN3 (ABC) and VNI, and how to recognise it.

Before Unicode, Vietnamese offices typed with 8-bit fonts: the ABC fonts (.VnTime,
.VnArial, ...) use TCVN 5712:1993 VN3 ("TCVN3"), the VNI fonts (VNI-Times, ...) use
VNI-Windows. The file holds ordinary Latin-1 bytes that only the font draws as Vietnamese
letters, so such text reaches us either as raw bytes (a .txt file) or as Latin-1
characters inside a Unicode document ("Thùc hiÖn" in a .docx or PDF).

- TCVN3 gives one byte to each lowercase letter with its tone and to the seven bare
  uppercase letters Ă Â Ê Ô Ơ Ư Đ. It has no uppercase letters with tones: headings are
  typed with the lowercase codes in an uppercase font (.VnTimeH). `encode_tcvn3` does the
  same, and `decode_tcvn3` restores capitals in words and lines that are typed in capitals.
- VNI gives single bytes to đ, ơ, ư, to i with its tones and to ỵ; every other letter is an
  ASCII base letter followed by one byte for its marks ("a" + "ù" = "á", "a" + "á" = "ấ").

Bytes 0x80–0x9F are Windows-1252 punctuation in both (curly quotes, dashes), as Word
writes them. `detect_bytes` and `repair_text` choose an encoding by how many of the
words it yields are well-formed Vietnamese syllables.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

LegacyEncoding = Literal["tcvn3", "vni"]

# Tone marks in the order both tables list them: huyền, hỏi, ngã, sắc, nặng.
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


_TONED = re.compile("[" + "".join(_TONES) + "]")


def _toned(base: str) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", base + tone) for tone in _TONES)


# --- TCVN3 (ABC): one byte per letter -------------------------------------------------------

# The byte of each toned lowercase vowel, in _TONES order.
_TCVN3_TONED = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_BARE = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
}  # fmt: skip

_TCVN3_DECODE: dict[int, str] = dict(_TCVN3_BARE)
for _base, _codes in _TCVN3_TONED.items():
    _TCVN3_DECODE.update(zip(_codes, _toned(_base), strict=True))
# Bytes whose letter has no case of its own in TCVN3: the font decides, see decode_tcvn3.
_TCVN3_CASELESS = frozenset(code for codes in _TCVN3_TONED.values() for code in codes)
_TCVN3_ENCODE = {char: bytes([code]) for code, char in _TCVN3_DECODE.items()}


# --- VNI-Windows: base letter + one byte for the marks -------------------------------------

# (lowercase, uppercase) mark bytes, in _TONES order.
_VNI_TONE = (("ø", "Ø"), ("û", "Û"), ("õ", "Õ"), ("ù", "Ù"), ("ï", "Ï"))
_VNI_CIRCUMFLEX = (("â", "Â"), *zip("àåãáä", "ÀÅÃÁÄ", strict=True))  # bare, then toned
_VNI_BREVE = (("ê", "Ê"), *zip("èúüéë", "ÈÚÜÉË", strict=True))
# Letters with a byte of their own: (lowercase byte, uppercase byte).
_VNI_SINGLE = {
    "đ": ("ñ", "Ñ"), "ơ": ("ô", "Ô"), "ư": ("ö", "Ö"), "ỵ": ("î", "Î"),
    **dict(zip(_toned("i"), zip("ìæóíò", "ÌÆÓÍÒ", strict=True), strict=True)),
}  # fmt: skip


def _vni_tables() -> tuple[dict[str, bytes], dict[str, dict[str, str]]]:
    """The encoder (letter → bytes) and, per base byte, the mark bytes that may follow it."""
    encode: dict[str, bytes] = {}
    marks: dict[str, dict[str, str]] = {}  # base byte → {mark byte: lowercase letter}

    def add(letter: str, base: str, mark: tuple[str, str]) -> None:
        encode[letter] = (base + mark[0]).encode("latin-1")
        encode[letter.upper()] = (base.upper() + mark[1]).encode("latin-1")
        for base_byte in (base, base.upper()):  # typists mix the cases of base and mark
            marks.setdefault(base_byte, {}).update(dict.fromkeys(mark, letter))

    for letter, (lower, upper) in _VNI_SINGLE.items():
        encode[letter] = lower.encode("latin-1")
        encode[letter.upper()] = upper.encode("latin-1")
    # VNI's own ơ and ư bytes take tone marks like the ASCII vowels.
    for base, letter in [*((vowel, vowel) for vowel in "aeouy"), ("ô", "ơ"), ("ö", "ư")]:
        for toned, mark in zip(_toned(letter), _VNI_TONE, strict=True):
            if toned not in _VNI_SINGLE:  # ỵ
                add(toned, base, mark)
    for base, bare in (("a", "â"), ("e", "ê"), ("o", "ô")):
        for letter, mark in zip((bare, *_toned(bare)), _VNI_CIRCUMFLEX, strict=True):
            add(letter, base, mark)
    for letter, mark in zip(("ă", *_toned("ă")), _VNI_BREVE, strict=True):
        add(letter, "a", mark)
    return encode, marks


_VNI_ENCODE, _VNI_MARKS = _vni_tables()
_VNI_SINGLE_DECODE = {
    **{lower: letter for letter, (lower, _) in _VNI_SINGLE.items()},
    **{upper: letter.upper() for letter, (_, upper) in _VNI_SINGLE.items()},
}


# --- Encoding and decoding ------------------------------------------------------------------


def _byte_char(code: int) -> str:
    """A byte no table covers, as Word shows it: Windows-1252, else Latin-1."""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(code)


def as_legacy_bytes(text: str) -> bytes | None:
    """The 8-bit bytes that Windows-1252 (or Latin-1) characters stand for; None if none can."""
    for encoding in ("cp1252", "latin-1"):
        try:
            return text.encode(encoding)
        except UnicodeEncodeError:
            pass
    return None


def _encode(text: str, table: dict[str, bytes]) -> bytes:
    # Anything not Vietnamese must be Windows-1252; encode() raises for the rest.
    return b"".join(table.get(char) or char.encode("cp1252") for char in text)


_TCVN3_ENCODE_ALL = _TCVN3_ENCODE | {
    _TCVN3_DECODE[code].upper(): bytes([code]) for code in _TCVN3_CASELESS
}


def encode_tcvn3(text: str) -> bytes:
    """Unicode → TCVN3; an uppercase letter with a tone gets its lowercase code (.VnTimeH)."""
    return _encode(unicodedata.normalize("NFC", text), _TCVN3_ENCODE_ALL)


def encode_vni(text: str) -> bytes:
    """Unicode → VNI-Windows."""
    return _encode(unicodedata.normalize("NFC", text), _VNI_ENCODE)


# Latin-1 decoding then str.translate keeps decoding at C speed for 20 MB files.
_HIGH_BYTES = {code: _byte_char(code) for code in range(0x80, 0x100)}
_HIGH_TRANSLATE = str.maketrans(_HIGH_BYTES)
_TCVN3_TRANSLATE = str.maketrans(_HIGH_BYTES | _TCVN3_DECODE)
_TCVN3_WORD = re.compile(r"[^\s!-/:-@\[-`{-~\x80-\x9f]+")


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 → Unicode, with capitals restored where the text was typed in capitals.

    The caseless letters of a word become capitals when the word's cased letters are all
    capitals (at least two: "HO¹CH" → "HOẠCH"); a word with fewer cased letters ("KÕ")
    follows its line when the line has such capital words and no lowercase ones.
    """
    lines = data.decode("latin-1").split("\n")
    for number, line in enumerate(lines):
        words = [(m, _word_case(m.group())) for m in _TCVN3_WORD.finditer(line)]
        cases = {case for _, case in words}
        line_caps = "upper" in cases and "lower" not in cases
        decoded = line.translate(_TCVN3_TRANSLATE)  # one character per byte, so offsets hold
        capitals = [
            i
            for match, case in words
            if case == "upper" or (case is None and line_caps)
            for i in range(match.start(), match.end())
            if ord(line[i]) in _TCVN3_CASELESS
        ]
        if capitals:
            chars = list(decoded)
            for i in capitals:
                chars[i] = chars[i].upper()
            decoded = "".join(chars)
        lines[number] = decoded
    return "\n".join(lines)


def _word_case(word: str) -> Literal["upper", "lower"] | None:
    """How a TCVN3 word (as Latin-1 characters) was typed, judged by its cased letters."""
    cased = [
        _TCVN3_DECODE.get(ord(c), c)
        for c in word
        if ord(c) in _TCVN3_BARE or (c.isascii() and c.isalpha())
    ]
    if any(c.islower() for c in cased):
        return "lower"
    return "upper" if len(cased) >= 2 else None


_VNI_SINGLE_TRANSLATE = str.maketrans(
    _HIGH_BYTES | {ord(k): v for k, v in _VNI_SINGLE_DECODE.items()}
)
_VNI_PAIR = re.compile(
    "([{}])([{}])".format(
        re.escape("".join(_VNI_MARKS)),
        re.escape("".join({mark for marks in _VNI_MARKS.values() for mark in marks})),
    )
)


def decode_vni(data: bytes) -> str:
    """VNI-Windows → Unicode."""
    text = data.decode("latin-1")
    pieces, done = [], 0
    for match in _VNI_PAIR.finditer(text):
        base, mark = match.groups()
        letter = _VNI_MARKS[base].get(mark)
        if letter is None:
            continue  # a mark that this base does not take: both stay single bytes
        pieces += [text[done : match.start()].translate(_VNI_SINGLE_TRANSLATE)]
        pieces.append(letter.upper() if base.isupper() else letter)
        done = match.end()
    pieces.append(text[done:].translate(_VNI_SINGLE_TRANSLATE))
    return "".join(pieces)


DECODERS: dict[LegacyEncoding, Callable[[bytes], str]] = {"tcvn3": decode_tcvn3, "vni": decode_vni}


# --- Recognising Vietnamese -----------------------------------------------------------------

# Vowel groups of Vietnamese rhymes. Those that end in a glide (or in the a of ia, ua, ưa)
# take no final consonant, and never carry the tone on their last vowel: "hài", not "haì".
_OPEN_VOWELS = (
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu "
    "iêu yêu oai oay oeo uây uôi uya uyu ươi ươu"
)
_CLOSABLE_VOWELS = "a ă â e ê i o ô ơ u ư y iê yê oa oă oe oo uâ uê uô uơ ươ uy uyê"


def _alternatives(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
    rf"(?:(?P<open>{_alternatives(_OPEN_VOWELS)})"
    rf"|(?:{_alternatives(_CLOSABLE_VOWELS)})(?:ch|ng|nh|[cmnpt])?)"
)
# Separators that every candidate decodes alike: whitespace, ASCII and typographic punctuation.
_SEPARATORS = re.compile(r"[\s!-/:-@\[-`{-~\u00a0\u2010-\u2027]+")


def is_vietnamese_syllable(word: str) -> bool:
    """True when `word` is shaped like one Vietnamese syllable: initial, vowels, final, one
    tone at most and not on the glide that ends an open rhyme."""
    word = unicodedata.normalize("NFC", word.lower())
    toned = [i for i, char in enumerate(word) if _TONED.search(unicodedata.normalize("NFD", char))]
    if len(toned) > 1:
        return False
    bare = unicodedata.normalize("NFC", _TONED.sub("", unicodedata.normalize("NFD", word)))
    match = _SYLLABLE.fullmatch(bare)  # NFC keeps one character per letter, toned or bare
    if match is None:
        return False
    return not (toned and match["open"] and toned[0] == match.end("open") - 1)


def syllable_score(text: str) -> tuple[int, int]:
    """(well-formed, all) among the words of `text` that have a non-ASCII letter."""
    words = [w for w in _SEPARATORS.split(unicodedata.normalize("NFC", text)) if not w.isascii()]
    return sum(map(is_vietnamese_syllable, words)), len(words)


Encoding = Literal["cp1258", "tcvn3", "vni", "cp1252"]
_SAMPLE_BYTES = 256 * 1024  # words enough to judge by; a 20 MB file need not be decoded thrice
_WORD_BYTES = re.compile(rb"[^\s!-/:-@\[-`{-~\x80-\xa0]*[\xa1-\xff][^\s!-/:-@\[-`{-~\x80-\xa0]*")


def _decode_cp1258(data: bytes) -> str:
    # Windows-1258 writes tones as combining marks after the letter.
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def _decode_cp1252(data: bytes) -> str:
    return data.decode("latin-1").translate(_HIGH_TRANSLATE)


_DETECTORS: dict[Encoding, Callable[[bytes], str]] = {
    "cp1258": _decode_cp1258,
    "tcvn3": decode_tcvn3,
    "vni": decode_vni,
    "cp1252": _decode_cp1252,  # also "the text as it stands" for repair_text
}


def _choose(sample: bytes, names: list[Encoding]) -> Encoding | None:
    """The encoding among `names` under which the sample's words with high bytes read as
    Vietnamese: most of them well-formed, also among the words that another encoding reads
    otherwise, and clearly more of those than that encoding. None when none is clearly best."""
    counts = Counter(_WORD_BYTES.findall(sample))  # a plan repeats its words; judge each once
    if not counts:
        return None
    words, weights = list(counts), list(counts.values())
    readings = {name: [_DETECTORS[name](word) for word in words] for name in names}
    valid = {name: [is_vietnamese_syllable(w) for w in readings[name]] for name in names}

    def share(name: Encoding, among: list[int]) -> float:
        return sum(weights[i] for i in among if valid[name][i]) / sum(weights[i] for i in among)

    everything = list(range(len(words)))
    best = max(names, key=lambda name: share(name, everything))
    if share(best, everything) < 0.8:
        return None
    for other in names:
        differ = [i for i, word in enumerate(readings[best]) if word != readings[other][i]]
        if differ and (
            share(best, differ) < 0.8 or share(other, differ) > share(best, differ) - 0.2
        ):
            return None
    return best


@dataclass(frozen=True)
class Detection:
    """What `detect_bytes` concluded: the encoding and the text, both None when unsure."""

    encoding: Encoding | None
    text: str | None


def detect_bytes(data: bytes) -> Detection:
    """Decode 8-bit text that is not UTF-8: Vietnamese in Windows-1258, TCVN3 or VNI, else
    Windows-1252 when its non-ASCII characters are too few to matter (quotes, a symbol)."""
    sample = data[:_SAMPLE_BYTES]
    chosen = _choose(sample, ["cp1258", "tcvn3", "vni"])
    if chosen is not None:
        return Detection(chosen, _DETECTORS[chosen](data))
    if len(_WORD_BYTES.findall(sample)) <= max(1, len(sample.split()) // 50):
        return Detection("cp1252", _decode_cp1252(data))
    return Detection(None, None)


def repair_text(text: str) -> tuple[str, LegacyEncoding | None]:
    """Convert TCVN3 or VNI text carried as Latin-1 characters in Unicode text ("Thùc hiÖn").

    Only lines made wholly of Windows-1252 characters are candidates, and the encoding must
    read their words as Vietnamese clearly better than they read as they are. A line is
    converted unless it reads better as it is ("Cà Mau" among TCVN3 lines).
    """
    lines = text.split("\n")
    legacy: dict[int, bytes] = {}
    for i, line in enumerate(lines):
        raw = None if line.isascii() else as_legacy_bytes(line)
        if raw is not None:
            legacy[i] = raw
    sample = b"\n".join(legacy.values())[:_SAMPLE_BYTES]
    chosen = _choose(sample, ["cp1252", "tcvn3", "vni"])
    if chosen not in DECODERS or syllable_score(_DETECTORS[chosen](sample))[0] < 3:
        return text, None
    encoding: LegacyEncoding = "tcvn3" if chosen == "tcvn3" else "vni"
    for i, raw in legacy.items():
        converted = DECODERS[encoding](raw)
        if syllable_score(converted)[0] >= syllable_score(lines[i])[0]:
            lines[i] = converted
    return "\n".join(lines), encoding
