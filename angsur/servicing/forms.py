"""Forms of the servicing screens: amounts in whole rupiah typed the Indonesian way, dates within range."""

from django import forms
from django.utils.translation import gettext_lazy as _

from angsur.fields import BoundedDateField, RupiahField


class BookForm(forms.Form):
    signing_date = BoundedDateField(label=_("Signing date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    first_due_date = BoundedDateField(
        label=_("First due date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("Empty: one month after signing."),
    )


class PaymentForm(forms.Form):
    amount = RupiahField(label=_("Amount"))
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("counter", _("Counter")), ("transfer", _("Bank transfer")), ("va", _("Virtual account"))]
    )
    value_date = BoundedDateField(label=_("Payment date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class WaiverForm(forms.Form):
    amount = RupiahField(label=_("Amount"))
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1")
