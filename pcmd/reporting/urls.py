from django.urls import path

from pcmd.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("open/", views.report_open, name="open"),
    path("approvals/", views.approval_queue, name="approvals"),
    path("import/", views.bulk_import, name="bulk_import"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/save/", views.report_save, name="save"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/approve/", views.report_approve, name="approve"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/reopen/", views.report_reopen, name="reopen"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/export.<str:fmt>", views.report_export, name="export"),
    path("<int:pk>/import/", views.report_import, name="import"),
]
