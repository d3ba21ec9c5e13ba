from django.apps import AppConfig


class DevdataConfig(AppConfig):
    name = "angsur.devdata"
    label = "devdata"
