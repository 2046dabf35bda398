from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Reading documents (text, Word, PDF, scans) and extracting plans from their text."""

    name = "pcmd.intake"
    label = "intake"
