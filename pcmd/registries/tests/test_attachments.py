"""Files sent with tips: type read from the content, size and count limits, the working
copy without metadata, the original encrypted and read only with a reason, and the
officers' download within scope."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path
from PIL import ExifTags, Image

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import AccessRecord
from pcmd.core.errors import ServiceError
from pcmd.registries.models import Tip, TipAttachment
from pcmd.registries.services.attachments import (
    AttachmentError,
    attachment_add,
    attachment_original,
    attachment_working,
)
from pcmd.registries.tests.factories_public import (
    CAMERA,
    LATITUDE,
    jpeg_with_gps,
    make_public_tip,
    pdf_bytes,
    png_with_text,
    post_tip,
    upload,
    webp_with_exif,
)
from pcmd.registries.views.public import officer_urlpatterns
from pcmd.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db

# The officers' download mounted as registries/urls.py mounts it.
urlpatterns = [
    path("registries/", include((officer_urlpatterns, "registries_public"))),
    *site_urlpatterns,
]

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


@pytest.fixture
def tip(tree) -> Tip:
    return make_public_tip(tree["ht"], tree["kh"])[0]


def gps_of(data: bytes) -> dict:
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo))


def test_gps_is_stripped_from_the_working_copy_and_kept_in_the_encrypted_original(tree, tip):
    sent = jpeg_with_gps()
    assert gps_of(sent)  # the phone's picture has a position
    attachment = attachment_add(tip=tip, upload=upload("anh.jpg", sent), from_public=True)

    working = attachment_working(attachment)
    image = Image.open(io.BytesIO(working))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not gps_of(working)
    assert not image.getexif() and "exif" not in image.info
    assert CAMERA.encode() not in working

    with attachment.original.open("rb") as handle:
        stored = handle.read()
    assert stored != sent and CAMERA.encode() not in stored  # encrypted at rest

    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    original = attachment_original(actor=officer, attachment=attachment, reason="Xác minh vị trí")
    assert original == sent
    gps = gps_of(original)
    assert tuple(float(x) for x in gps[ExifTags.GPS.GPSLatitude]) == LATITUDE
    read = AccessRecord.objects.get(object_id=str(attachment.pk))
    assert read.user == officer and read.reason == "Xác minh vị trí"


def test_the_original_is_read_only_with_a_reason_and_the_right(tree, tip):
    attachment = attachment_add(tip=tip, upload=upload("a.jpg", jpeg_with_gps()), from_public=True)
    viewer = member(tree["kh"], Role.VIEWER)
    with pytest.raises(PermissionDenied):
        attachment_original(actor=viewer, attachment=attachment, reason="Xem")
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    with pytest.raises(ServiceError):
        attachment_original(actor=officer, attachment=attachment, reason="  ")
    assert not AccessRecord.objects.exists()


def test_png_text_and_webp_exif_are_stripped(tip):
    png = attachment_add(tip=tip, upload=upload("p.png", png_with_text()), from_public=True)
    cleaned = Image.open(io.BytesIO(attachment_working(png)))
    assert cleaned.format == "PNG" and cleaned.mode == "RGBA"
    assert "Author" not in cleaned.info and b"Nguy" not in attachment_working(png)

    webp = attachment_add(tip=tip, upload=upload("w.webp", webp_with_exif()), from_public=True)
    data = attachment_working(webp)
    assert Image.open(io.BytesIO(data)).format == "WEBP"
    assert CAMERA.encode() not in data and b"EXIF" not in data


def test_the_type_is_read_from_the_content_not_the_name(tip):
    attachment = attachment_add(
        tip=tip, upload=upload("anh.jpg", png_with_text()), from_public=True
    )
    assert attachment.content_type == "image/png" and attachment.name == "anh.png"
    pdf = attachment_add(
        tip=tip, upload=upload("../../don.PDF", pdf_bytes(), "text/html"), from_public=False
    )
    assert pdf.content_type == "application/pdf" and pdf.name == "don.pdf"
    assert attachment_working(pdf) == pdf_bytes()  # PDFs are kept as sent


@pytest.mark.parametrize(
    ("name", "data"),
    [("anh.jpg", EXECUTABLE), ("anh.jpg", HTML), ("tai-lieu.pdf", b"just text"), ("x.png", b"")],
)
def test_disguised_or_empty_files_are_refused(tip, name, data):
    with pytest.raises(AttachmentError):
        attachment_add(tip=tip, upload=upload(name, data), from_public=True)
    assert not TipAttachment.objects.exists()


def test_a_broken_image_is_refused(tip):
    broken = jpeg_with_gps()[:40] + b"\x00" * 50
    with pytest.raises(AttachmentError, match="Không đọc được ảnh"):
        attachment_add(tip=tip, upload=upload("hong.jpg", broken), from_public=True)


def test_the_page_refuses_a_disguised_file_with_a_message_and_saves_nothing(tree):
    answer = post_tip(
        Client(REMOTE_ADDR="192.0.2.1"),
        tree["ht"],
        content="Xem ảnh đính kèm",
        attachments=[upload("anh.jpg", EXECUTABLE)],
    )
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "không phải ảnh JPEG, PNG, WebP hay tài liệu PDF" in page
    assert "Xem ảnh đính kèm" in page and "chọn lại tệp" in page
    assert not Tip.objects.exists() and not TipAttachment.objects.exists()


def test_the_page_refuses_an_oversized_file(tree, settings):
    settings.PCMD_TIP_ATTACHMENT_MAX_BYTES = 1000
    answer = post_tip(
        Client(REMOTE_ADDR="192.0.2.2"),
        tree["ht"],
        attachments=[upload("lon.jpg", jpeg_with_gps((400, 400)))],
    )
    assert answer.status_code == 400
    assert "lớn hơn" in answer.content.decode()
    assert not Tip.objects.exists()


def test_the_page_refuses_too_many_files(tree):
    files = [upload(f"a{i}.png", png_with_text()) for i in range(6)]
    answer = post_tip(Client(REMOTE_ADDR="192.0.2.3"), tree["ht"], attachments=files)
    assert answer.status_code == 400
    assert "tối đa 5 tệp" in answer.content.decode()
    assert not Tip.objects.exists()


def test_files_sent_with_a_tip_are_stored_with_it(tree):
    files = [upload("a.jpg", jpeg_with_gps()), upload("b.pdf", pdf_bytes(), "application/pdf")]
    assert (
        post_tip(Client(REMOTE_ADDR="192.0.2.4"), tree["ht"], attachments=files).status_code == 302
    )
    tip = Tip.objects.get()
    assert sorted(a.name for a in tip.attachments.all()) == ["a.jpg", "b.pdf"]
    assert all(a.from_public and a.message_id is None for a in tip.attachments.all())


@pytest.mark.urls(__name__)
def test_an_officer_downloads_the_working_copy_only_within_scope(tree, tip):
    attachment = attachment_add(
        tip=tip, upload=upload("anh.jpg", jpeg_with_gps()), from_public=True
    )
    url = f"/registries/tips/{tip.pk}/attachments/{attachment.pk}/"

    own = Client()
    own.force_login(member(tree["kh"], Role.COMMUNE_OFFICER))
    answer = own.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    body = answer.getvalue()
    assert body == attachment_working(attachment) and not gps_of(body)

    province = Client()
    province.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    assert province.get(url).status_code == 200

    other = Client()
    other.force_login(member(tree["hp"], Role.COMMUNE_OFFICER))
    assert other.get(url).status_code == 404
    # An attachment is found only under its own tip.
    second = make_public_tip(tree["ht"], tree["kh"], address="192.0.2.9")[0]
    assert own.get(f"/registries/tips/{second.pk}/attachments/{attachment.pk}/").status_code == 404

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous["Location"]
