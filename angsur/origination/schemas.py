"""API answers of origination: one projection per viewer.

An application is answered in three projections, told apart by the viewer (origination/api.py: `_detail`):

- `DealerApplicationOut` — a dealer user: status, vehicle, terms and the privacy-safe notice
  (selectors.dealer_notice); never parties, income, bureau, survey or score data (UU 27/2022 PDP).
- `StaffApplicationOut` — branch staff: the full record, parties unmasked.
- `DeciderApplicationOut` — staff who decide credit: as staff, plus the SLIK results and each decision's
  analysis snapshot.

List rows are `DealerApplicationRowOut` (no NIK, phone or internal ids) or `StaffApplicationRowOut` (NIK
and phone masked). Amounts are decimal strings in rupiah, as everywhere in the API. A field that may be
absent is declared with a default and the routes answer with `exclude_unset=True`: it stays absent where
the projection leaves it out, rather than turning into a null.
"""

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, Tag

from angsur.products.schemas import QuoteResultOut, QuoteRowOut
from angsur.schemas import DecimalStr, MoneyStr, StoredJSON, projection_by_key

# --- parts -------------------------------------------------------------------------------------------------


class UserRefOut(Schema):
    id: int
    username: str
    name: str


class BranchRefOut(Schema):
    id: int
    code: str
    name: str


class DealerRefOut(Schema):
    id: int
    code: str
    name: str


class ErrorOut(Schema):
    """A domain error as the API answers it (angsur.errors.DomainError.as_dict)."""

    code: str
    message: str
    field: str | None = None


class ApplicationStateOut(Schema):
    """The application's state: `version` is what a write sends back as `expected_version`."""

    id: int
    number: str
    status: str
    status_label: str
    version: int


class VehicleOut(Schema):
    kind: str
    brand: str
    model: str
    year: int
    condition: str
    colour: str
    frame_number: str
    engine_number: str


class DealerTermsOut(Schema):
    otr: MoneyStr
    down_payment: MoneyStr
    tenor_months: int
    installment: MoneyStr
    tdp: MoneyStr


class TermsOut(DealerTermsOut):
    dp_pct: DecimalStr | None
    min_dp_pct: DecimalStr | None
    financed_principal: MoneyStr
    priced_on: dt.date
    rate_card_id: int
    quote: QuoteResultOut


class HouseholdOut(Schema):
    declared_income: MoneyStr
    declared_other_income: MoneyStr
    household_expense: MoneyStr
    dependents: int
    residence_ownership: str
    residence_months: int
    address_latitude: DecimalStr | None
    address_longitude: DecimalStr | None


class PartyOut(Schema):
    role: str
    full_name: str
    nik: str
    kk_number: str
    birth_place: str
    birth_date: dt.date
    sex: str
    marital_status: str
    mother_maiden_name: str
    phone: str
    phone_alt: str
    ktp_address: str
    domicile_address: str
    employment_type: str
    employer_name: str
    position: str
    employment_months: int
    monthly_income: MoneyStr


class ObligationOut(Schema):
    lender: str
    monthly_installment: MoneyStr
    outstanding: MoneyStr


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: UserRefOut | None
    uploaded_at: dt.datetime


class PhotoOut(Schema):
    id: int
    caption: str
    latitude: DecimalStr | None
    longitude: DecimalStr | None
    taken_at: dt.datetime
    content_type: str
    size: int


class InformantOut(Schema):
    name: str
    relation: str
    confirms_residence: bool
    answer: str


class SurveyOut(Schema):
    id: int
    application_id: int
    status: str
    surveyor: UserRefOut | None
    assigned_by: UserRefOut | None
    scheduled_for: dt.datetime
    completed_at: dt.datetime | None
    residence_ownership: str
    residence_months: int
    house_type: str
    house_condition: str
    road_access: str
    employer_verified: bool
    employment_verification: str
    employment_months: int
    dependents: int
    verified_income: MoneyStr
    household_income: MoneyStr
    household_expense: MoneyStr
    recommendation: str
    recommendation_reason: str
    latitude: DecimalStr | None
    longitude: DecimalStr | None
    distance_from_address_m: int | None
    gps_missing_reason: str
    gps_taken_at: dt.datetime | None
    device_captured_at: dt.datetime | None
    received_at: dt.datetime | None
    informants: list[InformantOut]
    photos: list[PhotoOut]


class CounterOfferOut(StoredJSON):
    """Terms that bring the DSR within the ceiling and meet the minimum DP (products.services.CounterOffer)."""

    kind: str
    down_payment: MoneyStr
    tenor_months: int
    installment: MoneyStr
    tdp: MoneyStr
    dsr_pct: DecimalStr


class PolicyParamsOut(StoredJSON):
    """The numbers behind a policy rule: `actual` compared by `op` with `limit`, and rule-specific facts."""

    actual: int | str | bool | None
    limit: int | str | bool
    op: str
    marital_status: str | None = None
    adult_by_marriage: bool | None = None
    maturity_date: str | None = None
    employment_type: str | None = None
    hits: list[str] | None = None
    missing: bool | None = None
    enquiry_date: str | None = None


class PolicyRuleOut(StoredJSON):
    code: str
    passed: bool
    knock_out: bool
    params: PolicyParamsOut
    message: str


class ScoreLineOut(StoredJSON):
    code: str
    label: str
    value: str | None
    bin: str
    points: int


class AnalysisFlagOut(StoredJSON):
    kind: str
    detail: str


class OwnContractOut(StoredJSON):
    contract_number: str
    branch_code: str
    monthly_installment: MoneyStr
    outstanding: MoneyStr


class AnalysisFiguresOut(StoredJSON):
    """DSR, policy rules and score (origination.selectors.Analysis.as_dict); a decision stores it as it stood."""

    income: MoneyStr
    household_income: MoneyStr
    existing_installments: MoneyStr
    dsr_pct: DecimalStr | None
    dsr_household_pct: DecimalStr | None
    disposable_per_dependent: MoneyStr | None
    dependents: int
    policy: list[PolicyRuleOut]
    score: int | None
    grade: str
    score_lines: list[ScoreLineOut]
    required_level: int | None
    missing_documents: list[str]
    flags: list[AnalysisFlagOut]
    distance_m: int | None
    own_contracts: list[OwnContractOut] = Field(default_factory=list, description="The applicant's open contracts, counted in the DSR")


class DecisionOut(Schema):
    id: int
    outcome: str
    level: int
    role: str
    decided_by: UserRefOut | None
    reason_codes: list[str]
    rationale: str
    counter_offer: CounterOfferOut | None
    on_appeal: bool
    reasons_override: bool
    created_at: dt.datetime


class DecisionWithAnalysisOut(DecisionOut):
    analysis: AnalysisFiguresOut


class AppealOut(Schema):
    id: int
    appellant: UserRefOut | None
    argument: str
    rejected_decision_id: int
    to_level: int
    created_at: dt.datetime


class FlagOut(Schema):
    kind: str
    label: str
    detail: str
    other_application_id: int | None
    created_at: dt.datetime


class ServiceLevelOut(Schema):
    label: str
    hours: float | None
    target_hours: int
    over: bool


class BureauCheckOut(Schema):
    id: int
    enquiry_date: dt.date
    consent_given: bool
    worst_collectibility: int | None
    outstanding: MoneyStr
    note: str
    entered_by: UserRefOut | None
    entered_at: dt.datetime


class DealerExplanationOut(Schema):
    code: str
    reason: str
    remedy: str


class DealerCounterOfferOut(StoredJSON):
    """The new terms as the dealer sees them (selectors._dealer_counter_offer)."""

    kind: str
    down_payment: MoneyStr
    tenor_months: int
    installment: MoneyStr | None = Field(
        None, description="Null when the offer sits near the DSR ceiling: the verified income would follow from it"
    )
    tdp: MoneyStr


class DealerConditionOut(Schema):
    kind: str
    label: str
    detail: str
    status: str = Field(..., description="open | fulfilled | waived")
    status_label: str


class ConditionOut(DealerConditionOut):
    """A condition of an approval, tracked until fulfilled or waived; booking waits for the open ones."""

    id: int
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution_note: str


class DealerTimelineOut(Schema):
    at: dt.datetime
    event: str = Field(..., description="created | submitted | survey_scheduled | surveyed | in_analysis | decided")
    label: str


class DealerDocumentOut(Schema):
    kind: str
    label: str
    uploaded_at: dt.datetime


class DealerNoticeOut(Schema):
    """What the dealer may know (selectors.dealer_notice): status, the CMO, the survey date, the milestones,
    conditions and documents, and for a rejection or condition why."""

    number: str
    status: str
    status_label: str
    explanations: list[DealerExplanationOut]
    counter_offer: DealerCounterOfferOut | None
    cmo_name: str
    survey_scheduled_for: dt.datetime | None
    timeline: list[DealerTimelineOut]
    conditions: list[DealerConditionOut]
    documents: list[DealerDocumentOut]


# --- applications ------------------------------------------------------------------------------------------


class DealerApplicationOut(ApplicationStateOut):
    """A dealer user's view of its order."""

    vehicle: VehicleOut
    terms: DealerTermsOut
    applicant_name: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    updated_at: dt.datetime
    notice: DealerNoticeOut


class StaffApplicationOut(ApplicationStateOut):
    """Branch staff's view: the full application."""

    allowed_actions: list[str]
    decision_level: int
    appeal_count: int
    branch: BranchRefOut
    dealer: DealerRefOut
    cmo: UserRefOut | None
    created_by: UserRefOut | None
    product: str
    vehicle: VehicleOut
    terms: TermsOut
    household: HouseholdOut
    applicant_name: str
    parties: list[PartyOut]
    obligations: list[ObligationOut]
    documents: list[DocumentOut]
    surveys: list[SurveyOut]
    decisions: list[DecisionOut]
    appeals: list[AppealOut]
    flags: list[FlagOut]
    conditions: list[ConditionOut]
    service_levels: list[ServiceLevelOut]
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    survey_assigned_at: dt.datetime | None
    surveyed_at: dt.datetime | None
    analysis_started_at: dt.datetime | None
    decided_at: dt.datetime | None
    updated_at: dt.datetime


class DeciderApplicationOut(StaffApplicationOut):
    """The view of staff who decide credit: with the SLIK results and each decision's analysis."""

    decisions: list[DecisionWithAnalysisOut]
    bureau_checks: list[BureauCheckOut]


ApplicationOut = Annotated[
    Annotated[DealerApplicationOut, Tag("dealer")]
    | Annotated[DeciderApplicationOut, Tag("decider")]
    | Annotated[StaffApplicationOut, Tag("staff")],
    # The dealer projection alone carries the notice, the deciders' alone the bureau checks.
    projection_by_key({"notice": "dealer", "bureau_checks": "decider"}, default="staff"),
]


class DealerApplicationRowOut(Schema):
    """A list row for a dealer user: no NIK, phone or internal ids."""

    id: int
    number: str
    status: str
    status_label: str
    applicant_name: str
    tenor_months: int
    installment: MoneyStr
    created_at: dt.datetime
    submitted_at: dt.datetime | None


class StaffApplicationRowOut(DealerApplicationRowOut):
    """A list row for staff: NIK and phone masked."""

    applicant_nik: str
    applicant_phone: str
    financed_principal: MoneyStr
    decision_level: int
    branch_id: int
    dealer_id: int
    cmo_id: int
    dealer_name: str | None = Field(None, description="Present where the list loads the dealer (every list but the dealer's own)")
    cmo_name: str | None = Field(None, description="Present where the list loads the CMO (the supervisor's worklist)")


ApplicationRowOut = Annotated[
    Annotated[StaffApplicationRowOut, Tag("staff")] | Annotated[DealerApplicationRowOut, Tag("dealer")],
    projection_by_key({"applicant_nik": "staff"}, default="dealer"),
]


class AnalysisSurveyOut(Schema):
    id: int
    completed_at: dt.datetime | None
    recommendation: str
    recommendation_reason: str
    verified_income: MoneyStr


class AnalysisOut(ApplicationStateOut):
    """What the analyst weighs, and the counter-offers that would fit the DSR ceiling."""

    as_of: dt.date
    income: MoneyStr
    household_income: MoneyStr
    existing_installments: MoneyStr
    dsr_pct: DecimalStr | None
    dsr_household_pct: DecimalStr | None
    disposable_per_dependent: MoneyStr | None
    dependents: int
    policy: list[PolicyRuleOut]
    score: int | None
    grade: str
    score_lines: list[ScoreLineOut]
    required_level: int | None
    missing_documents: list[str]
    flags: list[AnalysisFlagOut]
    distance_m: int | None
    own_contracts: list[OwnContractOut]
    policy_passed: bool
    notes: list[str]
    counter_offers: list[CounterOfferOut]
    counter_offers_error: ErrorOut | None
    bureau: BureauCheckOut | None
    survey: AnalysisSurveyOut | None


class PreCheckOut(ApplicationStateOut):
    """The CMO's pre-check (selectors.application_precheck): the analysis's DSR and rules without the bureau."""

    income: MoneyStr
    income_verified: bool = Field(..., description="True once the survey verified the income; the declared income before")
    existing_installments: MoneyStr
    dsr_pct: DecimalStr | None
    max_dsr_pct: DecimalStr
    dsr_fits: bool
    rules: list[PolicyRuleOut]
    missing_documents: list[str]
    passes: bool


# --- steps: the record a step made, with the application's new state --------------------------------------


class SurveyStepOut(SurveyOut):
    application: ApplicationStateOut


class BureauCheckStepOut(BureauCheckOut):
    application: ApplicationStateOut


class DecisionStepOut(DecisionWithAnalysisOut):
    application: ApplicationStateOut


class AppealStepOut(AppealOut):
    application: ApplicationStateOut


# --- survey drafts -----------------------------------------------------------------------------------------


class SurveyDraftFieldsOut(StoredJSON):
    """The survey form as saved so far: only the fields saved, each as the text it was saved as."""

    residence_ownership: str | None = None
    residence_months: str | None = None
    house_type: str | None = None
    house_condition: str | None = None
    road_access: str | None = None
    employer_verified: str | None = None
    employment_verification: str | None = None
    employment_months: str | None = None
    dependents: str | None = None
    verified_income: str | None = None
    household_income: str | None = None
    household_expense: str | None = None
    recommendation: str | None = None
    recommendation_reason: str | None = None
    latitude: str | None = None
    longitude: str | None = None


class DraftInformantOut(Schema):
    """A neighbour check as saved in the draft (every value as text; "" where not saved yet)."""

    name: str
    relation: str
    confirms_residence: str
    answer: str


class SurveyDraftOut(Schema):
    id: int
    application_id: int
    status: str
    surveyor: UserRefOut | None
    scheduled_for: dt.datetime
    application_version: int
    draft: SurveyDraftFieldsOut
    informants: list[DraftInformantOut]
    photos: list[PhotoOut]


# --- worklist ----------------------------------------------------------------------------------------------


class SurveyDueOut(Schema):
    id: int
    status: str
    scheduled_for: dt.datetime
    application_id: int
    application_number: str
    applicant_name: str


class ContractWorklistRowOut(Schema):
    """A contract on a worklist (kind "contracts": collection's and servicing's lists)."""

    contract_id: int
    case_id: int | None = None
    number: str
    customer: str
    dpd: int = Field(description="Days past due (0: not overdue)")
    amount: MoneyStr = Field(description="Overdue amount with late fees, or the installment due soon")
    due_date: dt.date | None = None
    url: str
    note: str = ""


class WorklistOut(Schema):
    """The caller's worklists from the one registry (org/worklists.py): a key for each list the role gets."""

    role: str
    collection_due_soon: list[ContractWorklistRowOut] | None = None
    collection_overdue: list[ContractWorklistRowOut] | None = None
    collection_broken_promises: list[ContractWorklistRowOut] | None = None
    collection_assigned: list[ContractWorklistRowOut] | None = None
    surveys_due: list[SurveyDueOut] | None = None
    # the fields in the registry's order (org/worklists.py: order=), as the home page shows them
    prospects: list[QuoteRowOut] | None = None
    books_to_make: list[StaffApplicationRowOut] | None = None
    reversals_waiting: list[ContractWorklistRowOut] | None = None
    open_orders: list[StaffApplicationRowOut] | None = None
    queue: list[StaffApplicationRowOut] | None = None
    escalations: list[StaffApplicationRowOut] | None = None
    appealable: list[StaffApplicationRowOut] | None = None
    to_assign: list[StaffApplicationRowOut] | None = None
    recent_decisions: list[StaffApplicationRowOut] | None = None
    orders: list[DealerApplicationRowOut] | None = None
    recent: list[StaffApplicationRowOut] | None = None
    collection_unassigned: list[ContractWorklistRowOut] | None = None
    collection_handed_over: list[ContractWorklistRowOut] | None = None
