from django.urls import path

from pcmd.audit import views

app_name = "audit"
urlpatterns = [
    path("<slug:app_label>/<slug:model_name>/<str:pk>/", views.history, name="object_history"),
]
