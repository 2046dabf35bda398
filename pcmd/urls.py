from django.contrib import admin
from django.urls import include, path

from pcmd.api import api
from pcmd.core import views as core_views

urlpatterns = [
    path("", include("pcmd.core.urls")),
    path("accounts/", include("pcmd.accounts.urls")),
    path("units/", include("pcmd.geo.urls")),
    path("agencies/", include("pcmd.orgs.urls")),
    path("plans/", include("pcmd.plans.urls")),
    path("reports/", include("pcmd.reporting.urls")),
    path("dashboard/", include("pcmd.analytics.urls")),
    path("registries/", include("pcmd.registries.urls")),
    path("activities/", include("pcmd.activities.urls")),
    path("programme/", include("pcmd.programme.urls")),
    # The public tip page (tin báo): reachable without an account.
    path("tin-bao/", include("pcmd.registries.public_urls")),
    path("history/", include("pcmd.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
