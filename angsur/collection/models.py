"""Collection (issue 11): a case per contract in arrears or due soon, its contacts, promises and hand-overs.

The nightly run (``services.collection_nightly``) opens, refreshes and closes cases from the end-of-day's
snapshot (``servicing.ContractDay``), judges promises against the payments, and moves cases along the
configurable hand-over rules (CMO → desk → field → remedial). Contacts are immutable rows: what was said
and promised is never edited, a correction is a new contact.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from angsur.collection.workflow import CaseStage
from angsur.finance.money import from_minor


class ImmutableRowError(Exception):
    """A contact or a case's history row was asked to change."""


class _ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRowError("contacts are never updated: log a new contact")

    def delete(self):
        raise ImmutableRowError("contacts are never deleted")


class _Immutable(models.Model):
    objects = _ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRowError(f"{type(self).__name__} rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError(f"{type(self).__name__} rows are never deleted")


class CollectionCase(models.Model):
    """One contract's collection: opened when it is overdue or due within the reminder window."""

    contract = models.OneToOneField("servicing.Contract", on_delete=models.PROTECT, related_name="collection_case")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    # The originating CMO (copied from the contract): they keep seeing the case after handing it over.
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("CMO"))
    stage = models.CharField(_("stage"), max_length=10, choices=CaseStage.choices, default=CaseStage.CMO, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collection_cases",
        verbose_name=_("assignee"),
    )
    version = models.PositiveIntegerField(default=1)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)  # raised by each broken promise
    broken_promises = models.PositiveSmallIntegerField(_("broken promises"), default=0)

    # The contract's position at the last nightly run (copied from its ContractDay).
    business_date = models.DateField(_("business date"))
    dpd = models.PositiveIntegerField(_("days past due"), default=0)
    bucket = models.CharField(_("bucket"), max_length=4, default="")
    mob = models.PositiveSmallIntegerField(_("months on book"), default=0)
    premature = models.BooleanField(default=True)
    overdue_sen = models.BigIntegerField(default=0)
    late_fee_sen = models.BigIntegerField(default=0)
    next_due_date = models.DateField(null=True, blank=True)
    next_due_sen = models.BigIntegerField(default=0)

    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    handed_over_on = models.DateField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("collection case")
        verbose_name_plural = _("collection cases")
        indexes = [
            models.Index(fields=["branch", "stage"]),
            models.Index(fields=["cmo", "stage"]),
            models.Index(fields=["assignee", "stage"]),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} ({self.stage})"

    @property
    def overdue(self) -> Decimal:
        """Overdue installments and late fees, in rupiah."""
        return from_minor(self.overdue_sen + self.late_fee_sen)

    @property
    def next_due(self) -> Decimal:
        return from_minor(self.next_due_sen)


class CaseEvent(_Immutable):
    """A case's history: opened, closed, reopened, handed over, assigned, a promise kept or broken."""

    case = models.ForeignKey(CollectionCase, on_delete=models.CASCADE, related_name="events")
    business_date = models.DateField()
    action = models.CharField(max_length=20)
    from_stage = models.CharField(max_length=10, blank=True)
    to_stage = models.CharField(max_length=10, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))

    @property
    def to_stage_label(self) -> str:
        return str(CaseStage(self.to_stage).label) if self.to_stage in CaseStage.values else ""


EVENT_LABELS = {
    "opened": _("Opened"),
    "reopened": _("Reopened"),
    "closed": _("Closed: current again"),
    "handed_over": _("Handed over"),
    "assigned": _("Assigned"),
    "promise_kept": _("Promise kept"),
    "promise_broken": _("Promise broken"),
}


class ResultCode(models.Model):
    """What came of a contact (configurable): "promise to pay", "no answer", "not at home"..."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    label = models.CharField(_("label"), max_length=80)
    needs_promise = models.BooleanField(_("needs a promise to pay"), default=False)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("contact result code")
        verbose_name_plural = _("contact result codes")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class ContactChannel(models.TextChoices):
    CALL = "call", _("Phone call")
    WHATSAPP = "whatsapp", _("WhatsApp")
    VISIT = "visit", _("Visit")


class Contact(_Immutable):
    """One contact with the debtor, logged once (the device's key makes a resend answer the same row)."""

    case = models.ForeignKey(CollectionCase, on_delete=models.PROTECT, related_name="contacts")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10)  # the case's stage when the contact was made
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    result = models.ForeignKey(ResultCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("result"))
    note = models.TextField(_("note"), blank=True)
    contacted_at = models.DateTimeField(_("contacted at"))  # the server's clock: what the conduct rule judged
    debtor_local_time = models.CharField(max_length=40, blank=True)  # e.g. "2026-12-04 21:00 WIT", as judged
    with_consent = models.ForeignKey("collection.ContactConsent", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A visit: where and when (GPS fix time, the phone's clock, the server's receipt; like the survey).
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    gps_taken_at = models.DateTimeField(null=True, blank=True)
    gps_missing_reason = models.CharField(max_length=200, blank=True)
    device_captured_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    client_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    replayed: bool = False  # not stored: True when contact_log answered an earlier send of the same key

    class Meta(_Immutable.Meta):
        verbose_name = _("collection contact")
        verbose_name_plural = _("collection contacts")
        ordering = ["-contacted_at", "-id"]
        indexes = [models.Index(fields=["branch", "contacted_at"]), models.Index(fields=["actor", "contacted_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.channel} {self.contacted_at:%Y-%m-%d %H:%M}"


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")  # the promised date has not passed and the payments do not cover it yet
    KEPT = "kept", _("Kept")  # payments from the promise's day cover the amount by its date
    BROKEN = "broken", _("Broken")  # the date passed without enough payment


class Promise(models.Model):
    """A promise to pay (date, amount) made in a contact; judged against the payments by the nightly run."""

    case = models.ForeignKey(CollectionCase, on_delete=models.PROTECT, related_name="promises")
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="promise")
    made_on = models.DateField()  # the business date it was made: payments from this day count
    promised_on = models.DateField(_("promised date"))
    amount_sen = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=PromiseStatus.choices, default=PromiseStatus.OPEN, db_index=True)
    paid_sen = models.BigIntegerField(default=0)
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-promised_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_sen__gt=0), name="promise_amount_positive")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.promised_on} {self.status}"

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_sen)


class ContactConsent(_Immutable):
    """The debtor agreed to be contacted outside the hours (POJK 22/2023 Pasal 62 allows it with consent)."""

    contract = models.ForeignKey("servicing.Contract", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("what the debtor agreed to"))
    valid_until = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta(_Immutable.Meta):
        verbose_name = _("contact consent")
        verbose_name_plural = _("contact consents")

    def __str__(self) -> str:
        return f"{self.contract_id} until {self.valid_until}"


class HandoverRule(models.Model):
    """A case in `from_stage` with at least `min_dpd` days past due (and MOB in range) moves to `to_stage`."""

    from_stage = models.CharField(_("from stage"), max_length=10, choices=CaseStage.choices)
    to_stage = models.CharField(_("to stage"), max_length=10, choices=CaseStage.choices)
    min_dpd = models.PositiveIntegerField(_("from days past due"), default=0)
    min_mob = models.PositiveSmallIntegerField(_("from months on book"), null=True, blank=True)
    max_mob = models.PositiveSmallIntegerField(_("to months on book"), null=True, blank=True)
    min_broken_promises = models.PositiveSmallIntegerField(_("at least this many broken promises"), default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hand-over rule")
        verbose_name_plural = _("hand-over rules")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage} (≥{self.min_dpd} DPD)"


class CollectorProfile(models.Model):
    """A collector's stage, area and, for a third party, the certification on record (POJK 35/2018 Pasal 65)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collector_profile")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=10, choices=CaseStage.choices, default=CaseStage.FIELD)
    areas = models.TextField(
        _("area"),
        blank=True,
        help_text=_("Kecamatan, kelurahan or postal codes, one per line or comma-separated; empty: the whole branch."),
    )
    third_party = models.BooleanField(_("third-party collector"), default=False)
    agency = models.CharField(_("agency"), max_length=120, blank=True)
    certificate_number = models.CharField(_("certification number"), max_length=60, blank=True)
    certificate_valid_until = models.DateField(_("certification valid until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("collector profile")
        verbose_name_plural = _("collector profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.stage})"

    def area_list(self) -> list[str]:
        return [a.strip().casefold() for a in self.areas.replace("\n", ",").split(",") if a.strip()]


class CompanyHoliday(models.Model):
    """A company day off (cuti bersama) on top of the national holidays: no collection contact."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("company holiday")
        verbose_name_plural = _("company holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"
