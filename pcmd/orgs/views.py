"""Agency pages: the scoped list, a unit's agencies, detail, create, edit and deactivate."""

import datetime as dt
from typing import Any, NoReturn
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.scoping import unit_pick
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs import selectors, services
from pcmd.orgs.forms import AgencyFilterForm, AgencyForm, DeactivateForm
from pcmd.orgs.models import AGENCY_UNIT_LEVELS, Agency

PAGE_SIZE = 50


def _forbidden(request: HttpRequest, message: str) -> NoReturn:
    """Refuse with the reason; core.views.permission_denied shows it (403)."""
    raise PermissionDenied(message)


def _may_manage(request: HttpRequest, unit: AdministrativeUnit) -> bool:
    return unit.level in AGENCY_UNIT_LEVELS and user_can(request.user, Perm.AGENCY_MANAGE, unit)


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    """Agencies the user may see, filtered by name, type and unit; htmx swaps the results."""
    form = AgencyFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    agencies = selectors.agency_list(user=request.user, **filters)
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form,
        "page": page,
        "query": urlencode(keep),
        "filtered": any(filters.values()),
        "can_create": selectors.agency_units_manageable(user=request.user).exists(),
    }
    htmx: Any = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return render(request, "orgs/_agency_results.html", context)
    return render(request, "orgs/agency_list.html", context)


@login_required
def unit_agencies(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's agencies of every period, and what its standard set still lacks."""
    unit = unit_pick(user=request.user, pk=pk)
    can_manage = _may_manage(request, unit)
    missing = selectors.agencies_standard_missing(unit) if unit.level in AGENCY_UNIT_LEVELS else []
    # The coordinator of the unit's level while it exists (or on its last day).
    at = min(dt.date.today(), unit.valid_to) if unit.valid_to else dt.date.today()
    return render(
        request,
        "orgs/unit_agencies.html",
        {
            "unit": unit,
            "agencies": selectors.agency_list(user=request.user, unit=unit, include_inactive=True),
            "missing": [name for _type_name, name, _from, _to in missing],
            "can_manage": can_manage,
            "coordinator": selectors.agency_type_coordinator(level=unit.level, at=at),
        },
    )


@login_required
@require_POST
def unit_ensure_standard(request: HttpRequest, pk: int) -> HttpResponse:
    """Create the unit's standard agencies it lacks (idempotent)."""
    unit = unit_pick(user=request.user, pk=pk)
    if not _may_manage(request, unit):
        return _forbidden(
            request, _("Bạn không có quyền quản lý cơ quan của %(unit)s.") % {"unit": unit.name}
        )
    try:
        created = services.agencies_ensure_standard(actor=request.user, unit=unit)
    except ServiceError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("orgs:unit_agencies", pk=unit.pk)
    if created:
        messages.success(
            request,
            ngettext("Đã tạo %(n)d cơ quan.", "Đã tạo %(n)d cơ quan.", len(created))
            % {"n": len(created)},
        )
    else:
        messages.info(request, _("%(unit)s đã có đủ các cơ quan chuẩn.") % {"unit": unit.name})
    return redirect("orgs:unit_agencies", pk=unit.pk)


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, pk=pk)
    return render(
        request,
        "orgs/agency_detail.html",
        {
            "agency": agency,
            "can_manage": _may_manage(request, agency.unit),
            "type_names": agency.agency_type.names.filter(level=agency.unit.level)
            if agency.agency_type
            else [],
        },
    )


def _form_page(
    request: HttpRequest,
    form: AgencyForm,
    *,
    title: str,
    submit: str,
    cancel_url: str,
    agency: Agency | None = None,
) -> HttpResponse:
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "orgs/agency_form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "cancel_url": cancel_url,
            "agency": agency,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest) -> HttpResponse:
    """Add an agency to one of the units the user manages (?unit= preselects one)."""
    units = selectors.agency_units_manageable(user=request.user)
    if not units.exists():
        return _forbidden(request, _("Bạn không quản lý cơ quan của đơn vị nào."))
    initial = {}
    preselected = request.GET.get("unit", "")
    if preselected.isdigit() and units.filter(pk=int(preselected)).exists():
        initial["unit"] = int(preselected)
    form = AgencyForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        agency = form.save()
        if agency is not None:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": agency.name})
            return redirect("orgs:detail", pk=agency.pk)
    cancel = (
        reverse("orgs:unit_agencies", args=[initial["unit"]])
        if "unit" in initial
        else reverse("orgs:list")
    )
    return _form_page(request, form, title=_("Thêm cơ quan"), submit=_("Thêm"), cancel_url=cancel)


def _agency_to_manage(request: HttpRequest, pk: int) -> Agency | HttpResponse:
    """The agency if the user may change it, else the refusal (404 outside scope, else 403)."""
    agency = selectors.agency_get(user=request.user, pk=pk)
    if not _may_manage(request, agency.unit):
        return _forbidden(request, _("Bạn không có quyền sửa %(name)s.") % {"name": agency.name})
    return agency


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency_to_manage(request, pk)
    if isinstance(agency, HttpResponse):
        return agency
    form = AgencyForm(request.POST or None, user=request.user, agency=agency)
    if request.method == "POST" and form.is_valid() and form.save() is not None:
        messages.success(request, _("Đã lưu %(name)s.") % {"name": agency.name})
        return redirect("orgs:detail", pk=agency.pk)
    return _form_page(
        request,
        form,
        title=_("Sửa cơ quan"),
        submit=_("Lưu"),
        cancel_url=reverse("orgs:detail", args=[agency.pk]),
        agency=agency,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then mark the agency as no longer working from a date (today by default)."""
    agency = _agency_to_manage(request, pk)
    if isinstance(agency, HttpResponse):
        return agency
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data["on"]
        try:
            services.agency_deactivate(actor=request.user, agency=agency, on=on)
        except (ServiceError, PermissionDenied) as exc:
            form.add_error(None, refusal_text(exc))
        else:
            messages.success(
                request, _("Đã ghi nhận %(name)s ngừng hoạt động.") % {"name": agency.name}
            )
            return redirect("orgs:detail", pk=agency.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request, "orgs/agency_deactivate.html", {"agency": agency, "form": form}, status=status
    )
