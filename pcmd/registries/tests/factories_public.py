"""Public tips and their files for tests: tips are sent through services.public, pictures are
made with Pillow (with the metadata a phone would write)."""

import io
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image, PngImagePlugin

from pcmd.geo.models import AdministrativeUnit
from pcmd.registries.models import Tip
from pcmd.registries.services.public import PublicTip, tip_submit
from pcmd.registries.services.reference import reference_seed

ADDRESS = "198.51.100.23"
# Where a phone says the picture was taken, and which phone.
LATITUDE = (18.0, 20.0, 30.0)
CAMERA = "PCMD-Phone-4242"

NUMBERS = {
    "không": 0,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}


def answer_of(question: str) -> int:
    """The answer to "Bảy cộng năm bằng mấy?", read as a person would read it."""
    words = question.lower().replace("?", "").split()
    a, op, b = NUMBERS[words[0]], words[1], NUMBERS[words[2]]
    return a + b if op == "cộng" else a - b


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG with a GPS position and a camera model in its EXIF."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = CAMERA
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 50.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_with_text() -> bytes:
    """A PNG with a text chunk naming its author."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Nguyễn Văn Báo Tin")
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp_with_exif() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = CAMERA
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 128, 0)).save(out, "WEBP", exif=exif)
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    """A file as the browser sends it (the type it claims is not believed)."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_public_tip(
    province: AdministrativeUnit,
    commune: AdministrativeUnit | None = None,
    *,
    content: str = "Quán karaoke ở đầu ngõ có gái bán dâm vào buổi tối.",
    address: str = ADDRESS,
    **fields: Any,
) -> tuple[Tip, str]:
    """A tip sent through the public page's service; returns it with its receipt code."""
    reference_seed()  # categories (a transactional test database starts empty)
    return tip_submit(
        sent=PublicTip(content=content, province=province, commune=commune, **fields),
        address=address,
    )


_TOKEN = re.compile(r'name="challenge" value="([^"]+)"')
_QUESTION = re.compile(r'data-testid="challenge-question"><strong>([^<]+)</strong>')


def challenge_from(html: str) -> tuple[str, int]:
    """The token and the right answer of the challenge on a rendered form."""
    token = _TOKEN.search(html)
    question = _QUESTION.search(html)
    assert token and question, "no challenge on the page"
    return token.group(1), answer_of(question.group(1))


def tip_fields(where: AdministrativeUnit, **fields: Any) -> dict[str, Any]:
    """The form's fields, filled as a citizen would (the province `where`, unless a
    `province` value is given)."""
    data: dict[str, Any] = {
        "content": "Nhà nghỉ Hoa Hồng có môi giới mại dâm.",
        "province": str(where.pk),
        "commune": "",
        "place": "",
        "category": "",
        "seen_on": "",
        "seen_time": "",
        "platform": "",
        "link": "",
        "reporter_name": "",
        "reporter_contact": "",
        "website": "",
    }
    data.update(fields)
    return data


def post_tip(
    client: Client, where: AdministrativeUnit, *, answer: int | None = None, **fields: Any
) -> Any:
    """Open the form, answer its challenge (rightly unless `answer` is given), send it."""
    reference_seed()
    page = client.get("/tin-bao/")
    token, right = challenge_from(page.content.decode())
    data = tip_fields(where, **fields)
    data.setdefault("challenge", token)
    data.setdefault("answer", str(right if answer is None else answer))
    return client.post("/tin-bao/", data)
