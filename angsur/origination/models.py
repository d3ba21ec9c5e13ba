"""Orders and applications, parties, documents, surveys, bureau checks, flags, decisions and appeals.

Money is integer sen; an approved application carries everything a contract needs: the quote as
priced (terms and the finance core's full result), parties, vehicle, dealer and the owning CMO.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from angsur.finance.money import from_minor
from angsur.finance.policy import dp_pct as finance_dp_pct
from angsur.finance.policy import pct_shown_down
from angsur.origination.workflow import Status
from angsur.products.models import PCT, Timing, VehicleCondition


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class EmploymentType(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    SELF_EMPLOYED = "self_employed", _("Self-employed / business owner")
    OTHER = "other", _("Other")


class ResidenceOwnership(models.TextChoices):
    OWN = "own", _("Own")
    FAMILY = "family", _("Family-owned")
    RENT = "rent", _("Rented")
    OFFICIAL = "official", _("Official housing")


class Application(models.Model):
    number = models.CharField(_("number"), max_length=24, unique=True)
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="applications")
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, related_name="applications")
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_applications", verbose_name=_("CMO"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped by every transition.")
    # authority level that must decide next (1 analyst, 2 chief analyst / marketing head, 3 branch manager)
    decision_level = models.PositiveSmallIntegerField(default=1)
    appeal_count = models.PositiveSmallIntegerField(default=0)

    # vehicle
    vehicle_kind = models.CharField(_("vehicle kind"), max_length=20)
    vehicle_brand = models.CharField(_("brand"), max_length=60)
    vehicle_model = models.CharField(_("model"), max_length=80)
    vehicle_year = models.PositiveIntegerField(_("year"))
    vehicle_condition = models.CharField(_("condition"), max_length=10)
    vehicle_colour = models.CharField(_("colour"), max_length=40, blank=True)
    frame_number = models.CharField(_("frame number"), max_length=40, blank=True, db_index=True)
    engine_number = models.CharField(_("engine number"), max_length=40, blank=True)

    # the quote as priced (re-priced when a counter-offer is accepted)
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    rate_card = models.ForeignKey("products.RateCard", on_delete=models.PROTECT, related_name="+")
    priced_on = models.DateField(_("priced on"))
    otr_sen = models.BigIntegerField()
    down_payment_sen = models.BigIntegerField()
    tenor_months = models.PositiveIntegerField()
    installment_sen = models.BigIntegerField()
    financed_principal_sen = models.BigIntegerField()
    tdp_sen = models.BigIntegerField()
    min_dp_pct = models.DecimalField(max_digits=9, decimal_places=4)
    quote_result = models.JSONField()

    # household finances declared at application, verified by the survey
    # The applicant's own net income (the same figure as the applicant party's); the spouse's is on the spouse party.
    declared_income_sen = models.BigIntegerField(_("declared net monthly income"), default=0)
    declared_other_income_sen = models.BigIntegerField(_("other household income declared"), default=0)
    household_expense_sen = models.BigIntegerField(_("monthly household expenses"), default=0)
    dependents = models.PositiveSmallIntegerField(_("dependents"), default=0)
    residence_ownership = models.CharField(_("residence"), max_length=10, choices=ResidenceOwnership.choices, blank=True)
    residence_months = models.PositiveIntegerField(_("length of stay (months)"), default=0)
    address_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    # denormalised for worklists and search (indexed); the full party lives in Party
    applicant_name = models.CharField(_("applicant"), max_length=120)
    # lower-cased name for prefix search; a pattern-ops index serves LIKE 'budi%' on PostgreSQL
    applicant_name_key = models.CharField(max_length=120, default="")
    applicant_nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, db_index=True)

    # service-level timestamps
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    survey_assigned_at = models.DateTimeField(null=True, blank=True)
    surveyed_at = models.DateTimeField(null=True, blank=True)
    analysis_started_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not stored: True on the order that application_create answers for a repeated idempotency key.
    replayed: bool = False

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["branch", "status", "submitted_at"]),
            models.Index(fields=["dealer", "created_at"]),
            models.Index(fields=["cmo", "status"]),
            models.Index(fields=["branch", "status", "decided_at"]),
            models.Index(fields=["applicant_name_key"], name="application_name_key_idx", opclasses=["varchar_pattern_ops"]),
            # Measured at 200,000 applications (bench/pages.py): the branch's and head office's list
            # pages, and head office's worklists, read these instead of sorting the book.
            models.Index(fields=["branch", "created_at"], name="application_branch_created_idx"),
            models.Index(fields=["created_at"], name="application_created_idx"),
            models.Index(fields=["status", "submitted_at"], name="application_status_submit_idx"),
            models.Index(fields=["status", "decided_at"], name="application_status_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name}"

    @staticmethod
    def name_key(name: str) -> str:
        """The search form of a name: lower case, single spaces."""
        return " ".join(name.lower().split())[:120]

    @property
    def otr(self) -> Decimal:
        return from_minor(self.otr_sen)

    @property
    def down_payment(self) -> Decimal:
        return from_minor(self.down_payment_sen)

    @property
    def installment(self) -> Decimal:
        return from_minor(self.installment_sen)

    @property
    def financed_principal(self) -> Decimal:
        return from_minor(self.financed_principal_sen)

    @property
    def tdp(self) -> Decimal:
        return from_minor(self.tdp_sen)

    @property
    def declared_income(self) -> Decimal:
        return from_minor(self.declared_income_sen)

    @property
    def declared_other_income(self) -> Decimal:
        return from_minor(self.declared_other_income_sen)

    @property
    def household_expense(self) -> Decimal:
        return from_minor(self.household_expense_sen)

    @property
    def dp_pct(self) -> Decimal:
        """The DP as a percent of OTR as shown (rounded down to 0.01 %); the policy compares it unrounded."""
        return pct_shown_down(finance_dp_pct(self.otr, self.down_payment)) if self.otr_sen > 0 else Decimal(0)


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    SPOUSE = "spouse", _("Spouse")
    GUARANTOR = "guarantor", _("Guarantor")


class Party(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices)
    full_name = models.CharField(_("full name"), max_length=120)
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    kk_number = models.CharField(_("family card (KK) number"), max_length=16, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=60)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    marital_status = models.CharField(_("marital status"), max_length=10, choices=MaritalStatus.choices)
    mother_maiden_name = models.CharField(_("mother's maiden name"), max_length=120, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20)
    phone_alt = models.CharField(_("other phone"), max_length=20, blank=True)
    ktp_address = models.TextField(_("address on KTP"))
    domicile_address = models.TextField(_("domicile address"), blank=True)
    employment_type = models.CharField(_("employment"), max_length=16, choices=EmploymentType.choices, default=EmploymentType.EMPLOYEE)
    employer_name = models.CharField(_("employer / business"), max_length=120, blank=True)
    position = models.CharField(_("position"), max_length=80, blank=True)
    employment_months = models.PositiveIntegerField(_("length of employment (months)"), default=0)
    monthly_income_sen = models.BigIntegerField(_("net monthly income"), default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["application", "role"], name="one_party_per_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.full_name}"

    @property
    def monthly_income(self) -> Decimal:
        return from_minor(self.monthly_income_sen)


class Obligation(models.Model):
    """An existing loan installment of the household (counts in the DSR)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="obligations")
    lender = models.CharField(_("lender"), max_length=120)
    monthly_installment_sen = models.BigIntegerField(_("monthly installment"))
    outstanding_sen = models.BigIntegerField(_("outstanding"), default=0)

    @property
    def monthly_installment(self) -> Decimal:
        return from_minor(self.monthly_installment_sen)

    def __str__(self) -> str:
        return f"{self.lender}: {self.monthly_installment}"


class DocumentKind(models.TextChoices):
    EKTP = "ektp", _("e-KTP")
    KK = "kk", _("Family card (KK)")
    PAYSLIP = "payslip", _("Payslip")
    BANK_STATEMENT = "bank_statement", _("Bank statement")
    PBB_OR_ELECTRICITY = "pbb_or_electricity", _("PBB or electricity bill")
    APPLICANT_PHOTO = "applicant_photo", _("Applicant photo")
    BPKB = "bpkb", _("BPKB copy")
    OTHER = "other", _("Other")


class Document(models.Model):
    """An uploaded document, stored outside the web root and served only through a permission check."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(upload_to="applications/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name})"


class SurveyStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DRAFT = "draft", _("In progress")
    COMPLETED = "completed", _("Completed")


class Recommendation(models.TextChoices):
    RECOMMEND = "recommend", _("Recommend")
    NOT_RECOMMEND = "not_recommend", _("Do not recommend")


class Survey(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="surveys")
    surveyor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="surveys")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_for = models.DateTimeField(_("visit scheduled for"))
    status = models.CharField(max_length=12, choices=SurveyStatus.choices, default=SurveyStatus.SCHEDULED)
    draft = models.JSONField(default=dict, blank=True, help_text="Saved-as-you-go form data before completion.")
    residence_ownership = models.CharField(_("residence ownership"), max_length=10, choices=ResidenceOwnership.choices, blank=True)
    residence_months = models.PositiveIntegerField(_("length of stay (months)"), default=0)
    house_type = models.CharField(_("house type"), max_length=40, blank=True)
    house_condition = models.CharField(_("house condition"), max_length=40, blank=True)
    road_access = models.CharField(_("road access"), max_length=40, blank=True)
    employer_verified = models.BooleanField(_("employment verified"), default=False)
    employment_verification = models.CharField(_("how employment was verified"), max_length=200, blank=True)
    employment_months = models.PositiveIntegerField(_("verified length of employment (months)"), default=0)
    dependents = models.PositiveSmallIntegerField(_("dependents (from KK)"), default=0)
    verified_income_sen = models.BigIntegerField(_("verified net monthly income"), default=0)
    household_income_sen = models.BigIntegerField(_("other household income"), default=0)
    household_expense_sen = models.BigIntegerField(_("household expenses"), default=0)
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Recommendation.choices, blank=True)
    recommendation_reason = models.TextField(_("reason"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    distance_from_address_m = models.PositiveIntegerField(null=True, blank=True)
    gps_missing_reason = models.CharField(_("why there is no GPS position"), max_length=200, blank=True)
    # When and where the survey was really done, as the device saw it, beside the server's receipt:
    # a survey captured offline arrives later, and a device clock far from the GPS time is visible.
    gps_taken_at = models.DateTimeField(_("GPS fix taken at"), null=True, blank=True)
    device_captured_at = models.DateTimeField(_("captured at (device clock)"), null=True, blank=True)
    received_at = models.DateTimeField(_("received by the server at"), null=True, blank=True)
    submit_key = models.CharField(max_length=64, blank=True, help_text="Idempotency key of the submission that completed it.")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-scheduled_for"]
        indexes = [models.Index(fields=["surveyor", "status", "scheduled_for"])]

    @property
    def verified_income(self) -> Decimal:
        return from_minor(self.verified_income_sen)

    def __str__(self) -> str:
        return f"Survey {self.application_id} by {self.surveyor_id}"


class Informant(models.Model):
    """A neighbour check (cek lingkungan): at least two per survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="informants")
    name = models.CharField(_("name"), max_length=120)
    relation = models.CharField(_("relation"), max_length=60)
    confirms_residence = models.BooleanField(_("confirms the applicant lives here"))
    answer = models.TextField(_("what they said"))

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class SurveyPhoto(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="surveys/%Y/%m/")
    caption = models.CharField(max_length=120, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    taken_at = models.DateTimeField()
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    client_key = models.CharField(max_length=64, blank=True, help_text="Idempotency key from the device's outbox.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "client_key"], condition=~models.Q(client_key=""), name="survey_photo_client_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Photo {self.pk} of survey {self.survey_id}"


class BureauCheck(models.Model):
    """A SLIK (credit bureau) result, entered or imported with the enquiry date and the applicant's consent."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="bureau_checks")
    enquiry_date = models.DateField(_("enquiry date"))
    consent_given = models.BooleanField(_("applicant consented"))
    worst_collectibility = models.PositiveSmallIntegerField(_("worst collectibility (Kol)"), null=True, blank=True)
    outstanding_sen = models.BigIntegerField(_("outstanding debt"), default=0)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-enquiry_date", "-id"]

    def __str__(self) -> str:
        return f"SLIK {self.enquiry_date} Kol {self.worst_collectibility}"


class FlagKind(models.TextChoices):
    DUPLICATE_NIK = "duplicate_nik", _("Same NIK in another open application")
    DUPLICATE_PHONE = "duplicate_phone", _("Same phone in another open application")
    DUPLICATE_FRAME = "duplicate_frame", _("Same frame number in another open application")
    NEGATIVE_NIK = "negative_nik", _("NIK on the negative list")
    NEGATIVE_PHONE = "negative_phone", _("Phone on the negative list")
    NEGATIVE_FRAME = "negative_frame", _("Frame number on the negative list")
    EXISTING_CUSTOMER = "existing_customer", _("Applicant already approved on another application (existing exposure)")


class Flag(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    detail = models.CharField(max_length=200, blank=True)
    other_application = models.ForeignKey(Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


class NegativeListEntry(models.Model):
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    frame_number = models.CharField(_("frame number"), max_length=40, blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=200)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("negative list entry")
        verbose_name_plural = _("negative list")

    def __str__(self) -> str:
        return self.nik or self.phone or self.frame_number

    def clean(self) -> None:
        """Keep the identifiers in their normalised form, the form orders store (the admin form's validation)."""
        from django.core.exceptions import ValidationError

        from angsur.scoring.errors import ScoringError
        from angsur.scoring.identity import normalize_nik, normalize_phone, normalize_vehicle_number

        problems = {}
        for name, normalise in (("nik", normalize_nik), ("phone", normalize_phone), ("frame_number", normalize_vehicle_number)):
            value = getattr(self, name)
            if value.strip():
                try:
                    setattr(self, name, normalise(value))
                except ScoringError:
                    problems[name] = _("This value cannot be normalised (digits and letters A–Z only).")
        if problems:
            raise ValidationError(problems)


class OrderRequestKey(models.Model):
    """An idempotency key sent with an order: the same key from the same user answers the same order.

    A double tap on a phone, or a dealer system retrying after a lost answer, sends the order twice;
    the second request finds its key here and gets the first order back instead of a second one.
    `fingerprint` is the SHA-256 of the order as the service received it: the same key with other
    details is refused rather than answered with an order that is not what was sent.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    # Set in the same transaction that inserts the key (null only while that transaction runs).
    application = models.ForeignKey(Application, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="one_order_per_request_key")]

    def __str__(self) -> str:
        return f"{self.actor_id}:{self.key}"


class IdentifierLock(models.Model):
    """One row per normalised identifier ("nik:…", "phone:…", "frame:…") that an order has carried.

    Creating an order locks the rows of its identifiers (FOR UPDATE, in key order) before it looks for
    the same NIK, phone or frame number in other open applications, and holds them until it commits.
    Two orders with the same NIK created at once therefore check one after the other, and the second
    sees the first (on PostgreSQL's READ COMMITTED each statement sees what committed before it; on
    SQLite the IMMEDIATE transactions already run one at a time).
    """

    key = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.key


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_CONDITIONS = "approve_conditions", _("Approve with conditions")
    REJECT = "reject", _("Reject")
    ESCALATE = "escalate", _("Escalate")


class Decision(models.Model):
    """One step of the decision trail: who decided what, at which level, why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    level = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    reason_codes = models.JSONField(default=list)
    rationale = models.TextField()
    counter_offer = models.JSONField(null=True, blank=True)
    analysis = models.JSONField(default=dict, help_text="DSR, policy results and score at the time of the decision.")
    on_appeal = models.BooleanField(default=False)
    # The decider kept a reason the analysis contradicts (e.g. "DSR too high" while the DSR rule passed),
    # on purpose, with the rationale saying why.
    reasons_override = models.BooleanField(default=False)
    # An approval without every required document: who may (settings.ANGSUR_DOCUMENT_OVERRIDE_LEVEL) says why.
    documents_override_reason = models.CharField(max_length=300, blank=True)
    missing_documents = models.JSONField(default=list, blank=True, help_text="Required documents missing at the decision.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.outcome} by {self.decided_by_id} (L{self.level})"


class DecisionReason(models.Model):
    """One reason of one decision, as a row: counted per dealer, CMO, branch and period in SQL.

    The decision keeps its list (``reason_codes``) for the trail; these rows are what the dealer
    scorecard ("why were my orders refused"), the CMO's figures and a future scorecard read. The
    dealer, CMO and branch are copied from the application at the time of the decision.
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reasons")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, related_name="+")
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    code = models.CharField(max_length=40)
    decided_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["dealer", "decided_at"], name="reason_dealer_time"),
            models.Index(fields=["branch", "decided_at"], name="reason_branch_time"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.outcome})"


class Appeal(models.Model):
    """A supervisor's appeal (banding) against a rejection, decided one level up."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="appeals")
    appellant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    argument = models.TextField(_("argument"))
    rejected_decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    to_level = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Appeal by {self.appellant_id} to L{self.to_level}"


class ConditionKind(models.TextChoices):
    DOWN_PAYMENT = "down_payment", _("Higher down payment")
    TENOR = "tenor", _("Different tenor")
    GUARANTOR = "guarantor", _("Guarantor")
    SPOUSE_SIGNATURE = "spouse_signature", _("Spouse's signature")
    DOCUMENTS = "documents", _("Additional documents")
    OTHER = "other", _("Other")


class ConditionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    WAIVED = "waived", _("Waived")


class Condition(models.Model):
    """One condition of an approval, tracked until it is fulfilled (or waived by a decider).

    An application with an open condition cannot be booked (``selectors.booking_blockers``).
    Terms conditions (DP, tenor) are fulfilled when the applicant accepts the counter-offer.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conditions")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="conditions")
    kind = models.CharField(_("condition"), max_length=20, choices=ConditionKind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ConditionStatus.choices, default=ConditionStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "status"], name="condition_app_status")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"


class DealerReasonWording(models.Model):
    """The company's own words to dealers for one decision reason (replaces the built-in sentence).

    Written as the dealer should read it (Bahasa Indonesia). Reasons the dealer is told only in neutral
    words (ANGSUR_DEALER_NEUTRAL_REASON_CODES) keep the neutral sentence whatever is written here.
    """

    code = models.CharField(_("reason code"), max_length=40, unique=True)
    reason = models.CharField(_("what the dealer is told"), max_length=300)
    remedy = models.CharField(_("what would make it workable"), max_length=300, blank=True)
    remedy_with_counter_offer = models.CharField(_("what would make it workable, when a counter-offer exists"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dealer wording of a reason")
        verbose_name_plural = _("dealer wordings of reasons")

    def __str__(self) -> str:
        return self.code


# Saved quotes and the credit-policy tables: a quote is the start of an order, and origination evaluates
# the policies. They lived in products until 2026-12; their tables keep their names (migration 0013).


class SavedQuote(models.Model):
    """A priced quote given to a prospect; immutable, so it stays reproducible after rate cards change."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, null=True, blank=True, related_name="quotes")
    created_at = models.DateTimeField(auto_now_add=True)
    as_of = models.DateField(_("priced on"))
    prospect_name = models.CharField(_("prospect name"), max_length=120)
    prospect_phone = models.CharField(_("prospect phone"), max_length=20, blank=True)
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    rate_card = models.ForeignKey("products.RateCard", on_delete=models.PROTECT, related_name="+")
    vehicle_brand = models.CharField(_("brand"), max_length=60, blank=True)
    vehicle_model = models.CharField(_("model"), max_length=80, blank=True)
    vehicle_year = models.PositiveIntegerField(_("year"))
    vehicle_condition = models.CharField(_("condition"), max_length=10, choices=VehicleCondition.choices)
    otr_sen = models.BigIntegerField()
    down_payment_sen = models.BigIntegerField()
    tenor_months = models.PositiveIntegerField()
    timing = models.CharField(max_length=4, choices=Timing.choices)
    financed_principal_sen = models.BigIntegerField()
    installment_sen = models.BigIntegerField()
    tdp_sen = models.BigIntegerField()
    total_interest_sen = models.BigIntegerField()
    flat_rate_annual = models.DecimalField(max_digits=9, decimal_places=4)
    effective_rate_annual = models.DecimalField(max_digits=9, decimal_places=4)
    result = models.JSONField(help_text="The finance core's full quote (amounts as decimal strings).")
    # The prospect's follow-up: the only thing that changes on a saved quote (origination.quote_services.quote_follow_up_set).
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_note = models.CharField(_("follow-up note"), max_length=200, blank=True)

    class Meta:
        db_table = "products_savedquote"  # the table it had in products, kept (state-only move)
        verbose_name = _("saved quote")
        verbose_name_plural = _("saved quotes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["branch", "created_at"]),
            models.Index(fields=["created_by", "created_at"]),
            # head office's and the dealer's recent quotes (bench/pages.py: 540 ms before, at 100,000 quotes)
            models.Index(fields=["created_at"], name="savedquote_created_idx"),
            models.Index(fields=["dealer", "created_at"], name="savedquote_dealer_created_idx"),
            # the CMO's prospects, by follow-up date
            models.Index(fields=["created_by", "follow_up_on"], name="savedquote_owner_follow_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_name} {self.tenor_months}×{self.installment}"

    @property
    def installment(self) -> Decimal:
        return from_minor(self.installment_sen)

    @property
    def otr(self) -> Decimal:
        return from_minor(self.otr_sen)

    @property
    def down_payment(self) -> Decimal:
        return from_minor(self.down_payment_sen)

    @property
    def tdp(self) -> Decimal:
        return from_minor(self.tdp_sen)

    @property
    def financed_principal(self) -> Decimal:
        return from_minor(self.financed_principal_sen)


class CreditPolicy(models.Model):
    """Knock-out and policy-rule limits (practice, not regulation: configuration, versioned by date)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    max_dsr_pct = models.DecimalField(_("DSR ceiling %"), default=Decimal("33"), **PCT)
    min_age_at_application = models.PositiveSmallIntegerField(_("minimum age at application"), default=21)
    max_age_at_maturity_employee = models.PositiveSmallIntegerField(_("maximum age at maturity (employee)"), default=55)
    max_age_at_maturity_self_employed = models.PositiveSmallIntegerField(_("maximum age at maturity (self-employed)"), default=60)
    min_residence_months = models.PositiveSmallIntegerField(_("minimum length of stay (months)"), default=12)
    min_employment_months = models.PositiveSmallIntegerField(_("minimum length of employment (months)"), default=12)
    bureau_reject_from_kol = models.PositiveSmallIntegerField(_("reject from bureau Kol"), default=3)
    bureau_enquiry_max_age_days = models.PositiveSmallIntegerField(_("bureau enquiry valid for (days)"), default=30)
    no_bureau_record_passes = models.BooleanField(
        _("no credit history passes"),
        default=True,
        help_text=_("A SLIK enquiry that finds no record (a first credit) passes the bureau rule."),
    )

    class Meta:
        db_table = "products_creditpolicy"  # the table it had in products, kept (state-only move)
        verbose_name = _("credit policy")
        verbose_name_plural = _("credit policies")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{_('Credit policy')} {self.effective_from}"


class AuthorityRule(models.Model):
    """Authority matrix: a role may approve up to an amount and down to a risk grade (optionally per product)."""

    role = models.CharField(_("role"), max_length=32)
    level = models.PositiveSmallIntegerField(_("level"), help_text=_("1 analyst, 2 chief analyst / marketing head, 3 branch manager"))
    product = models.ForeignKey(
        "products.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    max_financed_sen = models.BigIntegerField(_("maximum financed amount (sen)"))
    worst_grade = models.CharField(_("worst risk grade allowed"), max_length=2)

    class Meta:
        db_table = "products_authorityrule"  # the table it had in products, kept (state-only move)
        verbose_name = _("authority rule")
        verbose_name_plural = _("authority matrix")
        ordering = ["level", "role"]

    def __str__(self) -> str:
        return f"L{self.level} {self.role} ≤ {from_minor(self.max_financed_sen)} grade ≥ {self.worst_grade}"


class ScorecardConfig(models.Model):
    """An application scorecard (attributes, bins, points, grades) stored as JSON, versioned by date."""

    code = models.CharField(_("code"), max_length=40)
    definition = models.JSONField(_("definition"))
    effective_from = models.DateField(_("effective from"))

    class Meta:
        db_table = "products_scorecardconfig"  # the table it had in products, kept (state-only move)
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-effective_from"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="scorecard_unique_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.effective_from}"


class DocumentRequirement(models.Model):
    """The document checklist per product."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="document_requirements")
    kind = models.CharField(_("document"), max_length=24)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        db_table = "products_documentrequirement"  # the table it had in products, kept (state-only move)
        verbose_name = _("document requirement")
        verbose_name_plural = _("document checklist")
        constraints = [models.UniqueConstraint(fields=["product", "kind"], name="document_requirement_unique")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.kind}"


class ServiceLevelTarget(models.Model):
    """Turnaround targets (hours); a branch row overrides the company row."""

    branch = models.OneToOneField("org.Branch", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    submit_to_survey_hours = models.PositiveIntegerField(_("order → survey (hours)"), default=24)
    survey_to_decision_hours = models.PositiveIntegerField(_("survey → decision (hours)"), default=24)
    submit_to_decision_hours = models.PositiveIntegerField(_("order → decision (hours)"), default=48)

    class Meta:
        db_table = "products_serviceleveltarget"  # the table it had in products, kept (state-only move)
        verbose_name = _("service-level target")
        verbose_name_plural = _("service-level targets")

    def __str__(self) -> str:
        return f"SLA {self.branch_id or '*'}"
