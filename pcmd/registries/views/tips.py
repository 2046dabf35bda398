"""Pages: tips and complaints for officers – list with filters and export, intake and edit,
the detail page with its handling actions, the logged reveal of a tip-giver's identity, and
the overdue panel for the home dashboard.

No page shows a named tip-giver's identity unless asked for with a reason; the answer is
sent once, marked not to be stored, and a reload shows the form again.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can, user_units_with
from pcmd.core.errors import ServiceError
from pcmd.registries.forms.tips import (
    AssignForm,
    AttachForm,
    CloseForm,
    IdentityForm,
    LinkBusinessForm,
    NoteForm,
    ReopenForm,
    TipFilterForm,
    TipForm,
    VerifyForm,
)
from pcmd.registries.models import Tip, TipAttachment, TipStatus
from pcmd.registries.selectors import tips as selectors
from pcmd.registries.services import tips as services
from pcmd.reporting.exchange import table_download

IDENTITY_FIELDS = ("reporter_name", "reporter_contact")


# ---- list, export, dashboard panel ------------------------------------------------------


@login_required
def tip_list(request: HttpRequest) -> HttpResponse:
    filters = TipFilterForm(request.GET or None, user=request.user)
    tips = selectors.tip_list(user=request.user, **filters.filters())
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export(request.GET["export"], tips)
    page = Paginator(tips, 50).get_page(request.GET.get("page"))
    template = (
        "registries/tips/_tip_rows.html"
        if getattr(request, "htmx", False)
        else "registries/tips/tip_list.html"
    )
    context = {
        "filters": filters,
        "page": page,
        "can_create": bool(user_units_with(request.user, Perm.TIP_MANAGE)),
        "query": _query_without_page(request),
    }
    return render(request, template, context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("page", "export"):
        query.pop(key, None)
    return query.urlencode()


def _export(fmt: str, tips: Any) -> HttpResponse:
    """The filtered list as a table; the tip-giver's identity is never among the columns."""
    headers = [
        _("Số"),
        _("Ngày tiếp nhận"),
        _("Kênh"),
        _("Loại tin"),
        _("Địa bàn"),
        _("Tóm tắt"),
        _("Ẩn danh"),
        _("Cơ sở liên quan"),
        _("Cơ quan xử lý"),
        _("Hạn xử lý"),
        _("Trạng thái"),
        _("Kết luận"),
        _("Ngày kết thúc"),
        _("Đúng hạn"),
        _("Quá hạn"),
    ]
    rows = [
        [
            t.pk,
            services.local_date(t.received_at),
            t.get_channel_display(),
            t.category.name,
            t.unit.name,
            t.subject,
            t.anonymous,
            t.business.name if t.business else "",
            t.assigned_agency.name if t.assigned_agency else "",
            t.deadline,
            t.get_status_display(),
            t.get_conclusion_display() if t.conclusion else "",
            t.closed_on,
            t.processed_on_time,
            t.overdue_now or t.closed_late,
        ]
        for t in tips[:100000]
    ]
    return table_download(fmt, title=_("Tin báo, tố giác"), headers=headers, rows=rows)


@login_required
def overdue_panel(request: HttpRequest) -> HttpResponse:
    """The home dashboard's panel of overdue tips (a fragment)."""
    return render(
        request,
        "registries/tips/_overdue_panel.html",
        {"overdue": selectors.overdue_tips(user=request.user)},
    )


# ---- intake and edit --------------------------------------------------------------------


@login_required
@sensitive_post_parameters(*IDENTITY_FIELDS)
@require_http_methods(["GET", "POST"])
def tip_create(request: HttpRequest) -> HttpResponse:
    if not user_units_with(request.user, Perm.TIP_MANAGE):
        raise PermissionDenied(_("Bạn không có quyền tiếp nhận tin báo."))
    form = TipForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                tip = services.tip_create(actor=request.user, **form.service_kwargs())
            except ServiceError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Đã ghi nhận tin báo #%(n)s.") % {"n": tip.pk})
                return redirect("registries:tip_detail", pk=tip.pk)
        return _form_page(request, form, None, status=400)
    return _form_page(request, form, None)


@login_required
@sensitive_post_parameters(*IDENTITY_FIELDS)
@require_http_methods(["GET", "POST"])
def tip_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tip = selectors.tip_get(user=request.user, pk=pk)
    services.require_manage(request.user, tip.unit)
    form = TipForm(request.POST or None, user=request.user, tip=tip)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.tip_update(
                    actor=request.user,
                    tip=Tip.objects.get(pk=tip.pk),
                    **form.service_kwargs(),
                )
            except ServiceError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Đã lưu tin báo."))
                return redirect("registries:tip_detail", pk=tip.pk)
        return _form_page(request, form, tip, status=400)
    return _form_page(request, form, tip)


def _form_page(
    request: HttpRequest, form: TipForm, tip: Tip | None, *, status: int = 200
) -> HttpResponse:
    title = _("Sửa tin báo #%(n)s") % {"n": tip.pk} if tip else _("Tiếp nhận tin báo")
    return render(
        request,
        "registries/tips/tip_form.html",
        {"form": form, "tip": tip, "title": title},
        status=status,
    )


# ---- detail and actions -----------------------------------------------------------------


def _attachment_url(attachment: TipAttachment) -> str:
    """The working copy's download (views.public), once it is mounted."""
    try:
        return reverse(
            "registries:tip_attachment", kwargs={"tip_pk": attachment.tip_id, "pk": attachment.pk}
        )
    except NoReverseMatch:
        return ""


def _detail(request: HttpRequest, tip: Tip, *, status: int = 200, **forms: Any) -> HttpResponse:
    can_manage = user_can(request.user, Perm.TIP_MANAGE, tip.unit)
    is_open = tip.status != TipStatus.CLOSED
    context: dict[str, Any] = {
        "tip": tip,
        "overdue": tip.status != TipStatus.CLOSED and tip.is_overdue(),
        "closed_late": tip.status == TipStatus.CLOSED and tip.is_overdue(),
        "tip_messages": selectors.tip_messages(tip),
        "attachments": [(a, _attachment_url(a)) for a in selectors.tip_attachments(tip)],
        "can_manage": can_manage,
        "can_identity": not tip.anonymous and user_can(request.user, Perm.TIP_IDENTITY, tip.unit),
        "is_open": is_open,
        "identity": forms.pop("identity", None),
        "identity_form": forms.pop("identity_form", None) or IdentityForm(),
    }
    if can_manage:
        defaults: dict[str, Any] = {
            "note_form": NoteForm(),
            "business_form": LinkBusinessForm(user=request.user, tip=tip),
            "attach_form": AttachForm(),
        }
        if is_open:
            defaults.update(
                assign_form=AssignForm(agencies=selectors.tip_agencies(tip, request.user)),
                verify_form=VerifyForm(initial={"verification": tip.verification}),
                close_form=CloseForm(),
            )
        else:
            defaults["reopen_form"] = ReopenForm()
        context.update({**defaults, **forms})
    return render(request, "registries/tips/tip_detail.html", context, status=status)


@login_required
def tip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.tip_get(user=request.user, pk=pk))


def _act(
    request: HttpRequest,
    pk: int,
    form_name: str,
    make_form: Any,
    apply: Any,
    done: str,
) -> HttpResponse:
    """One handling action: clean the form, call the service, back to the detail page; a
    refusal re-renders the page with the typed input and the reason (400)."""
    tip = selectors.tip_get(user=request.user, pk=pk)
    services.require_manage(request.user, tip.unit)
    form = make_form(tip)
    if form.is_valid():
        try:
            apply(Tip.objects.select_related("unit").get(pk=tip.pk), form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, done)
            return redirect("registries:tip_detail", pk=tip.pk)
    return _detail(request, tip, status=400, **{form_name: form})


@login_required
@require_POST
def tip_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "assign_form",
        lambda tip: AssignForm(request.POST, agencies=selectors.tip_agencies(tip, request.user)),
        lambda tip, d: services.tip_assign(
            actor=request.user, tip=tip, agency=d["agency"], assigned_on=d["assigned_on"]
        ),
        _("Đã giao tin báo cho cơ quan xử lý."),
    )


@login_required
@require_POST
def tip_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "verify_form",
        lambda tip: VerifyForm(request.POST),
        lambda tip, d: services.tip_verify(actor=request.user, tip=tip, **d),
        _("Đã ghi kết quả xác minh."),
    )


@login_required
@require_POST
def tip_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "close_form",
        lambda tip: CloseForm(request.POST),
        lambda tip, d: services.tip_close(actor=request.user, tip=tip, **d),
        _("Đã kết thúc tin báo."),
    )


@login_required
@require_POST
def tip_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "reopen_form",
        lambda tip: ReopenForm(request.POST),
        lambda tip, d: services.tip_reopen(actor=request.user, tip=tip, **d),
        _("Đã mở lại tin báo."),
    )


@login_required
@require_POST
def tip_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "note_form",
        lambda tip: NoteForm(request.POST),
        lambda tip, d: services.tip_note(actor=request.user, tip=tip, **d),
        _("Đã thêm ghi chú."),
    )


@login_required
@require_POST
def tip_link_business(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "business_form",
        lambda tip: LinkBusinessForm(request.POST, user=request.user, tip=tip),
        lambda tip, d: services.tip_link_business(
            actor=request.user, tip=tip, business=d["business"]
        ),
        _("Đã cập nhật cơ sở liên quan."),
    )


@login_required
@require_POST
def tip_attach(request: HttpRequest, pk: int) -> HttpResponse:
    def attach(tip: Tip, data: dict[str, Any]) -> None:
        services.tip_attachments_add(actor=request.user, tip=tip, uploads=data["uploads"])

    return _act(
        request,
        pk,
        "attach_form",
        lambda tip: AttachForm(request.POST, request.FILES),
        attach,
        _("Đã thêm tệp."),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tip_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a named tip-giver's identity once, to a user with the right who gives a reason;
    the read is logged. GET (a reload) only leads back to the detail page."""
    tip = selectors.tip_get(user=request.user, pk=pk)
    if request.method == "GET":
        return redirect("registries:tip_detail", pk=tip.pk)
    form = IdentityForm(request.POST)
    identity: tuple[str, str] | None = None
    if form.is_valid():
        try:
            identity = services.tip_identity(
                actor=request.user, tip=tip, reason=form.cleaned_data["reason"]
            )
        except (ServiceError, ValidationError) as exc:
            form.add_error(None, exc.messages)
    status = 200 if identity else 400
    if getattr(request, "htmx", False):
        response = render(
            request,
            "registries/tips/_identity.html",
            {"tip": tip, "identity": identity, "identity_form": form, "can_identity": True},
            status=status,
        )
    else:
        response = _detail(request, tip, status=status, identity=identity, identity_form=form)
    response["Cache-Control"] = "no-store, private"
    return response


urlpatterns: list[URLPattern] = [
    path("tips/", tip_list, name="tip_list"),
    path("tips/new/", tip_create, name="tip_create"),
    path("tips/overdue-panel/", overdue_panel, name="tip_overdue_panel"),
    path("tips/<int:pk>/", tip_detail, name="tip_detail"),
    path("tips/<int:pk>/edit/", tip_edit, name="tip_edit"),
    path("tips/<int:pk>/assign/", tip_assign, name="tip_assign"),
    path("tips/<int:pk>/verify/", tip_verify, name="tip_verify"),
    path("tips/<int:pk>/close/", tip_close, name="tip_close"),
    path("tips/<int:pk>/reopen/", tip_reopen, name="tip_reopen"),
    path("tips/<int:pk>/note/", tip_note, name="tip_note"),
    path("tips/<int:pk>/business/", tip_link_business, name="tip_link_business"),
    path("tips/<int:pk>/attach/", tip_attach, name="tip_attach"),
    path("tips/<int:pk>/identity/", tip_identity, name="tip_identity"),
]
