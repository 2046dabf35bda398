from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "pcmd.geo"
    label = "geo"
