from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "angsur.documents"
    label = "documents"
