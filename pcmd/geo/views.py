"""The unit browser: the hierarchy on a date, search, unit pages and village management."""

import datetime as dt
from typing import Any, NoReturn
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.geo import selectors
from pcmd.geo.forms import BrowseForm, VillageChangeForm, VillageCreateForm, VillageNameForm
from pcmd.geo.models import (
    LAST_PRE_REFORM_DAY,
    REFORM_DATE,
    VILLAGE_KINDS,
    AdministrativeUnit,
    UnitLevel,
    valid_at,
)

SEARCH_LIMIT = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _with_child_counts(
    qs: QuerySet[AdministrativeUnit], at: dt.date
) -> QuerySet[AdministrativeUnit]:
    """Annotate how many children each unit has on `at`, so leaves get no expander."""
    return qs.annotate(n_children=Count("children", filter=valid_at(at, "children__")))


def _at_qs(at: dt.date) -> str:
    """The query string carrying `at` in links; none for today, so plain addresses stay plain."""
    return "" if at == dt.date.today() else "?" + urlencode({"at": at.isoformat()})


def _search(form: BrowseForm, at: dt.date) -> tuple[list[AdministrativeUnit], bool]:
    """The matching units with `.chain` (parent first, up to the root) and whether cut off."""
    query = form.query()
    if not query:
        return [], False
    found = list(
        selectors.unit_search(query, at=None if form.all_periods() else at, limit=SEARCH_LIMIT + 1)
    )
    chains = selectors.units_ancestors_map(found[:SEARCH_LIMIT])
    for unit in found:
        unit.chain = list(reversed(chains.get(unit.pk, [])))  # type: ignore[attr-defined]
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


def _browse_context(request: HttpRequest) -> dict[str, Any]:
    form = BrowseForm(request.GET or None)
    at = form.selected_date()
    results, more = _search(form, at)
    today = dt.date.today()
    keep = {
        k: v for k, v in (("q", form.query()), ("all", "on" if form.all_periods() else "")) if v
    }
    url = reverse("geo:browser")
    return {
        "form": form,
        "reform_date": REFORM_DATE,
        "pre_reform_url": f"{url}?{urlencode({'at': f'{LAST_PRE_REFORM_DAY:%d/%m/%Y}', **keep})}",
        "today_url": f"{url}?{urlencode(keep)}" if keep else url,
        "at": at,
        "at_qs": _at_qs(at),
        "at_is_today": at == today,
        "pre_reform_day": LAST_PRE_REFORM_DAY,
        "query": form.query(),
        "all_periods": form.all_periods(),
        "results": results,
        "more_results": more,
        "searched": bool(form.query()),
    }


@login_required
def browser(request: HttpRequest) -> HttpResponse:
    """The hierarchy as it was on the chosen date, with a search box that works without JS."""
    context = _browse_context(request)
    context["roots"] = _with_child_counts(selectors.unit_roots(context["at"]), context["at"])
    return render(request, "geo/browser.html", context)


@login_required
def search(request: HtmxHttpRequest) -> HttpResponse:
    """The search results alone, for htmx; a plain request goes to the full browser page."""
    params = urlencode({k: v for k, v in request.GET.items() if v})
    browser_url = reverse("geo:browser") + (f"?{params}" if params else "")
    if not request.htmx:
        return redirect(browser_url)
    response = render(request, "geo/_search_results.html", _browse_context(request))
    # Keeps the address bar shareable: reloading shows the same search.
    response["HX-Replace-Url"] = browser_url
    return response


@login_required
def children(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The children of a unit on the chosen date, as tree nodes (htmx lazy loading)."""
    unit = get_object_or_404(AdministrativeUnit, pk=pk)
    form = BrowseForm(request.GET or None)
    at = form.selected_date()
    if not request.htmx:
        return redirect(reverse("geo:detail", args=[unit.pk]) + _at_qs(at))
    nodes = _with_child_counts(selectors.unit_children(unit, at), at)
    return render(
        request,
        "geo/_tree_nodes.html",
        {"nodes": nodes, "at": at, "at_qs": _at_qs(at), "parent": unit},
    )


def _reference_date(unit: AdministrativeUnit, chosen: dt.date | None) -> dt.date:
    """The date whose children to show: the chosen one if the unit existed then, else one
    inside the unit's own validity (today for a current unit, its last day for a past one)."""
    today = dt.date.today()
    if chosen and unit.is_valid_on(chosen):
        return chosen
    if unit.is_valid_on(today):
        return today
    if unit.valid_to and unit.valid_to < today:
        return unit.valid_to
    return unit.valid_from or today


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit: where it sits, what it is, what lies below it, what came before and after."""
    unit = get_object_or_404(AdministrativeUnit.objects.select_related("parent"), pk=pk)
    form = BrowseForm(request.GET or None)
    chosen = form.selected_date() if request.GET.get("at") else None
    ref = _reference_date(unit, chosen)
    show_all = request.GET.get("all") == "1"
    if show_all:
        # Every period: the current children first, then the most recently ended.
        kids = AdministrativeUnit.objects.filter(parent=unit).order_by(
            F("valid_to").desc(nulls_first=True), "kind", "name"
        )
    else:
        kids = selectors.unit_children(unit, ref)
    today = dt.date.today()
    current_successors = (
        list(selectors.unit_successors(unit, today)) if not unit.is_valid_on(today) else []
    )
    successions = list(
        selectors.unit_direct_successions(unit).order_by("effective_date", "successor__name_folded")
    )
    can_manage = user_can(request.user, Perm.UNIT_MANAGE, unit)
    context = {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(unit),
        "at": ref,
        "at_qs": _at_qs(ref),
        "chosen": chosen,
        "show_all": show_all,
        "children": _with_child_counts(kids, ref),
        "successions": successions,
        "current_successors": current_successors,
        # Worth a line only when later changes moved it on from the direct successors.
        "show_current_successors": {u.pk for u in current_successors}
        != {s.successor_id for s in successions},
        "predecessions": selectors.unit_direct_predecessions(unit).order_by(
            "effective_date", "predecessor__name_folded"
        ),
        "all_predecessors": selectors.unit_predecessors(unit).order_by(
            "level", "valid_to", "name_folded"
        ),
        "is_commune": unit.level == UnitLevel.COMMUNE,
        "is_village": unit.kind in VILLAGE_KINDS,
        "can_manage": can_manage,
    }
    return render(request, "geo/detail.html", context)


def _forbidden(request: HttpRequest, message: str) -> NoReturn:
    """Refuse with the reason; core.views.permission_denied shows it (403)."""
    raise PermissionDenied(message)


def _commune_for_management(request: HttpRequest, pk: int) -> AdministrativeUnit | HttpResponse:
    """The commune `pk` if the user may manage its villages, else the refusal to send."""
    commune = get_object_or_404(AdministrativeUnit, pk=pk)
    if commune.level != UnitLevel.COMMUNE:
        raise Http404(_("Chỉ quản lý thôn, tổ dân phố ở đơn vị cấp xã."))
    if not user_can(request.user, Perm.UNIT_MANAGE, commune):
        return _forbidden(
            request,
            _("Bạn không có quyền quản lý thôn, tổ dân phố của %(name)s.") % {"name": commune.name},
        )
    return commune


def _form_page(
    request: HttpRequest,
    form: Any,
    unit: AdministrativeUnit,
    title: str,
    intro: str,
    submit: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "geo/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "title": title,
            "intro": intro,
            "submit": submit,
            "ancestors": selectors.unit_ancestors(unit, include_self=True),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a village or residential group to a commune (Perm.UNIT_MANAGE on the commune)."""
    commune = _commune_for_management(request, pk)
    if isinstance(commune, HttpResponse):
        return commune
    form = VillageCreateForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        village = form.save(actor=request.user)
        if village is not None:
            messages.success(
                request,
                _("Đã thêm %(name)s (mã %(code)s).") % {"name": village.name, "code": village.code},
            )
            return redirect("geo:detail", pk=commune.pk)
    return _form_page(
        request,
        form,
        commune,
        _("Thêm thôn, tổ dân phố"),
        _("Thêm một thôn, tổ dân phố vào %(name)s.") % {"name": commune.name},
        _("Thêm"),
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a rename or a merge of villages of a commune on a date."""
    commune = _commune_for_management(request, pk)
    if isinstance(commune, HttpResponse):
        return commune
    form = VillageChangeForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        successor = form.save(actor=request.user)
        if successor is not None:
            messages.success(
                request,
                _("Đã ghi nhận thay đổi: %(name)s có hiệu lực từ %(date)s.")
                % {
                    "name": successor.name,
                    "date": formats.date_format(successor.valid_from or "", "SHORT_DATE_FORMAT"),
                },
            )
            return redirect("geo:detail", pk=successor.pk)
    return _form_page(
        request,
        form,
        commune,
        _("Ghi nhận thay đổi thôn, tổ dân phố"),
        _(
            "Đổi tên hoặc sáp nhập thôn, tổ dân phố của %(name)s từ một ngày. Các thôn cũ kết thúc "
            "hiệu lực vào ngày hôm trước; dữ liệu cũ vẫn được giữ và liên kết với thôn mới."
        )
        % {"name": commune.name},
        _("Ghi nhận"),
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a village's misspelt name (Perm.UNIT_MANAGE on the village)."""
    village = get_object_or_404(AdministrativeUnit, pk=pk)
    if village.kind not in VILLAGE_KINDS:
        raise Http404(_("Chỉ sửa tên thôn, tổ dân phố ở đây."))
    if not user_can(request.user, Perm.UNIT_MANAGE, village):
        return _forbidden(request, _("Bạn không có quyền sửa %(name)s.") % {"name": village.name})
    form = VillageNameForm(request.POST or None, unit=village)
    if request.method == "POST" and form.is_valid() and form.save(actor=request.user):
        messages.success(request, _("Đã sửa tên thành %(name)s.") % {"name": village.name})
        return redirect("geo:detail", pk=village.pk)
    return _form_page(
        request,
        form,
        village,
        _("Sửa tên (đính chính)"),
        _(
            "Chỉ dùng để sửa lỗi chính tả. Nếu thôn đổi tên từ một ngày, hãy ghi nhận thay đổi "
            "ở trang của xã để giữ lịch sử."
        ),
        _("Lưu"),
        status=422 if form.is_bound and form.errors else 200,
    )
