import re
import unicodedata
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

from pcmd.core.context import new_request_id, set_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (kept from a proxy's X-Request-ID when it is sane)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else new_request_id()
        set_request_id(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        set_request_id("")
        return response


def _nfc_querydict(qd: QueryDict) -> QueryDict:
    copy = QueryDict(mutable=True)
    for key, values in qd.lists():
        copy.setlist(
            unicodedata.normalize("NFC", key), [unicodedata.normalize("NFC", v) for v in values]
        )
    copy._mutable = False
    return copy


class NormalizeTextMiddleware:
    """Every text that comes in (query, form fields, JSON bodies) is Unicode NFC.

    Vietnamese typed on different keyboards arrives composed or decomposed; stored and
    compared text must be one form, or "Kỳ Anh" would not equal "Kỳ Anh".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _nfc_querydict(request.GET)  # type: ignore[assignment]
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.content_type or ""
            if content_type == "application/json":
                try:
                    text = request.body.decode("utf-8")
                except UnicodeDecodeError:
                    text = None
                if text is not None:
                    request._body = unicodedata.normalize("NFC", text).encode("utf-8")
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                request.POST = _nfc_querydict(request.POST)  # type: ignore[assignment]
        return self.get_response(request)
