import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcmd.accounts import services
from pcmd.accounts.forms import ApiTokenForm, MembershipForm, UserCreateForm, UserEditForm
from pcmd.accounts.models import ApiToken, User
from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import (
    is_system_admin,
    membership_list,
    memberships_current,
    units_user_manages,
    user_list,
    user_units_with,
)
from pcmd.core.errors import ServiceError


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_password_changed(user=cast(User, self.request.user))
        update_session_auth_hash(self.request, self.request.user)  # type: ignore[arg-type]
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


def _require_member_manager(request: HttpRequest) -> None:
    if not (is_system_admin(request.user) or user_units_with(request.user, Perm.MEMBERSHIP_MANAGE)):
        raise PermissionDenied


def _user_in_scope(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(user_list(user=request.user), pk=pk)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm()
    new_key = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            expires = form.cleaned_data["expires"]
            expires_at = (
                timezone.make_aware(dt.datetime.combine(expires, dt.time.max)) if expires else None
            )
            try:
                _, new_key = services.api_token_create(
                    actor=request.user, name=form.cleaned_data["name"], expires=expires_at
                )
                form = ApiTokenForm()
            except ServiceError as exc:
                form.add_error(None, exc.message)
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships_current(user=request.user).select_related("unit", "agency"),
            "tokens": ApiToken.objects.filter(user=request.user.pk),
            "form": form,
            "new_key": new_key,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi mã truy cập."))
    return redirect("accounts:profile")


@login_required
def user_list_view(request: HttpRequest) -> HttpResponse:
    _require_member_manager(request)
    users = user_list(user=request.user)
    q = request.GET.get("q", "").strip()
    if q:
        from django.db.models import Q

        users = users.filter(
            Q(username__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=q)
        )
    template = "accounts/_user_rows.html" if request.htmx else "accounts/user_list.html"  # type: ignore[attr-defined]
    return render(request, template, {"users": users[:500], "q": q})


@login_required
def user_create_view(request: HttpRequest) -> HttpResponse:
    _require_member_manager(request)
    units = units_user_manages(request.user)
    allow_admin = is_system_admin(request.user)
    form = UserCreateForm(request.POST or None, units=units, allow_admin=allow_admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            from django.db import transaction

            with transaction.atomic():
                user, password = services.user_create(
                    actor=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    position=data["position"],
                )
                services.membership_create(
                    actor=request.user, user=user, unit=data["unit"], role=data["role"]
                )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return render(
                request, "accounts/user_created.html", {"new_user": user, "password": password}
            )
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_member_manager(request)
    target = _user_in_scope(request, pk)
    allow_admin = is_system_admin(request.user)
    units = units_user_manages(request.user)
    edit_form = UserEditForm(
        initial={
            "full_name": target.full_name,
            "email": target.email,
            "phone": target.phone,
            "position": target.position,
            "is_active": target.is_active,
        }
    )
    membership_form = MembershipForm(units=units, allow_admin=allow_admin)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "edit":
                edit_form = UserEditForm(request.POST)
                if edit_form.is_valid():
                    services.user_update(actor=request.user, user=target, **edit_form.cleaned_data)
                    messages.success(request, _("Đã lưu."))
                    return redirect("accounts:user_detail", pk=target.pk)
            elif action == "membership":
                membership_form = MembershipForm(request.POST, units=units, allow_admin=allow_admin)
                if membership_form.is_valid():
                    d = membership_form.cleaned_data
                    services.membership_create(
                        actor=request.user,
                        user=target,
                        unit=d["unit"],
                        role=d["role"],
                        valid_from=d["valid_from"],
                        valid_to=d["valid_to"],
                    )
                    messages.success(request, _("Đã phân quyền."))
                    return redirect("accounts:user_detail", pk=target.pk)
            elif action == "reset":
                password = services.user_reset_password(actor=request.user, user=target)
                return render(
                    request,
                    "accounts/user_created.html",
                    {"new_user": target, "password": password, "reset": True},
                )
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "memberships": membership_list(user=request.user)
            .filter(user=target)
            .order_by("-valid_from"),
            "edit_form": edit_form,
            "membership_form": membership_form,
            "today": dt.date.today(),
        },
    )


@login_required
@require_POST
def membership_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_member_manager(request)
    membership = get_object_or_404(membership_list(user=request.user), pk=pk)
    try:
        services.membership_end(actor=request.user, membership=membership)
        messages.success(request, _("Đã kết thúc phân quyền."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:user_detail", pk=membership.user_id)
