from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "angsur.web"
    label = "web"
