from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemedialConfig(AppConfig):
    name = "angsur.remedial"
    label = "remedial"
    verbose_name = _("Remedial: field cash, warning letters, repossession")

    def ready(self) -> None:
        from angsur.remedial.contract_links import remedial_link
        from angsur.servicing import contract_links

        contract_links.register("remedial", remedial_link)
