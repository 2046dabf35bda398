"""Pages: tips."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
