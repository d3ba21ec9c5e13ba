"""Forms of the remedial screens: receipt numbers, amounts in whole rupiah typed the Indonesian way, dates in range."""

from django import forms
from django.utils.translation import gettext_lazy as _

from angsur.fields import BoundedDateField, RupiahField
from angsur.remedial.models import EvidenceKind, LetterChannel

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
NUMBER = forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"})


class ReceiptForm(forms.Form):
    contract_number = forms.CharField(
        label=_("Contract number or virtual account"),
        max_length=40,
        widget=forms.TextInput(attrs={"list": "assigned-contracts", "autocomplete": "off"}),
    )
    number = forms.IntegerField(label=_("Receipt number"), min_value=1, max_value=10**12, widget=NUMBER)
    amount = RupiahField(label=_("Amount received"))


class SpoilForm(forms.Form):
    number = forms.IntegerField(label=_("Receipt number"), min_value=1, max_value=10**12, widget=NUMBER)
    reason = forms.CharField(label=_("Why it is spoiled"), max_length=300)


class BookletForm(forms.Form):
    collector = forms.TypedChoiceField(label=_("Collector"), coerce=int)
    first_number = forms.IntegerField(label=_("First number"), min_value=1, max_value=10**12, widget=NUMBER)
    last_number = forms.IntegerField(label=_("Last number"), min_value=1, max_value=10**12, widget=NUMBER)

    def __init__(self, *args, collectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collector"].choices = [(c.pk, c.get_full_name() or c.username) for c in collectors]


class DepositForm(forms.Form):
    collector = forms.IntegerField(widget=forms.HiddenInput)
    receipts = forms.TypedMultipleChoiceField(label=_("Receipts"), coerce=int, widget=forms.CheckboxSelectMultiple)
    counted = RupiahField(label=_("Cash counted"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, receipt_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipts"].choices = [(pk, str(pk)) for pk in receipt_ids]


class LetterForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Letter"), coerce=int, choices=[(1, "SP1"), (2, "SP2"), (3, "SP3")])


class SendForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=LetterChannel.choices)
    sent_on = BoundedDateField(label=_("Sent on"), widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    dated = BoundedDateField(label=_("Document date"), widget=DATE)
    document = forms.CharField(label=_("Document (number or reference)"), max_length=120)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class OpenForm(forms.Form):
    officer = forms.TypedChoiceField(label=_("Officer"), coerce=int)

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [(o.pk, o.get_full_name() or o.username) for o in officers]


class SecureForm(forms.Form):
    secured_on = BoundedDateField(label=_("Secured on"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    condition = forms.CharField(label=_("Unit condition"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    costs = RupiahField(label=_("Repossession costs"), min_value=0, required=False)


class FinishForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("close", _("Close")), ("cancel", _("Cancel"))])
    note = forms.CharField(label=_("Note"), max_length=500)


class PeriodForm(forms.Form):
    date_from = BoundedDateField(label=_("From"), widget=DATE, required=False)
    date_to = BoundedDateField(label=_("To"), widget=DATE, required=False)
