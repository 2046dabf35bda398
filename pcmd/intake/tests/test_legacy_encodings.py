"""TCVN3 and VNI tables: every Vietnamese letter round-trips; detection tells encodings apart."""

import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcmd.intake.legacy_encodings import (
    decode_tcvn3,
    decode_vni,
    detect_bytes,
    encode_tcvn3,
    encode_vni,
    is_vietnamese_syllable,
    repair_text,
)
from pcmd.intake.reading.tools import Tool, run

TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
VOWELS = "aăâeêioôơuưy"
# The 67 lowercase letters Vietnamese adds to ASCII: 12 vowels × 5 tones, 6 bare vowels, đ.
LOWER = sorted(
    {unicodedata.normalize("NFC", vowel + tone) for vowel in VOWELS for tone in TONES}
    - set("aeiouy")
    | {"đ"}
)
UPPER = [letter.upper() for letter in LOWER]
UPPER_TONED = [letter for letter in UPPER if letter not in "ĂÂÊÔƠƯĐ"]


def test_the_alphabet_is_complete():
    assert len(LOWER) == 67 and len(set(UPPER)) == 67


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_every_letter_round_trips_through_vni(letter):
    assert decode_vni(encode_vni(letter)) == letter
    assert decode_vni(encode_vni(f"Tr{letter}ng {letter}")) == f"Tr{letter}ng {letter}"


@pytest.mark.parametrize("letter", [*LOWER, "Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"])
def test_every_letter_with_a_code_of_its_own_round_trips_through_tcvn3(letter):
    assert len(encode_tcvn3(letter)) == 1
    assert decode_tcvn3(encode_tcvn3(letter)) == letter


@pytest.mark.parametrize("letter", UPPER_TONED)
def test_capitals_with_tones_come_back_in_words_typed_in_capitals(letter):
    # TCVN3 has no code for them: .VnTimeH draws the lowercase code as a capital.
    assert encode_tcvn3(letter) == encode_tcvn3(letter.lower())
    assert decode_tcvn3(encode_tcvn3(f"TR{letter}NG")) == f"TR{letter}NG"
    assert decode_tcvn3(encode_tcvn3(f"{letter} NGÀY")) == f"{letter} NGÀY"


def test_tcvn3_table_agrees_with_glibc(tmp_path):
    """glibc's TCVN5712-1 (the full standard) is an independent check of the lowercase codes."""
    codes = [encode_tcvn3(letter) for letter in [*LOWER, "Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"]]
    source = tmp_path / "tcvn3.txt"
    source.write_bytes(b" ".join(codes))
    result = run(
        Tool("iconv", "libc-bin"), ["-f", "TCVN5712-1", "-t", "UTF-8", str(source)], timeout=10
    )
    glibc = unicodedata.normalize("NFC", result.stdout.decode()).split(" ")
    assert glibc == [decode_tcvn3(code) for code in codes]


@pytest.mark.parametrize(
    ("vni", "unicode"),
    [
        (b"Vie\xe4t Nam", "Việt Nam"),
        (b"Tha\xf8nh pho\xe1 Ho\xe0 Ch\xed Minh", "Thành phố Hồ Chí Minh"),
        (b"\xd1a\xfbng \xf1o\xe0ng ch\xed", "Đảng đồng chí"),
        (b"tr\xf6\xf4\xf8ng h\xf6\xf4\xf9ng", "trường hướng"),
        (b"\xd1O\xc4C LA\xc4P - T\xd6\xcf DO", "ĐỘC LẬP - TỰ DO"),
        (b"kie\xe5m tra l\xf4\xefi du\xefng", "kiểm tra lợi dụng"),
        (b"A\xcaN UO\xc1NG", "ĂN UỐNG"),
    ],
)
def test_vni_decodes_text_typed_in_vni_fonts(vni, unicode):
    assert decode_vni(vni) == unicode


def test_vni_examples_are_what_the_encoder_writes():
    assert encode_vni("Việt Nam") == b"Vie\xe4t Nam"
    assert encode_vni("ĐỘC LẬP") == b"\xd1O\xc4C LA\xc4P"
    assert encode_vni("ỵ Ỵ ị ĩ") == b"\xee \xce \xf2 \xf3"


# Text: words of Vietnamese and ASCII letters, with the punctuation plans use.
letters = st.sampled_from([*LOWER, *UPPER, *string.ascii_letters])
words = st.lists(letters, min_size=1, max_size=7).map("".join)
separators = st.sampled_from([" ", ", ", ". ", "; ", " – ", " “", "” ", " (", ") ", "\n", " 2025 "])


@st.composite
def vietnamese_text(draw: st.DrawFn, case: str | None = None) -> str:
    pieces = draw(st.lists(st.tuples(words, separators), min_size=1, max_size=20))
    text = "".join(word + separator for word, separator in pieces)
    return text.lower() if case == "lower" else text.upper() if case == "upper" else text


@given(vietnamese_text())
def test_any_vietnamese_text_round_trips_through_vni(text):
    assert decode_vni(encode_vni(text)) == text


@given(vietnamese_text(case="lower"))
def test_lowercase_text_round_trips_through_tcvn3(text):
    assert decode_tcvn3(encode_tcvn3(text)) == text


@given(
    st.lists(vietnamese_text(case="upper").map(lambda line: line.replace("\n", " ")), min_size=1)
)
def test_lines_typed_in_capitals_round_trip_through_tcvn3(lines):
    # A line in capitals is recognised by a word with two plain capitals, "UBND" here.
    text = "\n".join(f"UBND {line}" for line in lines)
    assert decode_tcvn3(encode_tcvn3(text)) == text


# Well-formed syllables: an initial, a vowel group with a tone on one vowel, a final.
INITIALS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph"]
INITIALS += ["qu", "s", "t", "th", "tr", "v", "x"]
RHYMES = ["a", "ai", "ao", "âu", "ăn", "ân", "anh", "ương", "iêt", "ôi", "ơi", "ưa", "uyên"]
RHYMES += ["oan", "ung", "ong", "êu", "iêu", "ươi", "ach", "ep", "ôt", "ưc", "ư", "e", "o", "ơn"]


@st.composite
def syllable(draw: st.DrawFn) -> str:
    rhyme = draw(st.sampled_from(RHYMES))
    vowels = [i for i, char in enumerate(rhyme) if char in VOWELS]
    at = vowels[-1] if len(vowels) > 1 and rhyme[vowels[-1] + 1 :] else vowels[0]
    toned = rhyme[: at + 1] + draw(st.sampled_from(TONES)) + rhyme[at + 1 :]
    return unicodedata.normalize("NFC", draw(st.sampled_from(INITIALS)) + toned)


# Text with words enough to tell encodings apart, as a plan has: ASCII reads alike in all,
# and a few words repeated can read as well-formed in two encodings ("ăn" and VNI's "ãn").
sentences = (
    st.lists(syllable(), min_size=40, max_size=120)
    .map(" ".join)
    .filter(lambda text: len({word for word in text.split() if not word.isascii()}) >= 12)
)


def test_generated_syllables_are_well_formed():
    well_formed = ["người", "trường", "huyện", "giữa", "quyết", "khuya", "hoà", "hòa"]
    mojibake = ["café", "hieọn", "Thửùc", "naêm", "ngöôøi", "c¸c", "vaì"]
    assert all(map(is_vietnamese_syllable, well_formed))
    assert not any(map(is_vietnamese_syllable, mojibake))


@settings(max_examples=60)
@given(sentences)
def test_detection_tells_the_three_vietnamese_8_bit_encodings_apart(text):
    for encode, name in ((encode_vni, "vni"), (encode_tcvn3, "tcvn3"), (encode_cp1258, "cp1258")):
        detection = detect_bytes(encode(text))
        assert (detection.encoding, detection.text) == (name, text)


@settings(max_examples=60)
@given(sentences)
def test_unicode_carrying_legacy_characters_is_repaired(text):
    for encode, name in ((encode_tcvn3, "tcvn3"), (encode_vni, "vni")):
        # How Word holds text typed in a .VnTime or VNI-Times font: the bytes as cp1252.
        assert repair_text(encode(text).decode("cp1252")) == (text, name)


@given(sentences)
def test_real_unicode_is_left_alone(text):
    assert repair_text(text) == (text, None)


def test_repair_keeps_unicode_lines_among_legacy_ones():
    legacy = encode_tcvn3("thực hiện kế hoạch phòng, chống tệ nạn mại dâm").decode("cp1252")
    text = f"{legacy}\nCà Mau\nỦy ban nhân dân tỉnh"
    assert repair_text(text) == (
        "thực hiện kế hoạch phòng, chống tệ nạn mại dâm\nCà Mau\nỦy ban nhân dân tỉnh",
        "tcvn3",
    )


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: the base letter (ê, ơ, ...), then the tone's byte."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tone = "".join(mark for mark in decomposed if mark in TONES[1:])
        base = unicodedata.normalize("NFC", decomposed.replace(tone, "") if tone else decomposed)
        out += (base + tone).encode("cp1258")
    return out
