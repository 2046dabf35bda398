"""Pages: the public tip page (no account), the receipt, the follow-up with the receipt
code; and, for officers, the download of an attachment's working copy.

The receipt code never travels in a URL: it is typed into a POST form, and after a
successful look-up the session remembers which tip it opened (for 30 minutes), so the
request log (which records paths only) never holds a code.

The address the rate limits count is REMOTE_ADDR. Behind a reverse proxy, the proxy must
pass the client's address there (or name the header it sets in the setting
PCMD_CLIENT_ADDRESS_HEADER, e.g. "X-Forwarded-For", whose last entry is then used):
headers a client can send itself are not trusted unless that setting says so.
"""

import ipaddress
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.scoping import get_scoped_or_404
from pcmd.registries.forms.public import AddInformationForm, PublicTipForm, ReceiptLookupForm
from pcmd.registries.models import Tip, TipAttachment
from pcmd.registries.services import public as services
from pcmd.registries.services.attachments import AttachmentError, attachment_working_open

RECEIPT_KEY = "pcmd_public_receipt"
FOLLOW_KEY = "pcmd_public_tip"
ADDED_KEY = "pcmd_public_added"
# How long a look-up keeps the tip open in this browser (a shared computer forgets it).
FOLLOW_SECONDS = 30 * 60


def client_address(request: HttpRequest) -> str:
    """The address the rate limits count: REMOTE_ADDR, or the last entry of the header a
    trusted proxy sets (PCMD_CLIENT_ADDRESS_HEADER). IPv6 counts per /64, the block one
    subscriber usually holds."""
    header = getattr(settings, "PCMD_CLIENT_ADDRESS_HEADER", "")
    raw = ""
    if header:
        raw = request.headers.get(header, "").split(",")[-1].strip()
    raw = raw or request.META.get("REMOTE_ADDR", "") or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _limited(response: HttpResponse, exc: services.RateLimited) -> HttpResponse:
    response["Retry-After"] = str(exc.retry_after)
    return response


def _refile_note(request: HttpRequest) -> str:
    # Browsers never fill a file input again: say so, the typed text is kept.
    if request.FILES:
        return _("Các tệp đính kèm đã chọn chưa được gửi; vui lòng chọn lại tệp.")
    return ""


# ---- sending a tip --------------------------------------------------------------------


def _form_page(
    request: HttpRequest, form: PublicTipForm, *, status: int = 200, refusal: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "challenge": services.challenge_new(),
        "refusal": refusal,
        "refile": _refile_note(request) if status != 200 else "",
    }
    return render(request, "registries/public/tip_form.html", context, status=status)


@never_cache
@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def tip_form(request: HttpRequest) -> HttpResponse:
    """The tip form. A tip saved is committed before the receipt page is shown."""
    if request.method != "POST":
        return _form_page(request, PublicTipForm())
    form = PublicTipForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    address = client_address(request)
    try:
        services.challenge_check(
            token=form.cleaned_data["challenge"],
            answer=form.cleaned_data["answer"],
            address=address,
        )
        _tip, code = services.tip_submit(sent=form.sent(), address=address)
    except services.RateLimited as exc:
        return _limited(_form_page(request, form, status=429, refusal=refusal_text(exc)), exc)
    except services.ChallengeError as exc:
        form.add_error("answer", refusal_text(exc))
        return _form_page(request, form, status=400)
    except AttachmentError as exc:
        form.add_error("attachments", refusal_text(exc))
        return _form_page(request, form, status=400)
    except ServiceError as exc:
        return _form_page(request, form, status=400, refusal=refusal_text(exc))
    # Saved and committed (tip_submit's transaction has ended): only now the code is shown.
    request.session[RECEIPT_KEY] = code
    return redirect("public:receipt")


@never_cache
@require_GET
def tip_receipt(request: HttpRequest) -> HttpResponse:
    """The receipt code, shown once: the session forgets it as the page is made."""
    code = request.session.pop(RECEIPT_KEY, None)
    context = {"code": services.receipt_grouped(code) if code else ""}
    return render(request, "registries/public/receipt.html", context)


@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """The commune choice for the province picked (htmx)."""
    form = PublicTipForm({"province": request.GET.get("province", "")})
    return render(request, "registries/public/_commune_field.html", {"field": form["commune"]})


# ---- following a tip up ---------------------------------------------------------------


def _followed_tip(request: HttpRequest) -> Tip | None:
    """The tip this browser opened with its code in the last 30 minutes, if any."""
    held = request.session.get(FOLLOW_KEY)
    if not isinstance(held, dict) or held.get("until", 0) < time.time():
        request.session.pop(FOLLOW_KEY, None)
        return None
    tip = services.public_tip(int(held.get("id", 0)))
    if tip is None:
        request.session.pop(FOLLOW_KEY, None)
    return tip


def _status_page(
    request: HttpRequest,
    tip: Tip,
    form: AddInformationForm | None = None,
    *,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    context = {
        "view": services.tip_public_status(tip),
        "form": form or AddInformationForm(),
        "refusal": refusal,
        "refile": _refile_note(request) if status != 200 else "",
        "added": request.session.pop(ADDED_KEY, False),
    }
    return render(request, "registries/public/status.html", context, status=status)


def _lookup_page(
    request: HttpRequest, form: ReceiptLookupForm, *, status: int = 200, refusal: str = ""
) -> HttpResponse:
    return render(
        request,
        "registries/public/lookup.html",
        {"form": form, "refusal": refusal},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest) -> HttpResponse:
    """GET: the status of the tip opened in this browser, or the code form. POST: a code."""
    if request.method != "POST":
        tip = _followed_tip(request)
        if tip is not None:
            return _status_page(request, tip)
        return _lookup_page(request, ReceiptLookupForm())
    form = ReceiptLookupForm(request.POST)
    if not form.is_valid():
        return _lookup_page(request, form, status=400)
    try:
        tip = services.tip_lookup(code=form.cleaned_data["code"], address=client_address(request))
    except services.RateLimited as exc:
        return _limited(_lookup_page(request, form, status=429, refusal=refusal_text(exc)), exc)
    except services.TipNotFound as exc:
        return _lookup_page(request, form, status=404, refusal=refusal_text(exc))
    request.session.cycle_key()
    request.session[FOLLOW_KEY] = {"id": tip.pk, "until": int(time.time()) + FOLLOW_SECONDS}
    return redirect("public:follow_up")


@never_cache
@transaction.non_atomic_requests
@require_POST
def add_information(request: HttpRequest) -> HttpResponse:
    """Information (text, files) added to the tip opened in this browser."""
    tip = _followed_tip(request)
    if tip is None:
        return _lookup_page(
            request,
            ReceiptLookupForm(),
            status=403,
            refusal=_("Phiên tra cứu đã hết hạn. Vui lòng nhập lại mã tiếp nhận."),
        )
    form = AddInformationForm(request.POST, request.FILES)
    if not form.is_valid():
        return _status_page(request, tip, form, status=400)
    try:
        services.tip_add_information(
            tip=tip,
            text=form.cleaned_data["text"],
            uploads=form.cleaned_data["attachments"],
            address=client_address(request),
        )
    except services.RateLimited as exc:
        return _limited(
            _status_page(request, tip, form, status=429, refusal=refusal_text(exc)), exc
        )
    except AttachmentError as exc:
        form.add_error("attachments", refusal_text(exc))
        return _status_page(request, tip, form, status=400)
    except ServiceError as exc:
        return _status_page(request, tip, form, status=400, refusal=refusal_text(exc))
    request.session[ADDED_KEY] = True
    return redirect("public:follow_up")


@require_POST
def follow_up_end(request: HttpRequest) -> HttpResponse:
    """Close the tip in this browser (a shared computer)."""
    request.session.pop(FOLLOW_KEY, None)
    return redirect("public:follow_up")


urlpatterns: list[URLPattern] = [
    path("", tip_form, name="form"),
    path("da-gui/", tip_receipt, name="receipt"),
    path("xa/", communes, name="communes"),
    path("tra-cuu/", follow_up, name="follow_up"),
    path("tra-cuu/bo-sung/", add_information, name="add"),
    path("tra-cuu/ket-thuc/", follow_up_end, name="follow_up_end"),
]


# ---- officers -------------------------------------------------------------------------


@login_required
@require_GET
def tip_attachment_download(request: HttpRequest, tip_pk: int, pk: int) -> FileResponse:
    """The working copy (metadata removed) of a file of a tip in the officer's scope."""
    tip = get_scoped_or_404(Tip.objects.all(), request.user, pk=tip_pk)
    attachment = get_object_or_404(TipAttachment, tip=tip, pk=pk)
    try:
        handle = attachment_working_open(attachment)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


# Mounted by registries/urls.py under /registries/ (namespace "registries").
officer_urlpatterns: list[URLPattern] = [
    path(
        "tips/<int:tip_pk>/attachments/<int:pk>/",
        tip_attachment_download,
        name="tip_attachment",
    ),
]
