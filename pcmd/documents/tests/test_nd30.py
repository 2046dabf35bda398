"""The renderer's output, opened again: Word with python-docx, PDF with poppler-utils."""

import datetime as dt
import io
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from hypothesis import given, settings
from hypothesis import strategies as st

from pcmd.documents.nd30 import (
    MOTTO,
    NATIONAL_TITLE,
    Bullet,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
    bold_width_pt,
    date_line,
    number_line,
    recipient_lines,
    render_docx,
    render_pdf,
)
from pcmd.documents.pdf import ConverterMissingError, DocumentRenderError, docx_to_pdf

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) is missing"
)

SAMPLE = OfficialDocument(
    issuer_parent="ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
    issuer="ỦY BAN NHÂN DÂN\nHUYỆN KỲ ANH",
    number_symbol="/KH-UBND",
    place="Kỳ Anh",
    date=dt.date(2024, 6, 5),
    kind="KẾ HOẠCH",
    title="Thực hiện công tác phòng, chống mại dâm năm 2024",
    preamble=["Thực hiện Kế hoạch số 41/KH-UBND ngày 12/3/2024 của UBND tỉnh Hà Tĩnh."],
    body=[
        Heading("I. MỤC ĐÍCH, YÊU CẦU"),
        Heading("1. Mục đích", level=2),
        Paragraph("Tăng cường công tác tuyên truyền, phổ biến giáo dục pháp luật. " * 4),
        Heading("a) Tuyên truyền", level=3),
        Bullet("Ít nhất 20% số xã duy trì một hình thức tuyên truyền thường xuyên."),
        Paragraph("Quản lý an ninh trật tự, địa bàn.", lead="1. Công an huyện:"),
        Table(
            ["STT", "Chỉ tiêu", "Giá trị"],
            [["1", "Xã tổ chức tuyên truyền", "20%"], ["2", "Cơ sở được kiểm tra", "1.250"]],
            widths_mm=(15, 120, 30),
        ),
        *[Paragraph(f"Đoạn {i}: triển khai đồng bộ các giải pháp. " * 8) for i in range(8)],
    ],
    recipients=["Sở Lao động - Thương binh và Xã hội", "- Công an huyện;", "Lưu: VT, LĐTBXH."],
    signature=Signature(
        mode="TM.",
        authority="ỦY BAN NHÂN DÂN",
        position="PHÓ CHỦ TỊCH",
        name="Nguyễn Hùng Mạnh",
        deputy_of="CHỦ TỊCH",
    ),
)


def _open(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def word() -> DocxDocument:
    return _open(render_docx(SAMPLE))


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (libreoffice-writer-nogui) is missing")
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    path.write_bytes(render_pdf(SAMPLE))
    return path


def _poppler(tool: str, path: Path, *args: str) -> str:
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [tool, str(path), *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def _runs(paragraph: DocxParagraph) -> list:
    return [run for run in paragraph.runs if run.text.strip()]


def _paragraphs(cell_or_doc: object) -> list[DocxParagraph]:
    return [p for p in cell_or_doc.paragraphs if p.text.strip()]  # type: ignore[attr-defined]


def _borders(table: DocxTable) -> dict[str, str]:
    edges = table._tbl.tblPr.find(qn("w:tblBorders"))
    return {edge.tag.split("}")[1]: edge.get(qn("w:val")) for edge in edges}


# --- page and type -------------------------------------------------------------------------


def test_page_is_a4_with_margins_in_the_decrees_ranges(word: DocxDocument) -> None:
    section = word.sections[0]

    def mm(length: Length | None) -> float:
        assert length is not None
        return round(length.mm, 1)

    assert mm(section.page_width) == pytest.approx(210, abs=0.2)
    assert mm(section.page_height) == pytest.approx(297, abs=0.2)
    assert 20 <= mm(section.top_margin) <= 25
    assert 20 <= mm(section.bottom_margin) <= 25
    assert 30 <= mm(section.left_margin) <= 35
    assert 15 <= mm(section.right_margin) <= 20


def test_body_text_is_times_new_roman_13_to_14_pt(word: DocxDocument) -> None:
    runs = [run for p in _paragraphs(word) for run in _runs(p)]
    assert len(runs) > 10
    for run in runs:
        assert run.font.name == "Times New Roman"
        # Vietnamese letters outside Latin-1 are drawn with the hAnsi font.
        assert run._r.rPr.rFonts.get(qn("w:hAnsi")) == "Times New Roman"
        assert 13 <= run.font.size.pt <= 14, run.text


def test_body_paragraphs_are_justified_indented_and_spaced(word: DocxDocument) -> None:
    body = [p for p in _paragraphs(word) if p.text.startswith(("Đoạn", "Tăng cường", "- Ít"))]
    assert len(body) == 10
    for p in body:
        pf = p.paragraph_format
        assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        indent, spacing = pf.first_line_indent, pf.line_spacing
        assert indent is not None and 1.0 <= indent.cm <= 1.27
        assert pf.space_before.pt >= 6
        assert isinstance(spacing, float) and 1.0 <= spacing <= 1.5


def test_headings_keep_their_numbering_and_weight(word: DocxDocument) -> None:
    by_text = {p.text: p for p in _paragraphs(word)}
    assert _runs(by_text["I. MỤC ĐÍCH, YÊU CẦU"])[0].bold
    assert _runs(by_text["1. Mục đích"])[0].bold
    assert _runs(by_text["a) Tuyên truyền"])[0].italic
    lead = by_text["1. Công an huyện: Quản lý an ninh trật tự, địa bàn."]
    assert [r.bold for r in _runs(lead)] == [True, False]


def test_kind_and_subject_are_centred_and_bold(word: DocxDocument) -> None:
    texts = [p.text for p in word.paragraphs]
    kind = word.paragraphs[texts.index("KẾ HOẠCH")]
    title = word.paragraphs[texts.index(SAMPLE.title)]
    for p in (kind, title):
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold and 13 <= run.font.size.pt <= 14 for run in _runs(p))


# --- header and closing --------------------------------------------------------------------


def test_header_holds_issuer_and_number_left_national_title_right(word: DocxDocument) -> None:
    header = word.tables[0]
    assert set(_borders(header).values()) == {"nil"}
    left, right = header.rows[0].cells
    parent, issuer, number = _paragraphs(left)
    assert parent.text == "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"
    assert not _runs(parent)[0].bold and 12 <= _runs(parent)[0].font.size.pt <= 13
    assert issuer.text == "ỦY BAN NHÂN DÂN\nHUYỆN KỲ ANH"
    assert _runs(issuer)[0].bold and 12 <= _runs(issuer)[0].font.size.pt <= 13
    assert number.text == "Số:      /KH-UBND"
    assert not _runs(number)[0].bold and _runs(number)[0].font.size.pt == 13

    title, motto, when = _paragraphs(right)
    assert title.text == NATIONAL_TITLE
    assert _runs(title)[0].bold and 12 <= _runs(title)[0].font.size.pt <= 13
    assert motto.text == MOTTO
    assert _runs(motto)[0].bold and 13 <= _runs(motto)[0].font.size.pt <= 14
    assert when.text == "Kỳ Anh, ngày 05 tháng 6 năm 2024"
    assert _runs(when)[0].italic and 13 <= _runs(when)[0].font.size.pt <= 14
    for p in (parent, issuer, number, title, motto, when):
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_lines_under_issuer_and_motto_are_as_the_decree_sizes_them(word: DocxDocument) -> None:
    left, right = word.tables[0].rows[0].cells
    rules = {}
    for name, cell in (("issuer", left), ("motto", right)):
        [rule] = [p for p in cell.paragraphs if p._p.pPr.find(qn("w:pBdr")) is not None]
        assert rule.text == ""
        space = cell.width.pt - 2 * 1.9 / 25.4 * 72
        rules[name] = space - rule.paragraph_format.left_indent.pt * 2
    issuer_width = bold_width_pt("ỦY BAN NHÂN DÂN", 13)
    assert issuer_width / 3 <= rules["issuer"] <= issuer_width / 2
    assert rules["motto"] == pytest.approx(bold_width_pt(MOTTO, 13), abs=1)


def test_closing_holds_recipients_left_and_signature_right(word: DocxDocument) -> None:
    closing = word.tables[-1]
    assert set(_borders(closing).values()) == {"nil"}
    left, right = closing.rows[0].cells
    heading, *recipients = _paragraphs(left)
    assert heading.text == "Nơi nhận:"
    assert _runs(heading)[0].bold and _runs(heading)[0].italic
    assert _runs(heading)[0].font.size.pt == 12
    assert [p.text for p in recipients] == [
        "- Sở Lao động - Thương binh và Xã hội;",
        "- Công an huyện;",
        "- Lưu: VT, LĐTBXH.",
    ]
    assert all(_runs(p)[0].font.size.pt == 11 for p in recipients)

    lines = _paragraphs(right)
    assert [p.text for p in lines] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Hùng Mạnh",
    ]
    assert all(_runs(p)[0].bold and 13 <= _runs(p)[0].font.size.pt <= 14 for p in lines)
    # The room for the signature is paragraph spacing, not blank lines.
    assert lines[-1].paragraph_format.space_before.pt >= 60


def test_data_table_right_aligns_numbers(word: DocxDocument) -> None:
    table = word.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["STT", "Chỉ tiêu", "Giá trị"]
    assert all(_runs(c.paragraphs[0])[0].bold for c in table.rows[0].cells)
    aligns = [[c.paragraphs[0].alignment for c in row.cells] for row in table.rows[1:]]
    right, left = WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
    assert aligns == [[right, left, right], [right, left, right]]


def test_page_numbers_start_on_page_two(word: DocxDocument) -> None:
    section = word.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in "".join(t.text for t in header._p.iter(qn("w:instrText")))


# --- the decree's small rules --------------------------------------------------------------


def test_number_line_leaves_room_for_a_blank_number() -> None:
    assert number_line("41/KH-UBND") == "Số: 41/KH-UBND"
    assert number_line("/KH-UBND") == "Số:      /KH-UBND"


def test_date_line_pads_days_below_ten_and_the_first_two_months() -> None:
    assert (
        date_line("Kỳ Anh", dt.date(2024, 2, 5), None, None) == "Kỳ Anh, ngày 05 tháng 02 năm 2024"
    )
    assert date_line("Kỳ Anh", dt.date(2024, 11, 20), None, None) == (
        "Kỳ Anh, ngày 20 tháng 11 năm 2024"
    )
    assert date_line("Kỳ Anh", None, 2024, None) == "Kỳ Anh, ngày     tháng     năm 2024"
    assert date_line("Kỳ Anh", None, 2024, 6) == "Kỳ Anh, ngày     tháng 6 năm 2024"


def test_recipients_end_with_the_archive_copy() -> None:
    assert recipient_lines(["Công an huyện", "Tòa án nhân dân huyện."]) == [
        "- Công an huyện;",
        "- Tòa án nhân dân huyện;",
        "- Lưu: VT.",
    ]


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_is_a4(pdf_file: Path) -> None:
    info = dict(
        line.split(":", 1) for line in _poppler("pdfinfo", pdf_file).splitlines() if ":" in line
    )
    width, _, height = info["Page size"].split()[:3]
    assert (round(float(width)), round(float(height))) == (595, 842)
    assert int(info["Pages"]) >= 2


def test_pdf_embeds_times_metric_fonts(pdf_file: Path) -> None:
    rows = _poppler("pdffonts", pdf_file).splitlines()[2:]
    assert rows
    for row in rows:
        name, embedded = row.split()[0], row.split()[-5]
        assert "LiberationSerif" in name or "Times" in name, row
        assert embedded == "yes", row


def test_pdf_text_keeps_the_diacritics(pdf_file: Path) -> None:
    text = unicodedata.normalize("NFC", _poppler("pdftotext", pdf_file, "-"))
    assert MOTTO in text
    assert NATIONAL_TITLE in text
    assert "Kỳ Anh, ngày 05 tháng 6 năm 2024" in text
    assert "Nguyễn Hùng Mạnh" in text


def test_missing_libreoffice_names_the_debian_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConverterMissingError, match="libreoffice-writer-nogui"):
        render_pdf(SAMPLE)


@needs_soffice
def test_a_conversion_that_times_out_is_killed_and_cleaned_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(DocumentRenderError, match="longer than"):
        docx_to_pdf(render_docx(SAMPLE), timeout=0.05)
    assert list(tmp_path.iterdir()) == []
    # No LibreOffice process with this test's profile is left running.
    deadline = time.monotonic() + 5
    while _processes_mentioning(str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_mentioning(str(tmp_path)) == []


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended while we looked
        if text in args:
            found.append(args)
    return found


@needs_soffice
def test_a_conversion_leaves_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    assert docx_to_pdf(render_docx(SAMPLE)).startswith(b"%PDF")
    assert list(tmp_path.iterdir()) == []


# --- any Vietnamese text -------------------------------------------------------------------

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"
_LETTERS = (
    "".join(unicodedata.normalize("NFC", v + tone) for v in _VOWELS for tone in _TONES)
    + "bcdđghklmnpqrstvx"
)
_ALPHABET = _LETTERS + _LETTERS.upper() + "0123456789 ,.;:-()%/"


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet=_ALPHABET, min_size=1, max_size=120).filter(str.strip),
    decomposed=st.booleans(),
)
def test_vietnamese_text_round_trips_through_word_as_nfc(text: str, decomposed: bool) -> None:
    typed = unicodedata.normalize("NFD", text) if decomposed else text
    document = OfficialDocument(
        issuer="ỦY BAN NHÂN DÂN\nXÃ KỲ ANH",
        number_symbol="12/KH-UBND",
        place="Kỳ Anh",
        kind="KẾ HOẠCH",
        title=typed,
        body=[Heading(typed), Paragraph(typed)],
    )
    texts = [p.text for p in _open(render_docx(document)).paragraphs]
    expected = unicodedata.normalize("NFC", text)
    start = texts.index("KẾ HOẠCH")
    assert texts[start + 1] == expected  # the subject
    assert texts.count(expected) == 3  # subject, heading, paragraph
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
