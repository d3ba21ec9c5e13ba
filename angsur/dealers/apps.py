from django.apps import AppConfig


class DealersConfig(AppConfig):
    name = "angsur.dealers"
    label = "dealers"
