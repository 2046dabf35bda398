"""The JSON API: one NinjaAPI assembling each app's router, with one way to report errors."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from pcmd.activities.api import router as activities_router
from pcmd.core.api_auth import api_auth
from pcmd.core.errors import ServiceError
from pcmd.geo.api import router as units_router
from pcmd.orgs.api import router as agencies_router
from pcmd.plans.api import router as plans_router
from pcmd.programme.api import router as programme_router
from pcmd.registries.api import router as registries_router
from pcmd.reporting.api import router as reporting_router
from pcmd.reporting.services.reports import ReportConflict

api = NinjaAPI(
    title="PCMD API",
    version="1",
    description=(
        "API của hệ thống PCMD. Xác thực bằng phiên đăng nhập (kèm CSRF) hoặc "
        "`Authorization: Bearer <mã truy cập>` tạo ở trang Tài khoản.\n\n"
        "The PCMD API. Authenticate with the browser session (with CSRF) or a bearer token "
        "created on the account page. Dates are ISO 8601 (YYYY-MM-DD)."
    ),
    auth=api_auth,
    urls_namespace="api",
)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)


@api.exception_handler(ReportConflict)
def _conflict(request: HttpRequest, exc: ReportConflict) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)


@api.exception_handler(NinjaValidationError)
def _input_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = []
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path"))
        fields.append({"field": loc, "message": err.get("msg", "")})
    return api.create_response(
        request, {"detail": _("Dữ liệu gửi lên không hợp lệ."), "errors": fields}, status=422
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or _("Bạn không có quyền thực hiện việc này.")
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Cần đăng nhập hoặc mã truy cập hợp lệ.")}, status=401
    )


class MembershipOut(Schema):
    unit_id: int
    unit_name: str
    role: str
    valid_from: Any
    valid_to: Any


class MeOut(Schema):
    username: str
    full_name: str
    memberships: list[MembershipOut]


@api.get(
    "/me", response=MeOut, tags=["accounts"], summary="The signed-in user and their memberships"
)
def me(request: HttpRequest) -> dict[str, Any]:
    from pcmd.accounts.selectors import memberships_current

    user: Any = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "memberships": [
            {
                "unit_id": m.unit_id,
                "unit_name": m.unit.name,
                "role": m.role,
                "valid_from": m.valid_from,
                "valid_to": m.valid_to,
            }
            for m in memberships_current(user=user).select_related("unit")
        ],
    }


api.add_router("/units", units_router, tags=["units"])
api.add_router("/agencies", agencies_router, tags=["agencies"])
api.add_router("/plans", plans_router, tags=["plans"])
api.add_router("", reporting_router, tags=["reporting"])
api.add_router("", registries_router)
api.add_router("", activities_router)
api.add_router("", programme_router)
