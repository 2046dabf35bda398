"""Pages: communication activities and pilot models (list with filters and export,
detail, create, edit, delete). Reads through the scoped selectors, writes through
services.communication."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pcmd.activities import selectors
from pcmd.activities.forms.communication import (
    CommunicationActivityForm,
    CommunicationFilterForm,
    PilotModelFilterForm,
    PilotModelForm,
)
from pcmd.activities.models import CommunicationActivity, PilotModel
from pcmd.activities.services import communication as services
from pcmd.activities.views.common import (
    FORM,
    may_manage,
    require_manage,
    require_some_right,
    save_form,
)
from pcmd.core.pages import delete_page, form_page, list_page
from pcmd.reporting.exchange import table_download

# ---- communication activities -----------------------------------------------------------


def _activity_crumbs() -> list[tuple[str, str]]:
    return [(reverse("activities:communication_list"), _("Hoạt động truyền thông"))]


@login_required
def communication_list(request: HttpRequest) -> HttpResponse:
    filters = CommunicationFilterForm(request.GET or None, user=request.user)
    rows = selectors.communication_list(user=request.user, **filters.filters())
    return list_page(
        request,
        can_create=selectors.may_record(request.user),
        filters=filters,
        rows=rows,
        template="activities/communication/list.html",
        partial="activities/communication/_rows.html",
        export=_export_activities,
        extra={"totals": selectors.communication_totals(rows)},
    )


def _export_activities(fmt: str, rows: QuerySet[CommunicationActivity]) -> HttpResponse:
    headers = [
        _("Ngày"),
        _("Đơn vị"),
        _("Hình thức"),
        _("Nội dung, tiêu đề"),
        _("Nhóm đối tượng"),
        _("Số người được tuyên truyền"),
        _("Số tin, bài, lượt phát"),
        _("Ghi chú"),
    ]
    data = [
        [
            a.date,
            a.unit.name,
            a.get_form_display(),
            a.title,
            a.get_audience_display(),
            a.reach,
            a.media_items,
            a.notes,
        ]
        for a in rows
    ]
    return table_download(fmt, title=_("Hoạt động truyền thông"), headers=headers, rows=data)


@login_required
def communication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.communication_get(user=request.user, pk=pk)
    return render(
        request,
        "activities/communication/detail.html",
        {"activity": activity, "can_manage": may_manage(request, activity.unit)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def communication_create(request: HttpRequest) -> HttpResponse:
    require_some_right(request)
    form = CommunicationActivityForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> CommunicationActivity:
        return services.communication_create(actor=request.user, **data)

    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã ghi nhận hoạt động %(name)s."),
        to=lambda a: redirect("activities:communication_detail", pk=a.pk),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Ghi nhận hoạt động truyền thông"),
        cancel_url=reverse("activities:communication_list"),
        crumbs=_activity_crumbs(),
        refused=refused,
    )


def _activity_to_manage(request: HttpRequest, pk: int) -> CommunicationActivity:
    activity = selectors.communication_get(user=request.user, pk=pk)
    require_manage(request, activity.unit)
    return activity


@login_required
@require_http_methods(["GET", "POST"])
def communication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_to_manage(request, pk)
    form = CommunicationActivityForm(request.POST or None, user=request.user, activity=activity)

    def write(data: dict[str, Any]) -> CommunicationActivity:
        return services.communication_update(actor=request.user, activity=activity, **data)

    detail = reverse("activities:communication_detail", args=[activity.pk])
    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã lưu hoạt động %(name)s."),
        to=lambda a: redirect(detail),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa hoạt động truyền thông"),
        cancel_url=detail,
        crumbs=[*_activity_crumbs(), (detail, activity.title)],
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def communication_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_to_manage(request, pk)
    return delete_page(
        request,
        title=_("Xóa hoạt động truyền thông"),
        question=_("Xóa hoạt động %(name)s? Việc xóa được ghi vào nhật ký.") % {"name": activity},
        cancel_url=reverse("activities:communication_detail", args=[activity.pk]),
        delete=lambda: services.communication_delete(actor=request.user, activity=activity),
        done=_("Đã xóa hoạt động truyền thông."),
        then=reverse("activities:communication_list"),
    )


# ---- pilot models -----------------------------------------------------------------------


def _pilot_crumbs() -> list[tuple[str, str]]:
    return [(reverse("activities:pilot_model_list"), _("Mô hình thí điểm"))]


@login_required
def pilot_model_list(request: HttpRequest) -> HttpResponse:
    filters = PilotModelFilterForm(request.GET or None, user=request.user)
    return list_page(
        request,
        can_create=selectors.may_record(request.user),
        filters=filters,
        rows=selectors.pilot_model_list(user=request.user, **filters.filters()),
        template="activities/pilot_models/list.html",
        partial="activities/pilot_models/_rows.html",
        export=_export_pilot_models,
    )


def _export_pilot_models(fmt: str, rows: QuerySet[PilotModel]) -> HttpResponse:
    headers = [
        _("Đơn vị"),
        _("Tên mô hình"),
        _("Loại mô hình"),
        _("Bắt đầu từ"),
        _("Tình trạng"),
        _("Kết thúc ngày"),
        _("Số thành viên"),
        _("Hoạt động"),
        _("Ghi chú"),
    ]
    data = [
        [
            m.unit.name,
            m.name,
            m.get_kind_display(),
            m.start,
            m.get_status_display(),
            m.end,
            m.members,
            m.activities,
            m.notes,
        ]
        for m in rows
    ]
    return table_download(fmt, title=_("Mô hình thí điểm"), headers=headers, rows=data)


@login_required
def pilot_model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.pilot_model_get(user=request.user, pk=pk)
    return render(
        request,
        "activities/pilot_models/detail.html",
        {"pilot_model": model, "can_manage": may_manage(request, model.unit)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pilot_model_create(request: HttpRequest) -> HttpResponse:
    require_some_right(request)
    form = PilotModelForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> PilotModel:
        return services.pilot_model_create(actor=request.user, **data)

    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã ghi nhận mô hình %(name)s."),
        to=lambda m: redirect("activities:pilot_model_detail", pk=m.pk),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Ghi nhận mô hình thí điểm"),
        cancel_url=reverse("activities:pilot_model_list"),
        crumbs=_pilot_crumbs(),
        refused=refused,
    )


def _pilot_to_manage(request: HttpRequest, pk: int) -> PilotModel:
    model = selectors.pilot_model_get(user=request.user, pk=pk)
    require_manage(request, model.unit)
    return model


@login_required
@require_http_methods(["GET", "POST"])
def pilot_model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    model = _pilot_to_manage(request, pk)
    form = PilotModelForm(request.POST or None, user=request.user, pilot_model=model)

    def write(data: dict[str, Any]) -> PilotModel:
        return services.pilot_model_update(actor=request.user, pilot_model=model, **data)

    detail = reverse("activities:pilot_model_detail", args=[model.pk])
    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã lưu mô hình %(name)s."),
        to=lambda m: redirect(detail),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa mô hình thí điểm"),
        cancel_url=detail,
        crumbs=[*_pilot_crumbs(), (detail, model.name)],
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pilot_model_delete(request: HttpRequest, pk: int) -> HttpResponse:
    model = _pilot_to_manage(request, pk)
    return delete_page(
        request,
        title=_("Xóa mô hình thí điểm"),
        question=_("Xóa mô hình %(name)s? Việc xóa được ghi vào nhật ký.") % {"name": model.name},
        cancel_url=reverse("activities:pilot_model_detail", args=[model.pk]),
        delete=lambda: services.pilot_model_delete(actor=request.user, pilot_model=model),
        done=_("Đã xóa mô hình %(name)s.") % {"name": model.name},
        then=reverse("activities:pilot_model_list"),
    )


urlpatterns: list[URLPattern] = [
    path("communication/", communication_list, name="communication_list"),
    path("communication/new/", communication_create, name="communication_create"),
    path("communication/<int:pk>/", communication_detail, name="communication_detail"),
    path("communication/<int:pk>/edit/", communication_edit, name="communication_edit"),
    path("communication/<int:pk>/delete/", communication_delete, name="communication_delete"),
    path("pilot-models/", pilot_model_list, name="pilot_model_list"),
    path("pilot-models/new/", pilot_model_create, name="pilot_model_create"),
    path("pilot-models/<int:pk>/", pilot_model_detail, name="pilot_model_detail"),
    path("pilot-models/<int:pk>/edit/", pilot_model_edit, name="pilot_model_edit"),
    path("pilot-models/<int:pk>/delete/", pilot_model_delete, name="pilot_model_delete"),
]
