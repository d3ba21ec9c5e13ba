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


class FiduciaryForm(forms.Form):
    deed_number = forms.CharField(label=_("Fiduciary deed number"), max_length=60)
    deed_date = BoundedDateField(label=_("Deed date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    registered_on = BoundedDateField(
        label=_("Registered on"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class BpkbForm(forms.Form):
    action = forms.ChoiceField(
        label=_("BPKB"),
        choices=[
            ("receive", _("Received from the dealer")),
            ("borrow", _("Borrowed")),
            ("return", _("Returned")),
            ("release", _("Released to the customer")),
        ],
    )
    bpkb_number = forms.CharField(label=_("BPKB number"), max_length=40, required=False)
    vault_location = forms.CharField(label=_("Vault location"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
