"""Pages: the registry of at-risk businesses (list with filters and export, detail, create,
edit, status, delete) and its import from a spreadsheet (template, preview, confirm)."""

from typing import Any, NoReturn
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.pages import is_partial
from pcmd.registries.forms.businesses import (
    BusinessFilterForm,
    BusinessForm,
    BusinessStatusForm,
    ImportUploadForm,
    add_refusal,
)
from pcmd.registries.models import Business, BusinessStatus
from pcmd.registries.selectors import businesses as selectors
from pcmd.registries.services import business_import as importing
from pcmd.registries.services import businesses as services
from pcmd.reporting.exchange import TABLE_TYPES, table_download

PAGE_SIZE = 50
# Uploads waiting for confirmation: token → original file name (the file is on disk).
IMPORTS_KEY = "pcmd_business_imports"
MAX_KEPT_IMPORTS = 10


def _forbidden(message: str) -> NoReturn:
    raise PermissionDenied(message)


def _can_record(request: HttpRequest) -> bool:
    return selectors.business_units_manageable(user=request.user).exists()


def _require_record(request: HttpRequest) -> None:
    if not _can_record(request):
        _forbidden(_("Bạn không có quyền ghi nhận cơ sở kinh doanh ở đơn vị nào."))


def _managed(request: HttpRequest, pk: int) -> Business:
    """A business in scope (404 otherwise) that the user may change (403 otherwise)."""
    business = selectors.business_get(user=request.user, pk=pk)
    services.require_business_manage(request.user, business.unit)
    return business


# ---- list ---------------------------------------------------------------------------------


@login_required
def business_list(request: HttpRequest) -> HttpResponse:
    """Businesses in scope, filtered; htmx swaps the results; ?export=csv|xlsx downloads."""
    form = BusinessFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    businesses = selectors.business_list(user=request.user, **filters)
    fmt = request.GET.get("export")
    if fmt in TABLE_TYPES:
        headers, rows = importing.business_table(businesses[:100000])
        return table_download(fmt, title=_("Cơ sở kinh doanh"), headers=headers, rows=rows)
    page = Paginator(businesses, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in request.GET.items() if k not in ("page", "export") and v}
    counts = selectors.business_status_counts(businesses)
    context = {
        "form": form,
        "page": page,
        "query": urlencode(keep),
        "filtered": any(filters.values()),
        "status_counts": [(s.label, counts.get(s.value, 0), s.value) for s in BusinessStatus],
        "can_create": _can_record(request),
    }
    if is_partial(request):
        return render(request, "registries/businesses/_results.html", context)
    return render(request, "registries/businesses/list.html", context)


# ---- one business -------------------------------------------------------------------------


def _detail_context(request: HttpRequest, business: Business, **extra: Any) -> dict[str, Any]:
    dependants = selectors.business_dependants(business)
    return {
        "business": business,
        "can_manage": user_can(request.user, Perm.BUSINESS_MANAGE, business.unit),
        "history": selectors.business_status_history(business),
        "deletable": not any(dependants.values()),
        "status_form": BusinessStatusForm(initial={"status": business.status}),
        **selectors.business_related(user=request.user, business=business),
        **extra,
    }


@login_required
def business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    business = selectors.business_get(user=request.user, pk=pk)
    return render(request, "registries/businesses/detail.html", _detail_context(request, business))


def _form_page(
    request: HttpRequest, form: BusinessForm, *, title: str, business: Business | None = None
) -> HttpResponse:
    duplicate = form.duplicate
    return render(
        request,
        "registries/businesses/form.html",
        {
            "form": form,
            "title": title,
            "business": business,
            "duplicate": duplicate,
            "duplicate_visible": duplicate is not None
            and selectors.business_visible(user=request.user, business=duplicate),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_create(request: HttpRequest) -> HttpResponse:
    _require_record(request)
    form = BusinessForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        business = form.save()
        if business is not None:
            messages.success(request, _("Đã thêm cơ sở “%(name)s”.") % {"name": business.name})
            return redirect("registries:business_detail", pk=business.pk)
    return _form_page(request, form, title=_("Thêm cơ sở kinh doanh"))


@login_required
@require_http_methods(["GET", "POST"])
def business_edit(request: HttpRequest, pk: int) -> HttpResponse:
    business = _managed(request, pk)
    form = BusinessForm(request.POST or None, user=request.user, business=business)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if saved is not None:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("registries:business_detail", pk=saved.pk)
        business.refresh_from_db()
    return _form_page(request, form, title=_("Sửa thông tin cơ sở"), business=business)


@login_required
@require_http_methods(["GET", "POST"])
def business_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Open, suspend or close the business from a date."""
    business = _managed(request, pk)
    form = BusinessStatusForm(request.POST or None, initial={"status": business.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.business_set_status(
                actor=request.user,
                business=business,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
            )
        except ServiceError as exc:
            add_refusal(form, exc)
            business.refresh_from_db()
        else:
            messages.success(
                request,
                _("Đã chuyển tình trạng sang “%(status)s”.")
                % {"status": business.get_status_display()},
            )
            return redirect("registries:business_detail", pk=business.pk)
    return render(
        request,
        "registries/businesses/status.html",
        {"business": business, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_delete(request: HttpRequest, pk: int) -> HttpResponse:
    business = _managed(request, pk)
    refusal = ""
    if request.method == "POST":
        name = business.name
        try:
            services.business_delete(actor=request.user, business=business)
        except ServiceError as exc:
            refusal = refusal_text(exc)
        else:
            messages.success(request, _("Đã xóa cơ sở “%(name)s”.") % {"name": name})
            return redirect("registries:business_list")
    return render(
        request,
        "registries/businesses/delete.html",
        {
            "business": business,
            "refusal": refusal,
            "dependants": selectors.business_dependants(business),
        },
        status=400 if refusal else 200,
    )


# ---- import -------------------------------------------------------------------------------


@login_required
def business_import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    content = importing.business_import_template(fmt)
    response = HttpResponse(content, content_type=TABLE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="mau-co-so-kinh-doanh.{fmt}"'
    return response


def _upload_page(request: HttpRequest, form: ImportUploadForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "registries/businesses/import.html",
        {
            "form": form,
            "accept": ",".join(importing.ACCEPTED_EXTENSIONS),
            "max_rows": importing.MAX_ROWS,
            "max_mb": importing.MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_import(request: HttpRequest) -> HttpResponse:
    """Upload a file; a readable one is kept and its preview opens (nothing saved yet)."""
    _require_record(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _upload_page(request, form)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > importing.MAX_BYTES:
                raise ServiceError(
                    _("Tệp lớn quá %(n)d MB.") % {"n": importing.MAX_BYTES // (1024 * 1024)}
                )
            data = upload.read()
            importing.business_import_read(actor=request.user, data=data, filename=upload.name)
        except ServiceError as exc:
            form.add_error("file", exc.messages)
        else:
            token = importing.import_file_store(data=data, filename=upload.name)
            kept = dict(request.session.get(IMPORTS_KEY, {}))
            kept[token] = {"name": upload.name}
            request.session[IMPORTS_KEY] = dict(list(kept.items())[-MAX_KEPT_IMPORTS:])
            return redirect("registries:business_import_preview", token=token)
    return _upload_page(request, form, status=400)


def _kept_upload(request: HttpRequest, token: str) -> dict[str, Any]:
    """The session's record of an upload; 404 for a token this session did not upload."""
    entry = request.session.get(IMPORTS_KEY, {}).get(token)
    if entry is None:
        raise Http404
    return dict(entry)


def _preview_page(
    request: HttpRequest, token: str, entry: dict[str, Any], refusal: list[str] | None = None
) -> HttpResponse:
    data = importing.import_file_load(token)
    if data is None:
        messages.error(request, _("Tệp đã tải lên không còn được lưu; hãy tải tệp lên lại."))
        return redirect("registries:business_import")
    try:
        preview = importing.business_import_read(
            actor=request.user, data=data, filename=entry["name"]
        )
    except ServiceError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("registries:business_import")
    return render(
        request,
        "registries/businesses/preview.html",
        {"preview": preview, "token": token, "refusal": refusal or []},
        status=400 if refusal else 200,
    )


@login_required
def business_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """Every row of the upload: new, duplicate (of which record or row) or wrong."""
    entry = _kept_upload(request, token)
    if entry.get("done"):
        messages.info(request, _("Tệp “%(name)s” đã được nhập.") % {"name": entry["name"]})
        return redirect("registries:business_list")
    return _preview_page(request, token, entry)


@login_required
@require_POST
def business_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Import every new row of the upload in one transaction, or nothing."""
    entry = _kept_upload(request, token)
    if entry.get("done"):
        return redirect("registries:business_list")
    data = importing.import_file_load(token)
    if data is None:
        return _preview_page(request, token, entry)
    try:
        result = importing.business_import_confirm(
            actor=request.user, data=data, filename=entry["name"]
        )
    except ServiceError as exc:
        return _preview_page(request, token, entry, refusal=exc.messages)
    importing.import_file_discard(token)
    kept = dict(request.session.get(IMPORTS_KEY, {}))
    kept[token] = {**entry, "done": True}
    request.session[IMPORTS_KEY] = kept
    created, skipped = len(result.created), len(result.skipped)
    text = ngettext("Đã nhập %(n)d cơ sở.", "Đã nhập %(n)d cơ sở.", created) % {"n": created}
    if skipped:
        text += " " + ngettext("Bỏ qua %(n)d dòng trùng.", "Bỏ qua %(n)d dòng trùng.", skipped) % {
            "n": skipped
        }
    messages.success(request, text)
    return redirect("registries:business_list")


urlpatterns: list[URLPattern] = [
    path("businesses/", business_list, name="business_list"),
    path("businesses/new/", business_create, name="business_create"),
    path("businesses/import/", business_import, name="business_import"),
    path(
        "businesses/import/template.xlsx",
        business_import_template,
        {"fmt": "xlsx"},
        name="business_import_template_xlsx",
    ),
    path(
        "businesses/import/template.csv",
        business_import_template,
        {"fmt": "csv"},
        name="business_import_template_csv",
    ),
    path(
        "businesses/import/<slug:token>/",
        business_import_preview,
        name="business_import_preview",
    ),
    path(
        "businesses/import/<slug:token>/confirm/",
        business_import_confirm,
        name="business_import_confirm",
    ),
    path("businesses/<int:pk>/", business_detail, name="business_detail"),
    path("businesses/<int:pk>/edit/", business_edit, name="business_edit"),
    path("businesses/<int:pk>/status/", business_status, name="business_status"),
    path("businesses/<int:pk>/delete/", business_delete, name="business_delete"),
]
