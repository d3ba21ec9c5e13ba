"""Forms of the collection screens: a contact (with its promise and, for a visit, where and when), hand-over, assignment, consent."""

from django import forms
from django.utils.translation import gettext_lazy as _

from angsur.collection.models import ContactChannel
from angsur.collection.services import ContactData
from angsur.fields import BoundedDateField, BoundedDateTimeField, RupiahField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    result_code = forms.ChoiceField(label=_("Result"))
    promise_on = BoundedDateField(label=_("Promised date"), required=False, widget=DATE)
    promise_amount = RupiahField(label=_("Promised amount"), required=False, min_value=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    gps_taken_at = BoundedDateTimeField(required=False, widget=forms.HiddenInput)
    device_captured_at = BoundedDateTimeField(required=False, widget=forms.HiddenInput)
    gps_missing_reason = forms.CharField(label=_("Why there is no GPS position"), required=False, max_length=200)
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, result_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_code"].choices = [(r.code, r.label) for r in result_codes]

    def data_for_service(self) -> ContactData:
        d = self.cleaned_data
        return ContactData(
            channel=d["channel"],
            result_code=d["result_code"],
            note=d.get("note") or "",
            promise_on=d.get("promise_on"),
            promise_amount=d.get("promise_amount"),
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            gps_taken_at=d.get("gps_taken_at"),
            gps_missing_reason=d.get("gps_missing_reason") or "",
            device_captured_at=d.get("device_captured_at"),
        )


class HandOverForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Hand over to"))
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = list(targets)


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Collector"), coerce=int)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, collectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(u.pk, u.get_full_name() or u.username) for u in collectors]


class ConsentForm(forms.Form):
    note = forms.CharField(label=_("What the debtor agreed to"), max_length=1000)
    valid_until = BoundedDateField(label=_("Valid until"), widget=DATE)
