from django.urls import URLPattern

app_name = "programme"
urlpatterns: list[URLPattern] = []
