from django.urls import path

from pcmd.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("completeness/", views.completeness, name="completeness"),
]
