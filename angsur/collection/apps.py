from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "angsur.collection"
    label = "collection"
    verbose_name = _("Collection")

    def ready(self) -> None:
        from angsur.collection.worklists import WORKLISTS
        from angsur.org.worklists import register

        register(*WORKLISTS)
        self._after_end_of_day()

        from angsur.collection.contract_links import collection_case_link
        from angsur.servicing import contract_links

        contract_links.register("collection-case", collection_case_link)

    @staticmethod
    def _after_end_of_day() -> None:
        """The nightly collection work runs after each end-of-day closes (servicing/eod.py), when that hook exists."""
        try:
            from angsur.servicing import eod
        except ImportError:
            return
        hook = getattr(eod, "register_after_close", None)
        if hook is not None:
            from angsur.collection.services import collection_nightly

            hook(collection_nightly)
