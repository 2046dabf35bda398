from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """Accounts made with a generated password must choose their own before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
        ):
            allowed = (
                reverse("accounts:password_change"),
                reverse("accounts:logout"),
                "/static/",
                "/i18n/",
            )
            if not request.path.startswith(allowed):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse
                    from django.utils.translation import gettext as _

                    return JsonResponse(
                        {"detail": _("Cần đổi mật khẩu trước khi tiếp tục.")}, status=403
                    )
                return redirect("accounts:password_change")
        return self.get_response(request)
