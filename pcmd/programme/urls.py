"""Pages of the programme app: budget entries, allocation versus spending, commendations."""

from pcmd.programme.views import budget, commendations

app_name = "programme"
urlpatterns = [*budget.urlpatterns, *commendations.urlpatterns]
