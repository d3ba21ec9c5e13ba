from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OriginationConfig(AppConfig):
    name = "angsur.origination"
    label = "origination"
    verbose_name = _("Origination")

    def ready(self) -> None:
        from angsur.org.worklists import register
        from angsur.origination.quote_selectors import rate_card_quoted
        from angsur.origination.worklists import WORKLISTS
        from angsur.products import usage

        register(*WORKLISTS)
        usage.register(rate_card_quoted)
