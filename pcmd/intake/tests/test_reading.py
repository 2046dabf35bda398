"""read_document on real files the test makes: Word, LibreOffice conversions, PDFs, scans, text.

The files are built once per module (LibreOffice and OCR take seconds): a two-page plan
written with python-docx, converted by LibreOffice to .doc, .odt and PDF, the PDF
rasterised to a scanned PDF and a PNG.
"""

import re
import unicodedata
import zlib
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.shared import Cm, Pt

from pcmd.intake.legacy_encodings import encode_tcvn3, encode_vni
from pcmd.intake.reading import ReadError, ReadResult, read_document
from pcmd.intake.reading.layout import Block, Line, Word, document_lines
from pcmd.intake.reading.ocr_text import repair_ocr_text
from pcmd.intake.reading.tools import PDFTOPPM, SOFFICE, Tool, run
from pcmd.intake.tests.test_legacy_encodings import encode_cp1258

# The sentence the OCR tests look for, word by word, with its diacritics.
KNOWN_SENTENCE = (
    "Phấn đấu 100% cơ sở kinh doanh dịch vụ nhạy cảm trên địa bàn được kiểm tra "
    "ít nhất một lần trong năm."
)
PURPOSE = (
    "Nâng cao nhận thức của cán bộ, đảng viên và nhân dân về tác hại của tệ nạn mại dâm; "
    "huy động cả hệ thống chính trị cùng tham gia phòng ngừa, phát hiện và xử lý kịp thời "
    "các hành vi vi phạm pháp luật."
)
SECOND_PAGE = (
    "Công an xã chủ trì, phối hợp với các ban, ngành, đoàn thể tăng cường kiểm tra, "
    "xử lý nghiêm các hành vi lợi dụng kinh doanh dịch vụ để hoạt động mại dâm."
)
TEXT_BOX = "Dự thảo lần hai"
RUNNING_HEADER = "Kế hoạch phòng, chống mại dâm xã Tân Hưng năm 2025"
# The heading table's first row: issuer | national motto, the lines of each cell joined.
HEADING_ROW = "ỦY BAN NHÂN DÂN XÃ TÂN HƯNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM " + (
    "Độc lập - Tự do - Hạnh phúc"
)


def write_plan_docx(path: Path) -> None:
    """Two pages in the administrative layout: heading table, numbered targets, a task table."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(6)
    document.sections[0].header.paragraphs[0].text = RUNNING_HEADER

    heading = document.add_table(rows=2, cols=2)
    heading.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nXÃ TÂN HƯNG"
    heading.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    heading.cell(1, 0).text = "Số: 15/KH-UBND"
    heading.cell(1, 1).text = "Tân Hưng, ngày 10 tháng 3 năm 2025"
    for text in ("KẾ HOẠCH", "Phòng, chống tệ nạn mại dâm trên địa bàn xã năm 2025"):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    purpose = document.add_paragraph(PURPOSE)
    purpose.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    purpose.paragraph_format.first_line_indent = Cm(1)
    # A VML text box, the form older Word files and LibreOffice's .doc import use.
    box = parse_xml(
        '<w:pict xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' xmlns:v="urn:schemas-microsoft-com:vml"><v:shape style="width:200pt;height:30pt">'
        f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{TEXT_BOX}</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict>"
    )
    document.add_paragraph().add_run()._r.append(box)

    document.add_paragraph("II. CHỈ TIÊU")
    document.add_paragraph(KNOWN_SENTENCE, style="List Number")
    document.add_paragraph(
        "Ít nhất 80% học sinh trung học cơ sở được tuyên truyền về phòng ngừa mại dâm.",
        style="List Number",
    )
    tasks = document.add_table(rows=3, cols=4)
    tasks.style = "Table Grid"
    rows = [
        ("STT", "Nội dung công việc", "Cơ quan chủ trì", "Thời gian"),
        ("1", "Tuyên truyền trên loa truyền thanh", "Văn hóa - Xã hội", "Hằng tháng"),
        ("2", "Kiểm tra cơ sở kinh doanh", "Công an xã", "Quý II"),
    ]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            tasks.cell(r, c).text = text
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph(SECOND_PAGE)
    document.save(str(path))


def soffice(source: Path, to: str, outdir: Path) -> Path:
    """Convert with LibreOffice, on a profile of the test's own."""
    profile = (outdir.parent / "libreoffice-profile").as_uri()
    args = [f"-env:UserInstallation={profile}", "--headless", "--convert-to", to]
    run(SOFFICE, [*args, "--outdir", str(outdir), str(source)], timeout=180)
    converted = outdir / f"{source.stem}.{to.split(':')[0]}"
    assert converted.exists(), f"LibreOffice did not convert {source.name} to {to}"
    return converted


def make_scanned_pdf(pdf: Path, out: Path, *, pages: int = 1, dpi: int = 300) -> None:
    """Rasterise the first `pages` pages of `pdf` to grey images and write them as a PDF of
    images only, as a scanner would (no text layer)."""
    prefix = out.with_name(out.stem + "-raster")
    args = ["-f", "1", "-l", str(pages), "-r", str(dpi), "-gray", str(pdf), str(prefix)]
    run(PDFTOPPM, args, timeout=120)
    images = []
    for pgm in sorted(prefix.parent.glob(f"{prefix.name}-*.pgm")):
        data = pgm.read_bytes()
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
        assert header is not None
        images.append((int(header[1]), int(header[2]), data[header.end() :]))
        pgm.unlink()
    out.write_bytes(image_pdf(images, dpi))


def image_pdf(images: list[tuple[int, int, bytes]], dpi: int) -> bytes:
    """A minimal PDF with one 8-bit grey image (width, height, pixels) per page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for width, height, pixels in images:
        page, content, image = len(objects) + 1, len(objects) + 2, len(objects) + 3
        kids.append(f"{page} 0 R")
        w, h = width * 72 / dpi, height * 72 / dpi
        draw = f"q {w:.2f} 0 0 {h:.2f} 0 0 cm /Im Do Q".encode()
        packed = zlib.compress(pixels)
        objects += [
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2f} {h:.2f}] "
            f"/Resources << /XObject << /Im {image} 0 R >> >> /Contents {content} 0 R >>".encode(),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw),
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
            % (width, height, len(packed), packed),
        ]
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("reading")
    made = root / "made"
    made.mkdir()
    plan = made / "plan.docx"
    write_plan_docx(plan)
    pdf = soffice(plan, "pdf", made)
    password = (
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"mat-khau"}}'
    )
    encrypted = soffice(plan, password, root / "encrypted")
    scanned = made / "scanned.pdf"
    make_scanned_pdf(pdf, scanned)
    page = ["-f", "1", "-l", "1", "-r", "300", "-gray", "-png", "-singlefile"]
    run(PDFTOPPM, [*page, str(pdf), str(made / "page")], timeout=120)
    mixed = made / "mixed.pdf"
    run(Tool("pdfunite", "poppler-utils"), [str(pdf), str(scanned), str(mixed)], timeout=60)
    return {
        "docx": plan,
        "doc": soffice(plan, "doc", made),
        "odt": soffice(plan, "odt", made),
        "pdf": pdf,
        "encrypted": encrypted,
        "scanned": scanned,
        "png": made / "page.png",
        "mixed": mixed,
    }


def lines_of(result: ReadResult) -> list[str]:
    return result.text.split("\n")


def recognised_share(text: str, sentence: str) -> float:
    """The share of the sentence's words that the text holds, diacritics and all."""
    found = set(re.findall(r"\w+%?", unicodedata.normalize("NFC", text)))
    words = re.findall(r"\w+%?", sentence)
    return sum(word in found for word in words) / len(words)


def assert_word_plan(result: ReadResult) -> None:
    """What a Word file of the plan reads as, whichever way it came."""
    lines = lines_of(result)
    assert lines[0] == RUNNING_HEADER  # the header once, first
    assert lines[1] == HEADING_ROW
    assert lines[2] == "Số: 15/KH-UBND | Tân Hưng, ngày 10 tháng 3 năm 2025"
    assert "I. MỤC ĐÍCH, YÊU CẦU" in lines
    assert lines[lines.index(PURPOSE) + 1] == TEXT_BOX  # the text box after its paragraph
    assert lines.count(TEXT_BOX) == 1
    assert f"1. {KNOWN_SENTENCE}" in lines  # automatic numbering written out
    assert (
        "2. Ít nhất 80% học sinh trung học cơ sở được tuyên truyền về phòng ngừa mại dâm." in lines
    )
    assert "STT | Nội dung công việc | Cơ quan chủ trì | Thời gian" in lines
    assert "2 | Kiểm tra cơ sở kinh doanh | Công an xã | Quý II" in lines
    assert lines[-1] == SECOND_PAGE
    assert result.text == unicodedata.normalize("NFC", result.text)


def test_docx_reads_paragraphs_tables_numbering_and_text_boxes_in_order(files):
    result = read_document(files["docx"])
    assert_word_plan(result)
    assert (result.method, result.pages, result.ocr_seconds, result.encoding) == (
        "docx",
        None,
        None,
        None,
    )
    assert result.warnings == []
    assert len(result.sha256) == 64


@pytest.mark.parametrize("kind", ["doc", "odt"])
def test_doc_and_odt_are_converted_by_libreoffice_and_read_alike(files, kind):
    result = read_document(files[kind])
    assert_word_plan(result)
    assert result.method == "doc"


def test_rtf_saved_as_doc_is_read(tmp_path):
    # Word opens RTF named .doc without a word; offices hand such files around.
    rtf = "".join(f"\\u{ord(c)}?" if ord(c) > 127 else c for c in "Kế hoạch phòng, chống mại dâm")
    path = tmp_path / "ke-hoach.doc"
    path.write_bytes(
        b"{\\rtf1\\ansi\\deff0 {\\fonttbl{\\f0 Times New Roman;}}\\f0 %s\\par}" % rtf.encode()
    )
    result = read_document(path)
    assert (result.text, result.method) == ("Kế hoạch phòng, chống mại dâm", "doc")


def test_pdf_text_layer_gives_paragraphs_and_table_rows(files):
    result = read_document(files["pdf"])
    lines = lines_of(result)
    assert (result.method, result.pages, result.ocr_seconds) == ("pdf-text", 2, None)
    assert lines.count(RUNNING_HEADER) == 1  # repeated on page 2, kept once
    assert HEADING_ROW in lines
    assert "KẾ HOẠCH" in lines
    assert PURPOSE in lines  # a justified, indented paragraph rejoined into one line
    assert f"1. {KNOWN_SENTENCE}" in lines
    assert "STT | Nội dung công việc | Cơ quan chủ trì | Thời gian" in lines
    assert "1 | Tuyên truyền trên loa truyền thanh | Văn hóa - Xã hội | Hằng tháng" in lines
    assert lines[-2:] == ["III. TỔ CHỨC THỰC HIỆN", SECOND_PAGE]


def test_scanned_pdf_is_recognised_page_by_page_with_progress(files):
    calls = []
    result = read_document(
        files["scanned"], progress=lambda done, total: calls.append((done, total))
    )
    assert result.method == "pdf-ocr"
    assert result.pages == 1
    assert calls == [(0, 1), (1, 1)]
    assert result.ocr_seconds is not None and 0 < result.ocr_seconds < 60
    assert recognised_share(result.text, KNOWN_SENTENCE) >= 0.9
    assert recognised_share(result.text, PURPOSE) >= 0.9
    assert "Tệp là bản quét" in result.warnings[0]


def test_mixed_pdf_recognises_only_the_pages_without_text(files):
    result = read_document(files["mixed"])
    assert (result.method, result.pages) == ("pdf-ocr", 3)
    assert "Trang 3 là ảnh quét" in result.warnings[0]
    assert result.text.startswith(RUNNING_HEADER)
    assert SECOND_PAGE in result.text
    scanned_part = result.text.split(SECOND_PAGE)[1]
    assert recognised_share(scanned_part, KNOWN_SENTENCE) >= 0.9


def test_image_is_recognised(files):
    result = read_document(files["png"])
    assert (result.method, result.pages) == ("image-ocr", 1)
    assert result.ocr_seconds is not None
    assert recognised_share(result.text, KNOWN_SENTENCE) >= 0.9
    assert recognised_share(result.text, "ỦY BAN NHÂN DÂN XÃ TÂN HƯNG") >= 0.9


def test_encrypted_pdf_is_refused(files):
    with pytest.raises(ReadError) as error:
        read_document(files["encrypted"])
    assert error.value.code == "encrypted"
    assert "mật khẩu" in error.value.message


def test_truncated_pdf_is_corrupt(files, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(files["pdf"].read_bytes()[:4000])
    with pytest.raises(ReadError) as error:
        read_document(broken)
    assert error.value.code == "corrupt"
    assert "bị hỏng" in error.value.message


def test_pdf_over_the_page_limit_is_refused(files, settings):
    settings.PCMD_IMPORT_MAX_PAGES = 1
    with pytest.raises(ReadError) as error:
        read_document(files["pdf"])
    assert error.value.code == "too_many_pages"
    assert "2 trang" in error.value.message and "1 trang" in error.value.message


def test_file_over_the_size_limit_is_refused(files, settings):
    settings.PCMD_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ReadError) as error:
        read_document(files["docx"])
    assert error.value.code == "too_large"
    assert "giới hạn" in error.value.message


@pytest.mark.parametrize(
    ("source", "name", "says"),
    [
        ("png", "plan.pdf", "PNG"),
        ("pdf", "plan.docx", "PDF"),
        ("docx", "plan.txt", "Word (.docx)"),
        ("pdf", "plan.exe", ".exe"),
    ],
)
def test_wrong_extension_is_unsupported(files, source, name, says):
    with pytest.raises(ReadError) as error:
        read_document(files[source], filename=name)
    assert error.value.code == "unsupported"
    assert says in error.value.message


def test_filename_gives_the_extension_of_an_upload(files, tmp_path):
    upload = tmp_path / "upload-7f3a"  # how an uploaded temporary file may be named
    upload.write_bytes(files["docx"].read_bytes())
    assert read_document(upload, filename="Kế hoạch.DOCX").method == "docx"


@pytest.mark.parametrize("content", [b"", b"  \r\n\t \n"])
def test_empty_file_is_refused(tmp_path, content):
    path = tmp_path / "plan.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert error.value.code == "empty"


def test_docx_reads_tracked_insertions_but_not_deletions_or_field_codes(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Thời gian: ")
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for xml in (
        f'<w:ins {w} w:id="1" w:author="A"><w:r><w:t>quý III</w:t></w:r></w:ins>',
        f'<w:del {w} w:id="2" w:author="A"><w:r><w:delText>quý II</w:delText></w:r></w:del>',
        f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
        f"<w:r {w}><w:instrText> PAGE </w:instrText></w:r>",
        f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {w}><w:t> năm 2025</w:t></w:r>",
        f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml))
    path = tmp_path / "revised.docx"
    document.save(str(path))
    assert read_document(path).text == "Thời gian: quý III năm 2025"


def test_word_file_without_text_is_empty(tmp_path):
    path = tmp_path / "blank.docx"
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(str(path))
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert error.value.code == "empty"


def test_binary_text_file_is_not_text(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert error.value.code == "not_text"


PLAIN = "Kế hoạch phòng, chống mại dâm\r\nỦy ban nhân dân xã Tân Hưng\rNgười dân được tuyên truyền."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (PLAIN.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PLAIN.encode("utf-8"), "utf-8"),
        (PLAIN.encode("utf-16"), "utf-16"),  # with its byte-order mark
        (unicodedata.normalize("NFD", PLAIN).encode("utf-8"), "utf-8"),
    ],
)
def test_unicode_text_files_are_decoded_normalised(tmp_path, data, encoding):
    path = tmp_path / "plan.md"
    path.write_bytes(data)
    result = read_document(path)
    assert (result.method, result.encoding, result.warnings) == ("text", encoding, [])
    assert result.text == unicodedata.normalize(
        "NFC", PLAIN.replace("\r\n", "\n").replace("\r", "\n")
    )


def test_utf8_with_a_stray_byte_is_read_with_a_warning(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAIN.encode("utf-8").replace(b"\r", b"\n") + b"\xff" + PLAIN.encode("utf-8"))
    result = read_document(path)
    assert result.encoding == "utf-8"
    assert "Người dân được tuyên truyền.\ufffdKế hoạch" in result.text
    assert "không đọc được" in result.warnings[0]


LEGACY = (
    "Ủy ban nhân dân xã Tân Hưng\nkế hoạch phòng, chống tệ nạn mại dâm năm 2025\nQUẢN LÝ ĐỊA BÀN"
)


@pytest.mark.parametrize(
    ("encode", "encoding", "expected"),
    [
        # TCVN3 has no capitals with tones: "Ủy" comes back "ủy"; words in capitals stay so.
        (encode_tcvn3, "tcvn3", LEGACY.replace("Ủy", "ủy")),
        (encode_vni, "vni", LEGACY),
    ],
)
def test_legacy_8_bit_text_files_are_converted(tmp_path, encode, encoding, expected):
    path = tmp_path / "plan.txt"
    path.write_bytes(encode(LEGACY))
    result = read_document(path)
    assert (result.text, result.encoding) == (expected, encoding)
    assert "bảng mã cũ" in result.warnings[0]


def test_windows_1258_text_is_decoded(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(encode_cp1258(LEGACY))
    result = read_document(path)
    assert (result.text, result.encoding) == (LEGACY, "cp1258")


def test_unicode_file_carrying_tcvn3_characters_is_converted(tmp_path):
    path = tmp_path / "plan.txt"  # text copied from a .VnTime document into a UTF-8 editor
    path.write_text(encode_tcvn3(LEGACY).decode("cp1252"), encoding="utf-8")
    result = read_document(path)
    assert (result.text, result.encoding) == (LEGACY.replace("Ủy", "ủy"), "tcvn3")


def test_western_text_with_a_few_symbols_is_windows_1252(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes("Ke hoach nam 2025 “phong, chong mai dam” – nhiet do 30°C".encode("cp1252"))
    result = read_document(path)
    assert (result.text, result.encoding) == (
        "Ke hoach nam 2025 “phong, chong mai dam” – nhiet do 30°C",
        "cp1252",
    )


def test_undecidable_8_bit_text_asks_for_unicode(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(bytes(range(0xC0, 0x100)) * 20 + b" \xe9t\xe9 \xe0 la for\xeat")
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert error.value.code == "legacy_encoding"
    assert "Unikey" in error.value.message


def test_missing_tool_names_the_debian_package(files, monkeypatch):
    monkeypatch.setattr("pcmd.intake.reading.tools.shutil.which", lambda command: None)
    with pytest.raises(ReadError) as error:
        read_document(files["png"])
    assert error.value.code == "tool_missing"
    assert "tesseract-ocr" in error.value.message


def test_a_tool_past_its_time_limit_is_stopped():
    with pytest.raises(ReadError) as error:
        run(Tool("sleep", "coreutils"), ["30"], timeout=0.5)
    assert error.value.code == "timeout"


# --- Repairs of OCR text and of the layout of recognised words -----------------------


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        # Roman part numbers with misread strokes, set by the order of the parts.
        (
            "IL.MỤC ĐÍCH, YÊU CẦU\nTI, CHỈ TIÊU\nTIT. GIẢI PHÁP",
            "I. MỤC ĐÍCH, YÊU CẦU\nII. CHỈ TIÊU\nIII. GIẢI PHÁP",
        ),
        (
            "I. MỤC ĐÍCH\nI1. NHIỆM VỤ\nTV. TỔ CHỨC THỰC HIỆN",
            "I. MỤC ĐÍCH\nII. NHIỆM VỤ\nIV. TỔ CHỨC THỰC HIỆN",
        ),
        # A valid numeral stays as read, even repeated: plans do repeat a number.
        ("III. KINH PHÍ\nIII. TỔ CHỨC THỰC HIỆN", "III. KINH PHÍ\nIII. TỔ CHỨC THỰC HIỆN"),
        # Arabic numbers with a comma, a spaced stop, or no space before the title.
        (
            "5, Sở Y tế\n2 . Công an tỉnh\n3.Sở Tư pháp\n2.1, Mục đích",
            "5. Sở Y tế\n2. Công an tỉnh\n3. Sở Tư pháp\n2.1. Mục đích",
        ),
        # ... but a sentence that starts with a number and a comma is no heading.
        ("5, 6 người tham gia", "5, 6 người tham gia"),
        # A Roman-looking word before a sentence in small letters is no part number.
        ("I, tôi và anh ấy", "I, tôi và anh ấy"),
    ],
)
def test_ocr_repair_restores_heading_numbers(read, repaired):
    assert repair_ocr_text(read) == repaired


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("nâng cao công tác quản Lý nhà nước", "nâng cao công tác quản lý nhà nước"),
        ("các cơ quan có Liên quan.", "các cơ quan có liên quan."),
        ("năng Lực của các Lực Lượng chức năng", "năng lực của các lực lượng chức năng"),
        ("xử Lý nghiêm; Lồng ghép", "xử lý nghiêm; lồng ghép"),  # ";" goes on in small letters
        # Names stay: a capitalised word follows, a title word or a capitalised word precedes.
        ("tại tỉnh Lạng Sơn và Lào Cai", "tại tỉnh Lạng Sơn và Lào Cai"),
        ("đồng chí Lê Văn An, ông Lâm và bà Loan", "đồng chí Lê Văn An, ông Lâm và bà Loan"),
        ("Sở Lao động - Thương binh và Xã hội, Hội Liên hiệp Phụ nữ", None),
        ("thực hiện theo Luật Phòng, chống mại dâm", None),
        ("lao động sang Lào làm việc", None),
        # A sentence or a list item opens with a capital.
        ("Hoàn thành. Lồng ghép nội dung", None),
        ("- Liên kết các chương trình", None),
        # A line in capitals is a heading, not a sentence.
        ("CÁC GIẢI PHÁP QUẢN LÝ", None),
    ],
)
def test_ocr_repair_lowers_a_misread_capital_l_but_not_names(read, repaired):
    assert repair_ocr_text(read) == (repaired or read)


def test_ocr_repair_reads_times_after_a_number_and_joins_wrapped_part_titles():
    read = (
        "Tin bài được đăng ít nhất một tần mỗi tháng, hai tần số phát sóng.\n"
        "II. MỤC TIÊU, CÁC CHỈ TIÊU, NHIỆM VỤ\n"
        "CỤ THỂ\n"
        "1. MỤC TIÊU CHUNG\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Y tế"
    )
    assert repair_ocr_text(read).split("\n") == [
        "Tin bài được đăng ít nhất một lần mỗi tháng, hai tần số phát sóng.",
        "II. MỤC TIÊU, CÁC CHỈ TIÊU, NHIỆM VỤ CỤ THỂ",
        "1. MỤC TIÊU CHUNG",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Sở Y tế",
    ]


def test_ocr_repair_leaves_typed_text_alone(files):
    """Word files are read as written: the repairs are for OCR only."""
    path = files["docx"].with_name("typed.txt")
    path.write_text("1, Cán bộ quản Lý\n", encoding="utf-8")
    assert read_document(path).text == "1, Cán bộ quản Lý"


def _line(x0: float, x1: float, y: float, words: int = 6, height: float = 50) -> Line:
    """A line of `words` words spread evenly from x0 to x1 at height y."""
    step = (x1 - x0) / words
    return Line(
        tuple(
            Word(x0 + i * step, y, x0 + (i + 1) * step - 20, y + height, f"w{i}")
            for i in range(words)
        )
    )


def test_short_indented_paragraphs_under_indented_headings_are_not_cut_line_by_line():
    """A block of two short paragraphs with a first-line indent, each under a heading
    indented as much: the indented lines are as many as the body lines, and the body is
    still where the lines that carry on a full line start."""
    block = Block(
        (
            _line(474, 780, 0, words=3),  # "8. Sở Du lịch"
            _line(474, 2245, 100),  # first line, indented
            _line(357, 2244, 175),
            _line(357, 1970, 250, words=4),  # last line, short
            _line(474, 1580, 350, words=5),  # "9. Đề nghị ..."
            _line(474, 2246, 450),
            _line(357, 2244, 525),
        )
    )
    assert len(block.paragraphs(357, 2246)) == 4


def test_a_line_repeated_at_the_top_of_distant_pages_is_no_running_header():
    def page(*texts: str) -> list[Block]:
        return [
            Block((Line((Word(100, 100 * i, 100 + 20 * len(t), 100 * i + 40, t),)),))
            for i, t in enumerate(texts)
        ]

    pages = [
        page("b) Nhiệm vụ", "Tuyên truyền."),
        page("Kế hoạch số 5", "Kiểm tra."),
        page("Kế hoạch số 5", "Hỗ trợ."),
        page("b) Nhiệm vụ", "Tập huấn."),
    ]
    assert document_lines(pages) == [
        "b) Nhiệm vụ",
        "Tuyên truyền.",
        "Kế hoạch số 5",
        "Kiểm tra.",
        "Hỗ trợ.",
        "b) Nhiệm vụ",
        "Tập huấn.",
    ]
