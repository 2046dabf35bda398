"""Activities pages: /activities/trainings/, staff-counts/, communication/, pilot-models/."""

from pcmd.activities.views import communication, trainings

app_name = "activities"
urlpatterns = [*trainings.urlpatterns, *communication.urlpatterns]
