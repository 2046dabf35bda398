"""Pages: training courses (list, detail, create and edit with the participant grid,
delete), their named participants, and the staff counts per unit.

Objects are read through the scoped selectors (404 outside scope); writes go through
services.trainings; a refusal is shown next to the form (400) with the input kept.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pcmd.activities import selectors
from pcmd.activities.forms.trainings import (
    ParticipantForm,
    StaffCountFilterForm,
    StaffCountForm,
    TrainingFilterForm,
    TrainingForm,
)
from pcmd.activities.models import (
    AgencyGroup,
    Level,
    ParticipantCount,
    Sex,
    StaffCount,
    Training,
)
from pcmd.activities.services import trainings as services
from pcmd.activities.views.common import (
    FORM,
    may_manage,
    require_manage,
    require_some_right,
    save_form,
)
from pcmd.core.pages import delete_page, form_page, list_page
from pcmd.reporting.exchange import table_download

CELLS = services.CELLS


def _list_crumbs() -> list[tuple[str, str]]:
    return [(reverse("activities:training_list"), _("Lớp tập huấn"))]


def _crumbs(training: Training) -> list[tuple[str, str]]:
    return [
        *_list_crumbs(),
        (reverse("activities:training_detail", args=[training.pk]), training.title),
    ]


# ---- courses ----------------------------------------------------------------------------


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    filters = TrainingFilterForm(request.GET or None, user=request.user)
    rows = selectors.training_list(user=request.user, **filters.filters())
    return list_page(
        request,
        can_create=selectors.may_record(request.user),
        filters=filters,
        rows=rows,
        template="activities/trainings/list.html",
        partial="activities/trainings/_rows.html",
        export=_export_trainings,
        extra={"totals": selectors.training_totals(rows)},
    )


def _export_trainings(fmt: str, trainings: QuerySet[Training]) -> HttpResponse:
    cell_labels = [services.cell_label(cell) for cell in CELLS]
    headers = [
        _("Đơn vị tổ chức"),
        _("Tên lớp"),
        _("Cơ quan tổ chức"),
        _("Cấp tổ chức"),
        _("Từ ngày"),
        _("Đến ngày"),
        _("Nội dung tập huấn"),
        _("Giảng viên, báo cáo viên"),
        _("Tổng số học viên"),
        *(str(label) for label in Level.labels),
        _("Trong đó nữ"),
        _("Số học viên có tên"),
        *cell_labels,
    ]
    rows = []
    counts = Prefetch("counts", queryset=ParticipantCount.objects.order_by())
    for t in trainings.prefetch_related(counts):
        grid = {(c.level, c.agency_type, c.sex): c.count for c in t.counts.all()}
        rows.append(
            [
                t.unit.name,
                t.title,
                t.organiser,
                t.get_level_display(),
                t.start,
                t.end,
                t.topics,
                t.trainers,
                sum(grid.values()),
                *(sum(n for c, n in grid.items() if c[0] == lv) for lv in Level.values),
                sum(n for c, n in grid.items() if c[2] == Sex.FEMALE),
                getattr(t, "named_total", 0),
                *(grid.get(cell, 0) for cell in CELLS),
            ]
        )
    return table_download(fmt, title=_("Lớp tập huấn"), headers=headers, rows=rows)


def _grid_table(training: Training) -> dict[str, Any]:
    """The grid for the detail page: rows per agency type, columns per level and sex."""
    grid = selectors.training_grid(training)
    rows = [
        (
            label,
            [grid.get((lv, code, sx), 0) for lv in Level.values for sx in Sex.values],
            sum(grid.get((lv, code, sx), 0) for lv in Level.values for sx in Sex.values),
        )
        for code, label in AgencyGroup.choices
    ]
    columns = [
        sum(grid.get((lv, code, sx), 0) for code in AgencyGroup.values)
        for lv in Level.values
        for sx in Sex.values
    ]
    return {"rows": rows, "columns": columns, "total": sum(grid.values())}


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = selectors.training_get(user=request.user, pk=pk)
    can_manage = may_manage(request, training.unit)
    return render(
        request,
        "activities/trainings/detail.html",
        {
            "training": training,
            "grid": _grid_table(training),
            "levels": Level.choices,
            "sexes": Sex.choices,
            "participants": selectors.training_participants(training),
            "can_manage": can_manage,
            "participant_form": (
                ParticipantForm(training=training, auto_id="participant_%s") if can_manage else None
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request: HttpRequest) -> HttpResponse:
    require_some_right(request)
    form = TrainingForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> Training:
        return services.training_create(actor=request.user, **data)

    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã ghi nhận lớp %(name)s."),
        to=lambda t: redirect("activities:training_detail", pk=t.pk),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Ghi nhận lớp tập huấn"),
        cancel_url=reverse("activities:training_list"),
        crumbs=_list_crumbs(),
        refused=refused,
    )


def _training_to_manage(request: HttpRequest, pk: int) -> Training:
    training = selectors.training_get(user=request.user, pk=pk)
    require_manage(request, training.unit)
    return training


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training_to_manage(request, pk)
    form = TrainingForm(
        request.POST or None,
        user=request.user,
        training=training,
        grid=selectors.training_grid(training),
    )

    def write(data: dict[str, Any]) -> Training:
        return services.training_update(actor=request.user, training=training, **data)

    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã lưu lớp %(name)s."),
        to=lambda t: redirect("activities:training_detail", pk=t.pk),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa lớp tập huấn"),
        cancel_url=reverse("activities:training_detail", args=[training.pk]),
        crumbs=_crumbs(training),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_delete(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training_to_manage(request, pk)
    return delete_page(
        request,
        title=_("Xóa lớp tập huấn"),
        question=_(
            "Xóa lớp %(name)s cùng số học viên và danh sách học viên? Việc xóa được ghi vào "
            "nhật ký."
        )
        % {"name": training.title},
        cancel_url=reverse("activities:training_detail", args=[training.pk]),
        delete=lambda: services.training_delete(actor=request.user, training=training),
        done=_("Đã xóa lớp %(name)s.") % {"name": training.title},
        then=reverse("activities:training_list"),
    )


# ---- named participants -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training_to_manage(request, pk)
    form = ParticipantForm(request.POST or None, training=training)

    def write(data: dict[str, Any]) -> Any:
        return services.participant_add(actor=request.user, training=training, **data)

    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã thêm học viên %(name)s."),
        to=lambda p: redirect("activities:training_detail", pk=training.pk),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Thêm học viên"),
        cancel_url=reverse("activities:training_detail", args=[training.pk]),
        crumbs=_crumbs(training),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    training = _training_to_manage(request, pk)
    person = selectors.participant_get(training=training, pk=participant_pk)
    form = ParticipantForm(request.POST or None, training=training, participant=person)

    def write(data: dict[str, Any]) -> Any:
        return services.participant_update(actor=request.user, participant=person, **data)

    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã lưu học viên %(name)s."),
        to=lambda p: redirect("activities:training_detail", pk=training.pk),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa học viên"),
        cancel_url=reverse("activities:training_detail", args=[training.pk]),
        crumbs=_crumbs(training),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    training = _training_to_manage(request, pk)
    person = selectors.participant_get(training=training, pk=participant_pk)
    detail = reverse("activities:training_detail", args=[training.pk])
    return delete_page(
        request,
        title=_("Xóa học viên"),
        question=_("Xóa %(name)s khỏi danh sách học viên của lớp?") % {"name": person.full_name},
        cancel_url=detail,
        delete=lambda: services.participant_remove(actor=request.user, participant=person),
        done=_("Đã xóa học viên %(name)s.") % {"name": person.full_name},
        then=detail,
    )


# ---- staff counts -----------------------------------------------------------------------


def _staff_crumbs() -> list[tuple[str, str]]:
    return [(reverse("activities:staff_count_list"), _("Số cán bộ"))]


@login_required
def staff_count_list(request: HttpRequest) -> HttpResponse:
    filters = StaffCountFilterForm(request.GET or None, user=request.user)
    return list_page(
        request,
        can_create=selectors.may_record(request.user),
        filters=filters,
        rows=selectors.staff_count_list(user=request.user, **filters.filters()),
        template="activities/staff/list.html",
        partial="activities/staff/_rows.html",
        export=_export_staff,
    )


def _export_staff(fmt: str, rows: QuerySet[StaffCount]) -> HttpResponse:
    headers = [_("Đơn vị"), _("Năm"), _("Cấp"), _("Số cán bộ"), _("Ghi chú")]
    data = [[r.unit.name, r.year, r.get_level_display(), r.count, r.notes] for r in rows]
    return table_download(
        fmt, title=_("Số cán bộ làm công tác phòng, chống mại dâm"), headers=headers, rows=data
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_count_create(request: HttpRequest) -> HttpResponse:
    require_some_right(request)
    form = StaffCountForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> StaffCount:
        return services.staff_count_create(actor=request.user, **data)

    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã ghi số cán bộ: %(name)s."),
        to=lambda r: redirect("activities:staff_count_list"),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Nhập số cán bộ"),
        cancel_url=reverse("activities:staff_count_list"),
        crumbs=_staff_crumbs(),
        refused=refused,
        intro=_(
            "Số cán bộ, công chức, viên chức, chiến sĩ, cộng tác viên làm công tác phòng, "
            "chống mại dâm của đơn vị trong năm: mẫu số của tỷ lệ cán bộ được tập huấn."
        ),
    )


def _staff_to_manage(request: HttpRequest, pk: int) -> StaffCount:
    row = selectors.staff_count_get(user=request.user, pk=pk)
    require_manage(request, row.unit)
    return row


@login_required
@require_http_methods(["GET", "POST"])
def staff_count_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = _staff_to_manage(request, pk)
    form = StaffCountForm(request.POST or None, user=request.user, staff_count=row)

    def write(data: dict[str, Any]) -> StaffCount:
        return services.staff_count_update(actor=request.user, staff_count=row, **data)

    response, refused = save_form(
        request,
        form,
        write,
        done=_("Đã lưu số cán bộ: %(name)s."),
        to=lambda r: redirect("activities:staff_count_list"),
    )
    return response or form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa số cán bộ của %(unit)s") % {"unit": row.unit.name},
        cancel_url=reverse("activities:staff_count_list"),
        crumbs=_staff_crumbs(),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_count_delete(request: HttpRequest, pk: int) -> HttpResponse:
    row = _staff_to_manage(request, pk)
    return delete_page(
        request,
        title=_("Xóa số cán bộ"),
        question=_("Xóa dòng %(row)s?") % {"row": row},
        cancel_url=reverse("activities:staff_count_list"),
        delete=lambda: services.staff_count_delete(actor=request.user, staff_count=row),
        done=_("Đã xóa số cán bộ."),
        then=reverse("activities:staff_count_list"),
    )


urlpatterns: list[URLPattern] = [
    path("trainings/", training_list, name="training_list"),
    path("trainings/new/", training_create, name="training_create"),
    path("trainings/<int:pk>/", training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", training_edit, name="training_edit"),
    path("trainings/<int:pk>/delete/", training_delete, name="training_delete"),
    path("trainings/<int:pk>/participants/new/", participant_add, name="participant_add"),
    path(
        "trainings/<int:pk>/participants/<int:participant_pk>/edit/",
        participant_edit,
        name="participant_edit",
    ),
    path(
        "trainings/<int:pk>/participants/<int:participant_pk>/remove/",
        participant_remove,
        name="participant_remove",
    ),
    path("staff-counts/", staff_count_list, name="staff_count_list"),
    path("staff-counts/new/", staff_count_create, name="staff_count_create"),
    path("staff-counts/<int:pk>/edit/", staff_count_edit, name="staff_count_edit"),
    path("staff-counts/<int:pk>/delete/", staff_count_delete, name="staff_count_delete"),
]
