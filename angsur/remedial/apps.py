from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemedialConfig(AppConfig):
    name = "angsur.remedial"
    label = "remedial"
    verbose_name = _("Remedial: field cash, warning letters, repossession")
