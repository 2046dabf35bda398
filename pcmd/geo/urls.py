from django.urls import path

from pcmd.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("search/", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/villages/new/", views.village_create, name="village_create"),
    path("<int:pk>/villages/change/", views.village_change, name="village_change"),
    path("<int:pk>/rename/", views.village_edit, name="village_edit"),
]
