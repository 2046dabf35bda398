"""Pages: commendations of collectives and individuals (list with filters and download,
detail, create, edit, delete)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.pages import delete_page, form_page, list_page
from pcmd.programme import selectors, services
from pcmd.programme.forms import CommendationEntryForm, CommendationFilterForm
from pcmd.programme.models import Commendation
from pcmd.programme.views.common import (
    FORM,
    may_create,
    may_manage,
    require_manage,
    require_some_right,
)
from pcmd.reporting.exchange import table_download


def _crumbs(item: Commendation | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("programme:commendation_list"), _("Khen thưởng"))]
    if item is not None:
        crumbs.append((reverse("programme:commendation_detail", args=[item.pk]), item.name))
    return crumbs


@login_required
def commendation_list(request: HttpRequest) -> HttpResponse:
    filters = CommendationFilterForm(request.GET or None, user=request.user)
    return list_page(
        request,
        can_create=may_create(request),
        filters=filters,
        rows=selectors.commendation_list(user=request.user, **filters.filters()),
        template="programme/commendation_list.html",
        partial="programme/_commendation_rows.html",
        export=_export,
    )


def _export(fmt: str, items: QuerySet[Commendation]) -> HttpResponse:
    headers = [
        _("Đơn vị"),
        _("Tập thể, cá nhân"),
        _("Tên tập thể, cá nhân"),
        _("Hình thức"),
        _("Cấp khen thưởng"),
        _("Số quyết định"),
        _("Ngày quyết định"),
        _("Cơ quan, người ký quyết định"),
        _("Thành tích"),
    ]
    rows = [
        [
            c.unit.name,
            c.get_recipient_kind_display(),
            c.name,
            c.get_form_display(),
            c.get_level_display(),
            c.decision_number,
            c.decision_date,
            c.issuer,
            c.reason,
        ]
        for c in items
    ]
    return table_download(fmt, title=_("Khen thưởng"), headers=headers, rows=rows)


@login_required
def commendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.commendation_get(user=request.user, pk=pk)
    return render(
        request,
        "programme/commendation_detail.html",
        {"item": item, "can_manage": may_manage(request, item.unit), "crumbs": _crumbs()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def commendation_create(request: HttpRequest) -> HttpResponse:
    require_some_right(request)
    form = CommendationEntryForm(request.POST or None, user=request.user)
    refused = False
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        require_manage(request, unit)
        try:
            item = services.commendation_create(
                actor=request.user, unit=unit, **form.service_kwargs()
            )
        except ServiceError as exc:
            form.add_error(None, refusal_text(exc))
            refused = True
        else:
            messages.success(request, _("Đã ghi nhận khen thưởng %(name)s.") % {"name": item.name})
            return redirect("programme:commendation_detail", pk=item.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Ghi nhận khen thưởng"),
        cancel_url=reverse("programme:commendation_list"),
        crumbs=_crumbs(),
        refused=refused,
    )


def _item_to_manage(request: HttpRequest, pk: int) -> Commendation:
    item = selectors.commendation_get(user=request.user, pk=pk)
    require_manage(request, item.unit)
    return item


@login_required
@require_http_methods(["GET", "POST"])
def commendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_to_manage(request, pk)
    form = CommendationEntryForm(request.POST or None, user=request.user, item=item)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            services.commendation_update(actor=request.user, item=item, **form.service_kwargs())
        except ServiceError as exc:
            form.add_error(None, refusal_text(exc))
            refused = True
            item.refresh_from_db()
        else:
            messages.success(request, _("Đã lưu khen thưởng %(name)s.") % {"name": item.name})
            return redirect("programme:commendation_detail", pk=item.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa khen thưởng"),
        cancel_url=reverse("programme:commendation_detail", args=[item.pk]),
        crumbs=_crumbs(item),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def commendation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_to_manage(request, pk)
    return delete_page(
        request,
        title=_("Xóa khen thưởng"),
        question=_("Xóa khen thưởng %(what)s? Việc xóa được ghi vào nhật ký.") % {"what": item},
        cancel_url=reverse("programme:commendation_detail", args=[item.pk]),
        delete=lambda: services.commendation_delete(actor=request.user, item=item),
        done=_("Đã xóa khen thưởng %(name)s.") % {"name": item.name},
        then=reverse("programme:commendation_list"),
        crumbs=_crumbs(item),
    )


urlpatterns: list[URLPattern] = [
    path("commendations/", commendation_list, name="commendation_list"),
    path("commendations/new/", commendation_create, name="commendation_create"),
    path("commendations/<int:pk>/", commendation_detail, name="commendation_detail"),
    path("commendations/<int:pk>/edit/", commendation_edit, name="commendation_edit"),
    path("commendations/<int:pk>/delete/", commendation_delete, name="commendation_delete"),
]
