"""The one document renderer: administrative documents in the format of Nghị định 30/2020/NĐ-CP.

`render_docx` lays out an `OfficialDocument` as Word (Phụ lục I of the decree: A4, Times
New Roman, the two-column header with the issuer and the national title, the kind and
subject, a justified body, then "Nơi nhận" and the signature); `render_pdf` converts that
file with LibreOffice. The caller decides the words and the numbering of headings; this
module decides only how they look, plus the punctuation the decree fixes (recipient lines,
"Lưu: VT").
"""

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Mm, Pt, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

# The errors of `render_pdf`, importable from here too.
from pcmd.documents.pdf import ConverterMissingError as ConverterMissingError
from pcmd.documents.pdf import DocumentRenderError as DocumentRenderError
from pcmd.documents.pdf import docx_to_pdf

FONT = "Times New Roman"
BODY_SIZE = 14
TABLE_SIZE = 13
# Margins inside the decree's ranges (top/bottom 20-25, left 30-35, right 15-20 mm).
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
# The right header column must hold "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" at 12 pt on one line
# (about 88 mm plus the cell padding).
HEADER_COLUMNS_MM = (68, TEXT_WIDTH_MM - 68)
FOOTER_COLUMNS_MM = (80, TEXT_WIDTH_MM - 80)
CELL_PADDING_MM = 2 * 1.9  # Word's default left and right cell margins
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# Room for a number or a day typed or written in by hand after signing.
NUMBER_GAP = " " * 6
DATE_GAP = " " * 5


@dataclass(frozen=True)
class Heading:
    text: str  # with its numbering as the caller wants it: "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"
    level: int = 1  # 1 and 2 bold, 3 and deeper italic


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str = ""  # a bold lead-in before the text: "1. Công an huyện:"
    italic: bool = False


@dataclass(frozen=True)
class Bullet:
    text: str
    marker: str = "-"  # "-" for a list item, "+" for an item inside one


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths_mm: Sequence[float] = ()  # equal columns when empty


Block = Heading | Paragraph | Bullet | Table


@dataclass(frozen=True)
class Signature:
    mode: str = "TM."  # "TM." (on behalf of a body), "KT." (for the head), "" (in one's own name)
    authority: str = "ỦY BAN NHÂN DÂN"  # with "TM." the body, with "KT." the head's position
    position: str = "CHỦ TỊCH"
    name: str = ""
    # A deputy signing inside a "TM." block adds "KT. CHỦ TỊCH" between the two lines.
    deputy_of: str = ""


@dataclass(frozen=True)
class OfficialDocument:
    issuer: str  # "ỦY BAN NHÂN DÂN\nHUYỆN CHI LĂNG"; "\n" breaks the line
    number_symbol: str  # "76/KH-UBND"; "/KH-UBND" leaves the number blank
    place: str
    kind: str  # "KẾ HOẠCH", "BÁO CÁO"
    title: str  # the subject line, "\n" breaks it
    issuer_parent: str = ""
    date: dt.date | None = None
    year: int | None = None  # with no date: the year printed after the blank day and month
    month: int | None = None  # with no date: a known month ("ngày     tháng 6 năm 2024")
    preamble: Sequence[str] = ()
    body: Sequence[Block] = ()
    recipients: Sequence[str] = ()
    signature: Signature = field(default_factory=Signature)


# --- text ---------------------------------------------------------------------------------


def number_line(number_symbol: str) -> str:
    """'Số: 76/KH-UBND', or 'Số:      /KH-UBND' when the number is still blank."""
    symbol = number_symbol.strip()
    if not symbol or symbol.startswith("/"):
        return f"Số:{NUMBER_GAP}{symbol or '/'}"
    return f"Số: {symbol}"


def date_line(place: str, date: dt.date | None, year: int | None, month: int | None) -> str:
    """'Chi Lăng, ngày 05 tháng 6 năm 2024'; blanks where the date is not known yet.

    The decree writes days below 10 and the months 1 and 2 with a leading zero.
    """
    if date is not None:
        year, month = date.year, date.month
    parts = (
        ("ngày", f"{date.day:02d}" if date else ""),
        ("tháng", _month(month) if month else ""),
        ("năm", str(year) if year else ""),
    )
    when = "".join(f"{label} {value} " if value else f"{label}{DATE_GAP}" for label, value in parts)
    when = when.rstrip(" ") if year else when
    return f"{place}, {when}" if place else when


def _month(month: int) -> str:
    return f"{month:02d}" if month < 3 else str(month)


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """'- X;' per recipient, the last one 'Lưu: VT...' and ending in a full stop."""
    names = [r.strip().lstrip("-+•").strip().rstrip(";.,").strip() for r in recipients]
    names = [n for n in names if n]
    archive = [n for n in names if n.startswith("Lưu")]
    names = [n for n in names if not n.startswith("Lưu")] + (archive[-1:] or ["Lưu: VT"])
    return [f"- {n};" for n in names[:-1]] + [f"- {names[-1]}."]


# Advance widths of Times Bold in 1/1000 em (Liberation Serif shares them), for the short
# lines under the issuer and the subject: the decree sizes them by the text above.
_BOLD_WIDTHS = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -,.:/",
        [722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778]
        + [722, 556, 667, 722, 722, 1000, 722, 722, 667]
        + [500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556]
        + [556, 444, 389, 333, 556, 500, 722, 500, 500, 444]
        + [500] * 10
        + [250, 333, 250, 250, 333, 278],
        strict=True,
    )
)


def bold_width_pt(text: str, size: float) -> float:
    """The printed width of one line of bold Times text, in points (diacritics add none)."""
    base = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    ems = sum(_BOLD_WIDTHS.get(ch, 500) for ch in base if not unicodedata.combining(ch))
    return ems * size / 1000


# --- runs and paragraphs ------------------------------------------------------------------


def _set_fonts(rpr: BaseOxmlElement) -> None:
    """Times New Roman for every script slot; theme fonts would win over a plain name."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), FONT)


def _run(p: DocxParagraph, *, size: float, bold: bool = False, italic: bool = False) -> Run:
    run = p.add_run()
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    rpr = run._r.get_or_add_rPr()
    _set_fonts(rpr)
    size_cs = OxmlElement("w:szCs")  # the complex-script size, which Word otherwise shows as 11
    size_cs.set(qn("w:val"), str(round(size * 2)))
    rpr.append(size_cs)
    return run


def _add_text(
    p: DocxParagraph, text: str, *, size: float, bold: bool = False, italic: bool = False
) -> None:
    run = _run(p, size=size, bold=bold, italic=italic)
    # Precomposed Unicode (TCVN 6909), whatever the input was typed or pasted with.
    text = unicodedata.normalize("NFC", text)
    for i, line in enumerate(text.split("\n")):
        if i:
            run.add_break()
        run.add_text(line)
    for t in run._r.findall(qn("w:t")):
        t.set(qn("xml:space"), "preserve")  # the blanks in "Số:      /KH-UBND" must stay


def _add_page_number(p: DocxParagraph, *, size: float) -> None:
    """A PAGE field, one run per field part as Word writes it."""
    for part, text in (("begin", ""), ("instrText", " PAGE "), ("separate", ""), ("t", "2")):
        element = OxmlElement("w:fldChar" if part in ("begin", "separate") else f"w:{part}")
        if part in ("begin", "separate"):
            element.set(qn("w:fldCharType"), part)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = text
        _run(p, size=size)._r.append(element)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    _run(p, size=size)._r.append(end)


def _format(
    p: DocxParagraph,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    first_line: float = 0,
    line: float = 1.0,
) -> DocxParagraph:
    pf = p.paragraph_format
    pf.alignment = align
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.first_line_indent = Cm(first_line)
    pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    pf.line_spacing = line
    return p


def _insert_before(parent: BaseOxmlElement, child: BaseOxmlElement, *successors: str) -> None:
    """Insert `child` before the first of `successors`: Word rejects children out of order."""
    for element in parent:
        if element.tag in {qn(tag) for tag in successors}:
            element.addprevious(child)
            return
    parent.append(child)


def _rule(p: DocxParagraph, *, width_pt: float, space_pt: float, before: float = 3) -> None:
    """A horizontal line of `width_pt`, centred in `space_pt`: an empty paragraph's top
    border between equal indents, so it stays in place when the text is edited."""
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in {"val": "single", "sz": "6", "space": "0", "color": "000000"}.items():
        top.set(qn(f"w:{key}"), value)
    border.append(top)
    # Before any other property: python-docx then adds spacing and indents after it.
    p._p.get_or_add_pPr().insert(0, border)
    indent = max((space_pt - width_pt) / 2, 0)
    pf = p.paragraph_format
    pf.left_indent = pf.right_indent = Pt(indent)
    pf.space_before, pf.space_after = Pt(before), Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(2)


def _table(document: DocxDocument, widths_mm: Sequence[float], *, borders: bool) -> DocxTable:
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.autofit = False
    if borders:
        table.style = "Table Grid"
    else:
        edges = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            edges.append(element)
        _insert_before(table._tbl.tblPr, edges, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    return table


def _fit_widths(table: DocxTable, widths_mm: Sequence[float]) -> None:
    # Word reads the cell widths, LibreOffice the grid: both must agree.
    for row in table.rows:
        # A row is never split across two pages (the signature stays whole).
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _cell_paragraph(cell: _Cell) -> DocxParagraph:
    """The cell's own empty first paragraph, then new ones."""
    first = cell.paragraphs[0]
    if len(cell.paragraphs) == 1 and first._p.pPr is None and not first.runs:
        return first
    return cell.add_paragraph()


# --- the parts of the page ----------------------------------------------------------------


def _page_setup(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4 as Word has it
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    # Page numbers centred in the header, not on the first page.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    _add_page_number(_format(section.header.paragraphs[0]), size=BODY_SIZE)

    # Defaults for everything not formatted here (empty paragraphs, what a user adds later).
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr)
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            lang.set(qn("w:val"), "vi-VN")
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_SIZE)
    _set_fonts(normal.element.get_or_add_rPr())


def _header(document: DocxDocument, doc: OfficialDocument) -> None:
    table = _table(document, HEADER_COLUMNS_MM, borders=False)
    left, right = table.rows[0].cells
    left_space = (HEADER_COLUMNS_MM[0] - CELL_PADDING_MM) / 25.4 * 72
    right_space = (HEADER_COLUMNS_MM[1] - CELL_PADDING_MM) / 25.4 * 72

    if doc.issuer_parent.strip():
        _add_text(_format(_cell_paragraph(left)), doc.issuer_parent.upper(), size=13)
    _add_text(_format(_cell_paragraph(left)), doc.issuer.upper(), size=13, bold=True)
    issuer_width = max(bold_width_pt(line, 13) for line in doc.issuer.upper().split("\n"))
    # Between a third and a half of the issuer's line (Phụ lục I).
    _rule(_cell_paragraph(left), width_pt=0.4 * min(issuer_width, left_space), space_pt=left_space)
    _add_text(_format(_cell_paragraph(left), before=6), number_line(doc.number_symbol), size=13)

    _add_text(_format(_cell_paragraph(right)), NATIONAL_TITLE, size=12, bold=True)
    _add_text(_format(_cell_paragraph(right)), MOTTO, size=13, bold=True)
    # As long as the motto (Phụ lục I).
    _rule(_cell_paragraph(right), width_pt=bold_width_pt(MOTTO, 13), space_pt=right_space)
    when = date_line(doc.place, doc.date, doc.year, doc.month)
    _add_text(_format(_cell_paragraph(right), before=6), when, size=14, italic=True)

    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    _fit_widths(table, HEADER_COLUMNS_MM)


def _title(document: DocxDocument, doc: OfficialDocument) -> None:
    _add_text(_format(document.add_paragraph(), before=18), doc.kind.upper(), size=14, bold=True)
    _add_text(_format(document.add_paragraph()), doc.title, size=14, bold=True)
    text_space = (TEXT_WIDTH_MM / 25.4) * 72
    title_width = max(bold_width_pt(line, 14) for line in doc.title.split("\n"))
    _rule(
        document.add_paragraph(), width_pt=0.4 * min(title_width, text_space), space_pt=text_space
    )


def _body_paragraph(document: DocxDocument) -> DocxParagraph:
    return _format(
        document.add_paragraph(),
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        before=6,
        first_line=1.27,
        line=1.15,
    )


def _body(document: DocxDocument, doc: OfficialDocument) -> None:
    for text in doc.preamble:
        _add_text(_body_paragraph(document), text, size=BODY_SIZE)
    for block in doc.body:
        if isinstance(block, Heading):
            p = _body_paragraph(document)
            p.paragraph_format.keep_with_next = True
            _add_text(p, block.text, size=BODY_SIZE, bold=block.level <= 2, italic=block.level >= 3)
        elif isinstance(block, Paragraph):
            p = _body_paragraph(document)
            if block.lead:
                _add_text(p, block.lead + " ", size=BODY_SIZE, bold=True, italic=block.italic)
            _add_text(p, block.text, size=BODY_SIZE, italic=block.italic)
        elif isinstance(block, Bullet):
            text = block.text.strip()
            if not text.startswith(("- ", "+ ")):
                text = f"{block.marker} {text}"
            _add_text(_body_paragraph(document), text, size=BODY_SIZE)
        else:
            _data_table(document, block)


def _is_number(text: str) -> bool:
    digits = text.strip().rstrip("%").replace(".", "").replace(",", "").lstrip("+-")
    return bool(digits) and digits.isdigit()


def _data_table(document: DocxDocument, block: Table) -> None:
    columns = len(block.header)
    widths = list(block.widths_mm) or [TEXT_WIDTH_MM / columns] * columns
    table = _table(document, widths, borders=True)
    header_props = table.rows[0]._tr.get_or_add_trPr()
    header_props.append(OxmlElement("w:tblHeader"))  # repeated on every page
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        _add_text(_format(cell.paragraphs[0], before=3, after=3), text, size=TABLE_SIZE, bold=True)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for values in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            align = WD_ALIGN_PARAGRAPH.RIGHT if _is_number(text) else WD_ALIGN_PARAGRAPH.LEFT
            _add_text(
                _format(cell.paragraphs[0], align=align, before=3, after=3), text, size=TABLE_SIZE
            )
    _fit_widths(table, widths)
    # Space below the table; and two tables in a row would otherwise merge into one.
    _format(document.add_paragraph(), after=0)


def _closing(document: DocxDocument, doc: OfficialDocument) -> None:
    _format(document.add_paragraph(), before=6)
    table = _table(document, FOOTER_COLUMNS_MM, borders=False)
    left, right = table.rows[0].cells
    left_align = WD_ALIGN_PARAGRAPH.LEFT
    _add_text(
        _format(_cell_paragraph(left), align=left_align),
        "Nơi nhận:",
        size=12,
        bold=True,
        italic=True,
    )
    for line in recipient_lines(doc.recipients):
        _add_text(_format(_cell_paragraph(left), align=left_align), line, size=11)

    sign = doc.signature
    lines = [f"{sign.mode} {sign.authority}".strip()]
    if sign.deputy_of:
        lines.append(f"KT. {sign.deputy_of}")
    lines.append(sign.position)
    for line in filter(None, (line.strip().upper() for line in lines)):
        _add_text(_format(_cell_paragraph(right)), line, size=14, bold=True)
    # Room for the signature and the seal, as paragraph spacing rather than blank lines.
    name = _format(_cell_paragraph(right), before=80)
    _add_text(name, sign.name, size=14, bold=True)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    _fit_widths(table, FOOTER_COLUMNS_MM)


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as a .docx file in the Nghị định 30/2020 layout."""
    document = Document()
    _page_setup(document)
    _header(document, doc)
    _title(document, doc)
    _body(document, doc)
    _closing(document, doc)
    props = document.core_properties
    props.title = f"{doc.kind} {doc.title}".replace("\n", " ")
    props.author = props.last_modified_by = doc.issuer.replace("\n", " ")
    props.language = "vi-VN"
    props.created = props.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
    props.revision = 1
    props.comments = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_pdf(doc: OfficialDocument, *, timeout: float = 120.0) -> bytes:
    """The document as PDF: `render_docx` converted by LibreOffice (see `pdf.docx_to_pdf`)."""
    return docx_to_pdf(render_docx(doc), timeout=timeout)
