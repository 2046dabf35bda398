from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pcmd.core"
    label = "core"
    verbose_name = "PCMD core"
