from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Official documents out: Word in the Nghị định 30/2020 format, PDF through LibreOffice."""

    name = "pcmd.documents"
    label = "documents"
