from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Every model a quote is priced on: a change to any of them (a new rate card version included) makes
# the cached pricing terms stale (angsur/caching.py, family "pricing").
PRICING_MODELS = ("Product", "RateCard", "RateCardLine", "RateCardFee", "MinDpTier", "CompanyNpf")


class ProductsConfig(AppConfig):
    name = "angsur.products"
    label = "products"
    verbose_name = _("Products and pricing")

    def ready(self) -> None:
        from angsur.caching import invalidate_on_change

        invalidate_on_change("pricing", [self.get_model(name) for name in PRICING_MODELS])
