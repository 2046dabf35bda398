from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pcmd.audit"
    label = "audit"
