from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from angsur.audit.admin import AuditedModelAdmin
from angsur.fields import RupiahField
from angsur.finance.money import from_minor, to_minor
from angsur.products.models import CompanyNpf, MinDpTier, Product, RateCard, RateCardFee, RateCardLine
from angsur.products.usage import rate_card_used


def rate_card_in_use(card: Any) -> bool:
    """A rate card that priced a saved quote is frozen: publish a new version instead of editing it."""
    return card is not None and card.pk is not None and rate_card_used(card.pk)


class FrozenWhenUsedMixin:
    """Refuse changes to a rate card (and its lines and fees) once a saved quote used it."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not rate_card_in_use(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not rate_card_in_use(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class FrozenInlineMixin(FrozenWhenUsedMixin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not rate_card_in_use(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]


class RateCardLineInline(FrozenInlineMixin, admin.TabularInline):
    model = RateCardLine
    extra = 1


class RateCardFeeForm(forms.ModelForm):
    """A fee typed in rupiah, as on every other screen (the column holds sen: 500.000 → 50,000,000 sen)."""

    amount = RupiahField(label=_("fixed amount (Rp)"), min_value=0, required=False)

    class Meta:
        model = RateCardFee
        fields = ("code", "basis", "amount", "pct", "financed", "tenor_months")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["amount"] = from_minor(self.instance.amount_sen)

    def save(self, commit: bool = True) -> RateCardFee:
        self.instance.amount_sen = to_minor(self.cleaned_data.get("amount") or 0)
        return super().save(commit)


class RateCardFeeInline(FrozenInlineMixin, admin.TabularInline):
    model = RateCardFee
    form = RateCardFeeForm
    extra = 1


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "kind", "vehicle_kind", "is_active")


@admin.register(RateCard)
class RateCardAdmin(FrozenWhenUsedMixin, AuditedModelAdmin):
    list_display = ("product", "branch", "effective_from", "rate_kind", "timing", "min_dp_pct", "is_active")
    list_filter = ("product", "branch", "is_active")
    inlines = [RateCardLineInline, RateCardFeeInline]


@admin.register(MinDpTier)
class MinDpTierAdmin(AuditedModelAdmin):
    list_display = ("vehicle_kind", "npf_max_pct", "min_dp_pct", "effective_from")


@admin.register(CompanyNpf)
class CompanyNpfAdmin(AuditedModelAdmin):
    list_display = ("npf_pct", "is_sound", "effective_from")
