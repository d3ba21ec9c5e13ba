from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

# Every model a quote is priced on: a change to any of them (a new rate card version included) makes
# the cached pricing terms stale (angsur/caching.py, family "pricing").
PRICING_MODELS = ("Product", "RateCard", "RateCardLine", "RateCardFee", "MinDpTier", "CompanyNpf")


def _invalidate_pricing(sender: Any, **kwargs: Any) -> None:
    from angsur.caching import invalidate

    invalidate("pricing")


class ProductsConfig(AppConfig):
    name = "angsur.products"
    label = "products"
    verbose_name = _("Products and policies")

    def ready(self) -> None:
        for model_name in PRICING_MODELS:
            model = self.get_model(model_name)
            post_save.connect(_invalidate_pricing, sender=model, dispatch_uid=f"angsur.pricing.save.{model_name}")
            post_delete.connect(_invalidate_pricing, sender=model, dispatch_uid=f"angsur.pricing.delete.{model_name}")
