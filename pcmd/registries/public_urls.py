"""The public tip page: no account needed."""

from pcmd.registries.views import public

app_name = "public"
urlpatterns = [*public.urlpatterns]
