from django.urls import path

from pcmd.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.agency_list, name="list"),
    path("new/", views.agency_create, name="create"),
    path("<int:pk>/", views.agency_detail, name="detail"),
    path("<int:pk>/edit/", views.agency_edit, name="edit"),
    path("<int:pk>/deactivate/", views.agency_deactivate, name="deactivate"),
    path("unit/<int:pk>/", views.unit_agencies, name="unit_agencies"),
    path("unit/<int:pk>/standard/", views.unit_ensure_standard, name="unit_ensure_standard"),
]
