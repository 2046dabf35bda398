"""Plan pages: list, upload with progress, review beside the original, edit, issue, export."""

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, NoReturn

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can, user_units_with
from pcmd.core.errors import ServiceError, refusal_text
from pcmd.geo.models import AdministrativeUnit
from pcmd.geo.selectors import unit_children
from pcmd.plans import selectors, services
from pcmd.plans.exporting import EXPORT_FORMATS, plan_as_dict, plan_export_file
from pcmd.plans.forms import PlanFilterForm, PlanHeaderForm, UploadForm, item_form_class
from pcmd.plans.importing import ACCEPTED_EXTENSIONS, import_is_stale, plan_import_start
from pcmd.plans.models import ImportStatus, Plan, PlanItem, PlanStatus
from pcmd.plans.selectors import ITEM_MODELS


def _refuse(message: str) -> NoReturn:
    raise PermissionDenied(message)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests (which would otherwise swap it in)."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _plan_units(request: HttpRequest) -> Any:
    units = user_units_with(request.user, Perm.PLAN_MANAGE)
    return AdministrativeUnit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    form = PlanFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    plans = selectors.plan_list(user=request.user, **filters)
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/plan_list.html",
        {"form": form, "page": page, "can_import": _plan_units(request).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_upload(request: HttpRequest) -> HttpResponse:
    units = _plan_units(request)
    if not units.exists():
        _refuse(_("Bạn không có quyền nhập kế hoạch cho đơn vị nào."))
    form = UploadForm(request.POST or None, request.FILES or None, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = plan_import_start(
                    actor=request.user,
                    unit=form.cleaned_data["unit"],
                    upload=form.cleaned_data["file"],
                )
            except ServiceError as exc:
                form.add_error("file", exc.messages)
            else:
                return redirect("plans:import_status", pk=job.pk)
        status = 400
    return render(
        request,
        "plans/upload.html",
        {"form": form, "accept": ",".join(ACCEPTED_EXTENSIONS)},
        status=status,
    )


@login_required
def import_status(request: HttpRequest, pk: str) -> HttpResponse:
    """The import's progress; htmx polls the panel until the draft is ready."""
    job = selectors.plan_import_get(user=request.user, pk=pk)
    if job.status == ImportStatus.DONE and job.plan_id:
        return _redirect(request, reverse("plans:review", args=[job.plan_id]))
    context = {"job": job, "stale": import_is_stale(job)}
    if getattr(request, "htmx", False):
        return render(request, "plans/_import_progress.html", context)
    return render(request, "plans/import_status.html", context)


@dataclass
class Segment:
    text: str
    keys: list[str] = field(default_factory=list)


def _segments(text: str, items: dict[str, list[Any]]) -> list[Segment]:
    """The text cut at every item boundary; each piece knows which items cover it."""
    spans = [
        (obj.span_start, obj.span_end, f"{kind}-{obj.pk}")
        for kind, objs in items.items()
        for obj in objs
        if obj.span_start is not None and obj.span_end and obj.span_end <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _e, _k in spans), *(e for _s, e, _k in spans)})
    pieces = []
    for a, b in pairwise(cuts):
        keys = [k for s, e, k in spans if s <= a and b <= e]
        pieces.append(Segment(text[a:b], keys))
    return pieces


def _review_context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    items = {kind: list(selectors.plan_items(plan, kind)) for kind in ITEM_MODELS}
    return {
        "plan": plan,
        "sections": [
            (kind, model._meta.verbose_name_plural, items[kind])
            for kind, model in ITEM_MODELS.items()
        ],
        "segments": _segments(plan.text, items),
        "can_edit": plan.status == PlanStatus.DRAFT
        and user_can(request.user, Perm.PLAN_MANAGE, plan.unit),
        "unknown_agencies": [a for a in items["assignments"] if not a.known],
        "n_items": sum(len(v) for v in items.values()),
        "n_accepted": sum(1 for v in items.values() for obj in v if obj.accepted),
        "export_formats": EXPORT_FORMATS,
        "gaps": selectors.cascade_gaps(plan),
        "can_derive": plan.status == PlanStatus.ISSUED and plan.unit.level < 3,
    }


@login_required
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    return render(request, "plans/review.html", _review_context(request, plan))


def _editable_plan(request: HttpRequest, pk: int) -> Plan:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not user_can(request.user, Perm.PLAN_MANAGE, plan.unit):
        _refuse(_("Bạn không có quyền sửa kế hoạch của %(unit)s.") % {"unit": plan.unit.name})
    if plan.status != PlanStatus.DRAFT:
        _refuse(_("Kế hoạch đã ban hành không sửa được."))
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    form = PlanHeaderForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.plan_update(actor=request.user, plan=Plan.objects.get(pk=plan.pk), data=data)
        except ServiceError as exc:
            form.add_error(None, exc.messages)
        else:
            return _redirect(request, reverse("plans:review", args=[plan.pk]))
    return _form_page(request, plan, form, _("Thông tin kế hoạch"), request.method == "POST")


def _form_page(
    request: HttpRequest, plan: Plan, form: Any, title: str, failed: bool
) -> HttpResponse:
    template = "plans/_item_form.html" if getattr(request, "htmx", False) else "plans/form.html"
    return render(
        request,
        template,
        {"plan": plan, "form": form, "title": title, "action": request.path},
        status=400 if failed else 200,
    )


def _model(kind: str) -> type[PlanItem]:
    if kind not in ITEM_MODELS:
        raise Http404
    return ITEM_MODELS[kind]


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = _editable_plan(request, pk)
    model = _model(kind)
    form = item_form_class(model)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.plan_item_create(
                actor=request.user, plan=plan, model=model, data=form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(None, exc.messages)
        else:
            url = reverse("plans:review", args=[plan.pk]) + f"#item-{kind}-{obj.pk}"
            return _redirect(request, url)
    title = _("Thêm: %(what)s") % {"what": model._meta.verbose_name}
    return _form_page(request, plan, form, title, request.method == "POST")


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    item = selectors.plan_item_get(user=request.user, kind=kind, pk=item_pk)
    if item.plan_id != pk:
        raise Http404
    plan = _editable_plan(request, pk)
    form = item_form_class(type(item))(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            fresh = type(item)._default_manager.get(pk=item.pk)
            services.plan_item_update(actor=request.user, item=fresh, data=data)
        except ServiceError as exc:
            form.add_error(None, exc.messages)
        else:
            url = reverse("plans:review", args=[plan.pk]) + f"#item-{kind}-{item.pk}"
            return _redirect(request, url)
    title = _("Sửa: %(what)s") % {"what": type(item)._meta.verbose_name}
    return _form_page(request, plan, form, title, request.method == "POST")


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    item = selectors.plan_item_get(user=request.user, kind=kind, pk=item_pk)
    if item.plan_id != pk:
        raise Http404
    _editable_plan(request, pk)
    services.plan_item_delete(actor=request.user, item=item)
    return _redirect(request, reverse("plans:review", args=[pk]) + f"#list-{kind}")


@login_required
@require_POST
def item_accept(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    item = selectors.plan_item_get(user=request.user, kind=kind, pk=item_pk)
    if item.plan_id != pk:
        raise Http404
    _editable_plan(request, pk)
    services.plan_item_update(actor=request.user, item=item, data={"accepted": True})
    return redirect(reverse("plans:review", args=[pk]) + f"#item-{kind}-{item.pk}")


@login_required
@require_POST
def plan_accept_all(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    count = services.plan_accept_all(actor=request.user, plan=plan)
    messages.success(request, _("Đã đánh dấu %(n)s mục là đã rà soát.") % {"n": count})
    return redirect("plans:review", pk=pk)


@login_required
@require_POST
def plan_issue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    try:
        services.plan_issue(actor=request.user, plan=plan)
    except ServiceError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("Đã ban hành kế hoạch."))
    return redirect("plans:review", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    if request.method == "POST":
        services.plan_delete(actor=request.user, plan=plan)
        messages.success(request, _("Đã xóa dự thảo."))
        return redirect("plans:list")
    return render(request, "plans/delete.html", {"plan": plan})


@login_required
def plan_source(request: HttpRequest, pk: int) -> FileResponse:
    """The original file as uploaded."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not plan.source_file:
        raise Http404
    return FileResponse(plan.source_file.open("rb"), as_attachment=True, filename=plan.source_name)


@login_required
def plan_export_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if fmt == "json":
        return JsonResponse(plan_as_dict(plan), json_dumps_params={"ensure_ascii": False})
    try:
        data, filename, content_type = plan_export_file(plan, fmt)
    except ServiceError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("plans:review", pk=pk)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _derive_units(request: HttpRequest, plan: Plan) -> list[AdministrativeUnit]:
    """The units right below the plan's unit that the user manages plans of.

    Below a unit that still exists: today's (or, for a plan of a later year, that year's);
    below a unit gone in a reorganisation: those of the plan's own year.
    """
    today = dt.date.today()
    mid_year = dt.date(plan.period_start, 6, 30) if plan.period_start else today
    at = max(mid_year, today) if plan.unit.is_valid_on(today) else mid_year
    units = unit_children(plan.unit, at).filter(level__lte=3).order_by("name")
    return [u for u in units if user_can(request.user, Perm.PLAN_MANAGE, u)]


@login_required
@require_http_methods(["GET", "POST"])
def plan_derive(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a lower unit's plan from this issued plan (the cascade)."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    units = _derive_units(request, plan)
    error = ""
    if request.method == "POST":
        chosen = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        if chosen is None:
            error = _("Chọn một đơn vị cấp dưới.")
        else:
            try:
                child = services.plan_derive(actor=request.user, plan=plan, unit=chosen)
            except ServiceError as exc:
                error = refusal_text(exc)
            else:
                messages.success(
                    request, _("Đã tạo dự thảo kế hoạch của %(u)s.") % {"u": chosen.name}
                )
                return redirect("plans:review", pk=child.pk)
    return render(
        request,
        "plans/derive.html",
        {"plan": plan, "units": units, "error": error},
        status=400 if error else 200,
    )
