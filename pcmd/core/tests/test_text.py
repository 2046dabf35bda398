import unicodedata

from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from pcmd.core.middleware import NormalizeTextMiddleware
from pcmd.core.text import fold, nfc

DECOMPOSED = unicodedata.normalize("NFD", "Kỳ Anh")


def test_fold_removes_diacritics_case_and_extra_spaces():
    assert fold("  Phường  Kỳ Anh ") == "phuong ky anh"
    assert fold("Đắk Lắk") == "dak lak"


def test_nfc_composes_decomposed_text():
    assert nfc(DECOMPOSED) == "Kỳ Anh"
    assert len(nfc(DECOMPOSED)) < len(DECOMPOSED)


@given(st.text())
def test_fold_is_idempotent_and_the_same_for_nfc_and_nfd(text):
    assert fold(fold(text)) == fold(text)
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def _seen(request):
    captured = {}

    def view(req):
        captured["get"] = req.GET.get("q")
        captured["post"] = req.POST.get("name") if req.content_type != "application/json" else None
        captured["body"] = req.body.decode() if req.content_type == "application/json" else None
        from django.http import HttpResponse

        return HttpResponse()

    NormalizeTextMiddleware(view)(request)
    return captured


def test_incoming_query_form_and_json_text_is_nfc():
    rf = RequestFactory()
    assert _seen(rf.get("/", {"q": DECOMPOSED}))["get"] == "Kỳ Anh"
    assert _seen(rf.post("/", {"name": DECOMPOSED}))["post"] == "Kỳ Anh"
    body = _seen(rf.post("/", data=f'{{"name": "{DECOMPOSED}"}}', content_type="application/json"))[
        "body"
    ]
    assert body == '{"name": "Kỳ Anh"}'
