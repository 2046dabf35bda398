from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from pcmd.accounts.selectors import memberships_current


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = memberships_current(user=request.user).select_related("unit", "agency")
    return render(request, "core/home.html", {"memberships": memberships})


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def _error(
    request: HttpRequest, status: int, template: str, context: dict[str, str] | None = None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        from django.utils.translation import gettext as _

        messages = {
            400: _("Yêu cầu không hợp lệ."),
            403: _("Bạn không có quyền thực hiện việc này."),
            404: _("Không tìm thấy."),
            500: _("Lỗi hệ thống; vui lòng thử lại sau."),
        }
        return JsonResponse({"detail": messages[status]}, status=status)
    return render(request, template, context or {}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A view that refuses says why (PermissionDenied("...")); the page shows that reason.
    reason = str(exception) if exception is not None and str(exception) else ""
    return _error(request, 403, "errors/403.html", {"reason": reason})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the failure may be the database they would query.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Lỗi hệ thống / Server error"}, status=500)
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
