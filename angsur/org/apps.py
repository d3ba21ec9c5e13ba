from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "angsur.org"
    label = "org"
