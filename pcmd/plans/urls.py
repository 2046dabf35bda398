from django.urls import path

from pcmd.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.plan_upload, name="upload"),
    path("import/<uuid:pk>/", views.import_status, name="import_status"),
    path("<int:pk>/", views.plan_review, name="review"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/issue/", views.plan_issue, name="issue"),
    path("<int:pk>/delete/", views.plan_delete, name="delete"),
    path("<int:pk>/derive/", views.plan_derive, name="derive"),
    path("<int:pk>/source/", views.plan_source, name="source"),
    path("<int:pk>/export.<str:fmt>", views.plan_export_view, name="export"),
    path("<int:pk>/<str:kind>/new/", views.item_new, name="item_new"),
    path("<int:pk>/<str:kind>/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/<str:kind>/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/<str:kind>/<int:item_pk>/accept/", views.item_accept, name="item_accept"),
    path("<int:pk>/accept-all/", views.plan_accept_all, name="accept_all"),
]
