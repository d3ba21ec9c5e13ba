"""The quote form: what the CMO types at the dealer."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from angsur.dealers.selectors import dealer_list
from angsur.fields import BoundedDateField, RupiahField
from angsur.finance.quote import OTR_MAX, TENOR_MAX_MONTHS
from angsur.products.models import VehicleCondition
from angsur.products.selectors import product_list


class QuoteForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=product_list(), to_field_name="code")
    vehicle_brand = forms.CharField(label=_("Brand"), max_length=60, required=False)
    vehicle_model = forms.CharField(label=_("Model / type"), max_length=80, required=False)
    vehicle_year = forms.IntegerField(label=_("Vehicle year"), min_value=1980, max_value=2100)
    vehicle_condition = forms.ChoiceField(label=_("Condition"), choices=VehicleCondition.choices)
    otr = RupiahField(label=_("OTR price (Rp)"), max_value=int(OTR_MAX))
    down_payment = RupiahField(label=_("Down payment (Rp)"), min_value=0, required=False)
    down_payment_pct = forms.DecimalField(
        label=_("or DP (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("99.99"),
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    tenor_months = forms.IntegerField(label=_("Tenor (months)"), min_value=1, max_value=TENOR_MAX_MONTHS)
    prospect_name = forms.CharField(label=_("Prospect name"), max_length=120, required=False)
    prospect_phone = forms.CharField(label=_("Prospect phone"), max_length=20, required=False)
    dealer = forms.ModelChoiceField(label=_("Dealer"), queryset=None, required=False, empty_label=_("— no dealer —"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = dealer_list(viewer=user)
        self.fields["product"].queryset = product_list()
        self.fields["vehicle_year"].initial = dt.date.today().year
        self.fields["vehicle_condition"].initial = VehicleCondition.NEW
        self.fields["tenor_months"].initial = 12

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        otr = data.get("otr")
        dp, dp_pct = data.get("down_payment"), data.get("down_payment_pct")
        if dp is None and dp_pct is None and not self.has_error("down_payment") and not self.has_error("down_payment_pct"):
            self.add_error("down_payment", _("Enter the down payment as an amount or a percentage."))
        elif dp is None and dp_pct is not None and otr is not None:
            # DP from a percentage is rounded up to the next rupiah, so it never falls below the percentage.
            data["down_payment"] = (otr * dp_pct / 100).to_integral_value(rounding="ROUND_CEILING")
        return data


class SaveQuoteForm(QuoteForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("prospect_name") or "").strip():
            self.add_error("prospect_name", _("The prospect's name is required to save a quote."))
        return data


class FollowUpForm(forms.Form):
    """When to follow a prospect up, and a short note (empty date: no follow-up planned)."""

    follow_up_on = BoundedDateField(label=_("Follow up on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    follow_up_note = forms.CharField(
        label=_("Note"), max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": _("e.g. call after payday")})
    )
