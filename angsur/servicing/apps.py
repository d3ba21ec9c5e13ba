from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicingConfig(AppConfig):
    name = "angsur.servicing"
    label = "servicing"
    verbose_name = _("Servicing")

    def ready(self) -> None:
        from angsur.org.worklists import register
        from angsur.servicing.worklists import WORKLISTS

        register(*WORKLISTS)

        from angsur.origination import exposure
        from angsur.servicing.exposure import open_contracts_for_nik

        exposure.register(open_contracts_for_nik)
