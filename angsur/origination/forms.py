"""Forms at the edge of origination: parse and validate input, then hand over to the services."""

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from angsur.dealers.selectors import dealer_list
from angsur.fields import BoundedDateField, BoundedDateTimeField, RupiahField
from angsur.origination.models import (
    ConditionKind,
    DocumentKind,
    EmploymentType,
    MaritalStatus,
    Recommendation,
    ResidenceOwnership,
    Sex,
)
from angsur.origination.reasons import ReasonCode
from angsur.origination.services import ConditionData, HouseholdData, InformantData, PartyData, VehicleData, identity_error
from angsur.products.models import VehicleCondition
from angsur.products.selectors import product_list
from angsur.scoring import normalize_phone, validate_kk
from angsur.scoring.errors import ScoringError
from angsur.scoring.identity import normalize_nik, normalize_vehicle_number

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _identifier(value: str, normalise: Any) -> str:
    """The identifier in its stored form (scoring.identity), or the field's translated error."""
    if not value.strip():
        return ""
    try:
        return normalise(value)
    except ScoringError as error:
        raise forms.ValidationError(identity_error(error, "").message, code=error.code) from None


class PartyForm(forms.Form):
    # The CMO types the customer's data on their own phone: the browser must not offer the CMO's own name or number.
    full_name = forms.CharField(label=_("Full name (as on KTP)"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    nik = forms.CharField(label=_("NIK"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    kk_number = forms.CharField(
        label=_("Family card (KK) number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_place = forms.CharField(label=_("Place of birth"), max_length=60)
    birth_date = BoundedDateField(label=_("Date of birth"), widget=DATE)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=MaritalStatus.choices)
    mother_maiden_name = forms.CharField(label=_("Mother's maiden name"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
    )
    phone_alt = forms.CharField(
        label=_("Other phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
    )
    ktp_address = forms.CharField(label=_("Address on KTP"), widget=forms.Textarea(attrs={"rows": 2}))
    domicile_address = forms.CharField(label=_("Domicile address (if different)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    employment_type = forms.ChoiceField(label=_("Employment"), choices=EmploymentType.choices)
    employer_name = forms.CharField(label=_("Employer / business"), max_length=120, required=False)
    position = forms.CharField(label=_("Position"), max_length=80, required=False)
    employment_months = forms.IntegerField(label=_("Length of employment (months)"), min_value=0, max_value=720, initial=0)
    monthly_income = RupiahField(label=_("Net monthly income (Rp)"), min_value=0, required=False)

    # Identifiers are normalised here, at the edge, to the one form they are stored and compared in.
    def clean_nik(self) -> str:
        return _identifier(self.cleaned_data.get("nik", ""), normalize_nik)

    def clean_kk_number(self) -> str:
        return _identifier(self.cleaned_data.get("kk_number", ""), validate_kk)

    def clean_phone(self) -> str:
        return _identifier(self.cleaned_data.get("phone", ""), normalize_phone)

    def clean_phone_alt(self) -> str:
        return _identifier(self.cleaned_data.get("phone_alt", ""), normalize_phone)

    def to_data(self) -> PartyData:
        data = dict(self.cleaned_data)
        data["monthly_income"] = data.get("monthly_income") or Decimal(0)
        return PartyData(**data)


class ApplicantForm(PartyForm):
    """The applicant: their net monthly income is the order's one income figure (required, above zero)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["monthly_income"].required = True

    def clean_monthly_income(self) -> Decimal:
        income = self.cleaned_data.get("monthly_income")
        if income is not None and income <= 0:
            raise forms.ValidationError(_("The applicant's net monthly income must be greater than zero."))
        return income


class OptionalPartyForm(PartyForm):
    """Spouse or guarantor: optional as a whole; once a name is given, the rest is required."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.filled = bool(self.data.get(self.add_prefix("full_name"), "").strip()) if self.is_bound else False
        if not self.filled:
            for field in self.fields.values():
                field.required = False

    def to_data(self) -> PartyData | None:
        return super().to_data() if self.filled else None


class ApplicationForm(forms.Form):
    dealer = forms.ModelChoiceField(label=_("Dealer"), queryset=None)
    product = forms.ModelChoiceField(label=_("Product"), queryset=None, to_field_name="code")
    vehicle_brand = forms.CharField(label=_("Brand"), max_length=60)
    vehicle_model = forms.CharField(label=_("Model / type"), max_length=80)
    vehicle_year = forms.IntegerField(label=_("Vehicle year"), min_value=1980, max_value=2100)
    vehicle_condition = forms.ChoiceField(label=_("Condition"), choices=VehicleCondition.choices)
    vehicle_colour = forms.CharField(label=_("Colour"), max_length=40, required=False)
    frame_number = forms.CharField(label=_("Frame number (if known)"), max_length=40, required=False)
    engine_number = forms.CharField(label=_("Engine number (if known)"), max_length=40, required=False)
    otr = RupiahField(label=_("OTR price (Rp)"))
    down_payment = RupiahField(label=_("Down payment (Rp)"), min_value=0)
    tenor_months = forms.IntegerField(label=_("Tenor (months)"), min_value=1, max_value=120)
    other_income = RupiahField(
        label=_("Other household income (Rp)"),
        min_value=0,
        required=False,
        help_text=_("Besides the applicant's and the spouse's, e.g. a working child."),
    )
    household_expense = RupiahField(label=_("Household expenses per month (Rp)"), min_value=0, required=False)
    dependents = forms.IntegerField(label=_("Dependents"), min_value=0, max_value=30, initial=0)
    residence_ownership = forms.ChoiceField(label=_("Residence"), choices=ResidenceOwnership.choices)
    residence_months = forms.IntegerField(label=_("Length of stay (months)"), min_value=0, max_value=1200, initial=0)
    address_latitude = forms.DecimalField(
        label=_("Latitude of the home"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    address_longitude = forms.DecimalField(
        label=_("Longitude of the home"), required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    obligation_1_lender = forms.CharField(label=_("Existing loan 1: lender"), max_length=120, required=False)
    obligation_1_amount = RupiahField(label=_("installment (Rp)"), min_value=0, required=False)
    obligation_2_lender = forms.CharField(label=_("Existing loan 2: lender"), max_length=120, required=False)
    obligation_2_amount = RupiahField(label=_("installment (Rp)"), min_value=0, required=False)
    # A new key with every blank form; a second tap on "save" sends the same key and gets the same order.
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    VEHICLE_FIELDS = (
        "dealer",
        "product",
        "vehicle_brand",
        "vehicle_model",
        "vehicle_year",
        "vehicle_condition",
        "vehicle_colour",
        "frame_number",
        "engine_number",
        "otr",
        "down_payment",
        "tenor_months",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = dealer_list(viewer=user)
        self.fields["product"].queryset = product_list()
        self.fields["idempotency_key"].initial = uuid.uuid4().hex

    def vehicle_fields(self) -> list[Any]:
        return [self[name] for name in self.VEHICLE_FIELDS]

    def household_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.VEHICLE_FIELDS and not self[name].is_hidden]

    def clean_frame_number(self) -> str:
        return _identifier(self.cleaned_data.get("frame_number", ""), normalize_vehicle_number)

    def clean_engine_number(self) -> str:
        return _identifier(self.cleaned_data.get("engine_number", ""), normalize_vehicle_number)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("otr") is not None and data.get("down_payment") is not None and data["down_payment"] >= data["otr"]:
            self.add_error("down_payment", _("The down payment must be less than the OTR price."))
        for n in (1, 2):
            if bool(data.get(f"obligation_{n}_lender")) != bool(data.get(f"obligation_{n}_amount")):
                self.add_error(f"obligation_{n}_amount", _("Give both the lender and the monthly installment."))
        return data

    def vehicle(self) -> VehicleData:
        d = self.cleaned_data
        return VehicleData(
            kind=d["product"].vehicle_kind,
            brand=d["vehicle_brand"],
            model=d["vehicle_model"],
            year=d["vehicle_year"],
            condition=d["vehicle_condition"],
            colour=d["vehicle_colour"],
            frame_number=d["frame_number"],
            engine_number=d["engine_number"],
        )

    def household(self) -> HouseholdData:
        d = self.cleaned_data
        obligations = tuple((d[f"obligation_{n}_lender"], d[f"obligation_{n}_amount"]) for n in (1, 2) if d.get(f"obligation_{n}_lender"))
        return HouseholdData(
            other_income=d.get("other_income") or Decimal(0),
            household_expense=d.get("household_expense") or Decimal(0),
            dependents=d["dependents"],
            residence_ownership=d["residence_ownership"],
            residence_months=d["residence_months"],
            address_latitude=d.get("address_latitude"),
            address_longitude=d.get("address_longitude"),
            obligations=obligations,
        )


class SurveyAssignForm(forms.Form):
    surveyor = forms.ModelChoiceField(label=_("Surveyor"), queryset=None)
    scheduled_for = BoundedDateTimeField(
        label=_("Visit"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    def __init__(self, *args: Any, surveyors: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["surveyor"].queryset = surveyors


class SurveyForm(forms.Form):
    residence_ownership = forms.ChoiceField(label=_("Residence ownership"), choices=ResidenceOwnership.choices)
    residence_months = forms.IntegerField(label=_("Length of stay (months)"), min_value=0, max_value=1200)
    house_type = forms.CharField(label=_("House type"), max_length=40)
    house_condition = forms.CharField(label=_("House condition"), max_length=40)
    road_access = forms.CharField(label=_("Road access"), max_length=40)
    employer_verified = forms.BooleanField(label=_("Employment verified"), required=False)
    employment_verification = forms.CharField(label=_("How employment was verified"), max_length=200)
    employment_months = forms.IntegerField(label=_("Verified length of employment (months)"), min_value=0, max_value=720)
    dependents = forms.IntegerField(label=_("Dependents (from KK)"), min_value=0, max_value=30)
    verified_income = RupiahField(label=_("Verified net monthly income (Rp)"), min_value=0)
    household_income = RupiahField(label=_("Household income besides the applicant's: spouse and others (Rp)"), min_value=0, required=False)
    household_expense = RupiahField(label=_("Household expenses (Rp)"), min_value=0, required=False)
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect)
    recommendation_reason = forms.CharField(label=_("Reason for the recommendation"), widget=forms.Textarea(attrs={"rows": 3}))
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    # Without a position (GPS refused or unavailable) the CMO says why; field.js shows the box only then.
    gps_missing_reason = forms.CharField(
        label=_("No GPS position: why?"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # When and where the survey was done as the phone saw it (the GPS fix's time, the phone's clock at the
    # tap on Complete), and the outbox's idempotency key: filled by field.js.
    gps_taken_at = BoundedDateTimeField(required=False, widget=forms.HiddenInput)
    device_captured_at = BoundedDateTimeField(required=False, widget=forms.HiddenInput)
    submit_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    informant_1_name = forms.CharField(label=_("Informant 1: name"), max_length=120)
    informant_1_relation = forms.CharField(label=_("relation"), max_length=60)
    informant_1_confirms = forms.BooleanField(label=_("confirms the applicant lives here"), required=False)
    informant_1_answer = forms.CharField(label=_("what they said"), widget=forms.Textarea(attrs={"rows": 2}))
    informant_2_name = forms.CharField(label=_("Informant 2: name"), max_length=120)
    informant_2_relation = forms.CharField(label=_("relation"), max_length=60)
    informant_2_confirms = forms.BooleanField(label=_("confirms the applicant lives here"), required=False)
    informant_2_answer = forms.CharField(label=_("what they said"), widget=forms.Textarea(attrs={"rows": 2}))

    def values(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["household_income"] = d.get("household_income") or Decimal(0)
        d["household_expense"] = d.get("household_expense") or Decimal(0)
        return d

    def informants(self) -> list[InformantData]:
        d = self.cleaned_data
        return [
            InformantData(d[f"informant_{n}_name"], d[f"informant_{n}_relation"], d[f"informant_{n}_confirms"], d[f"informant_{n}_answer"])
            for n in (1, 2)
        ]


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    caption = forms.CharField(label=_("Caption"), max_length=120, required=False)
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    taken_at = BoundedDateTimeField(required=False, widget=forms.HiddenInput)
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File (image or PDF)"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}))


class BureauForm(forms.Form):
    enquiry_date = BoundedDateField(label=_("SLIK enquiry date"), widget=DATE)
    consent_given = forms.BooleanField(label=_("Applicant consented to the SLIK enquiry"), required=False)
    worst_collectibility = forms.TypedChoiceField(
        label=_("Worst collectibility (Kol)"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("No credit history"))] + [(k, f"Kol {k}") for k in range(1, 6)],
    )
    outstanding = RupiahField(label=_("Outstanding debt (Rp)"), min_value=0, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approve", _("Approve")),
            ("approve_conditions", _("Approve with conditions")),
            ("reject", _("Reject")),
            ("escalate", _("Escalate to the next level")),
        ],
    )
    counter_offer_kind = forms.ChoiceField(
        label=_("Counter-offer"),
        required=False,
        choices=[("", _("Best available")), ("dp", _("Larger down payment")), ("tenor", _("Longer tenor"))],
    )
    counter_offer_tenor = forms.IntegerField(
        label=_("Or another tenor (months), same DP"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=_("For example a shorter tenor than asked; the quote engine prices it and checks the DSR."),
    )
    reason_codes = forms.MultipleChoiceField(label=_("Reasons"), choices=ReasonCode.choices, widget=forms.CheckboxSelectMultiple)
    reasons_override = forms.BooleanField(label=_("Keep a reason the analysis contradicts (explain why in the rationale)"), required=False)
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 3}))
    documents_override = forms.CharField(
        label=_("Approve without the missing documents: the reason"),
        required=False,
        max_length=300,
        help_text=_("Only a chief credit analyst or above; recorded and audited."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    # Conditions of an approval other than new terms; each is tracked until fulfilled (shown to the dealer).
    CONDITION_KINDS = (
        (ConditionKind.GUARANTOR, _("e.g. the applicant's brother, with his KTP")),
        (ConditionKind.SPOUSE_SIGNATURE, ""),
        (ConditionKind.DOCUMENTS, _("which documents")),
        (ConditionKind.OTHER, _("what is needed")),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for kind, hint in self.CONDITION_KINDS:
            self.fields[f"condition_{kind}"] = forms.BooleanField(label=ConditionKind(kind).label, required=False)
            self.fields[f"condition_{kind}_detail"] = forms.CharField(
                label=_("Detail: %(condition)s") % {"condition": ConditionKind(kind).label},
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"placeholder": hint} if hint else {}),
            )

    def condition_rows(self) -> list[tuple[Any, Any]]:
        """(checkbox, detail) bound fields per condition kind, for the template."""
        return [(self[f"condition_{kind}"], self[f"condition_{kind}_detail"]) for kind, _hint in self.CONDITION_KINDS]

    def conditions(self) -> list[ConditionData]:
        d = self.cleaned_data
        chosen = [kind for kind, _hint in self.CONDITION_KINDS if d.get(f"condition_{kind}")]
        return [ConditionData(str(kind), d.get(f"condition_{kind}_detail", "")) for kind in chosen]


class AppealForm(forms.Form):
    argument = forms.CharField(label=_("Argument for the appeal"), widget=forms.Textarea(attrs={"rows": 4}), min_length=20)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConditionResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Resolution"), choices=[("fulfilled", _("Fulfilled")), ("waived", _("Waived"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)
