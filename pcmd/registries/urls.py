"""Registry pages for signed-in users (the public tip page is in views/public.py)."""

from pcmd.registries.views import businesses, inspections, public, tips

app_name = "registries"
urlpatterns = [
    *businesses.urlpatterns,
    *inspections.urlpatterns,
    *tips.urlpatterns,
    *public.officer_urlpatterns,
]
