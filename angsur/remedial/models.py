"""Remedial: the collectors' field cash (booklets, receipts, deposits), warning letters, repossession.

Money is integer sen. A receipt, once written, is never deleted: a spoiled paper receipt is a row with
its reason; an issued receipt's payment is corrected only by servicing's reversal (maker-checker). A
deposit is an immutable row; a sent warning letter never changes.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from angsur.finance.money import from_minor
from angsur.remedial.workflow import LetterStatus, RepossessionStatus


class RemedialError(Exception):
    """A row that is never changed or deleted was asked to be."""


class KeptQuerySet(models.QuerySet):
    def delete(self):
        raise RemedialError("remedial records are never deleted")


class RemedialPolicy(models.Model):
    """Per-branch settings of field cash and warning letters (defaults apply to a branch without a row)."""

    branch = models.OneToOneField("org.Branch", on_delete=models.CASCADE, related_name="remedial_policy")
    deposit_working_days = models.PositiveSmallIntegerField(
        _("deposit within (working days)"),
        default=1,
        help_text=_("Cash taken in the field is deposited at the branch by this working day."),
    )
    letter_min_gap_days = models.PositiveSmallIntegerField(
        _("minimum days between warning letters"), default=7, help_text=_("SP2 this many days after SP1 was sent, SP3 after SP2.")
    )

    class Meta:
        verbose_name = _("remedial settings")
        verbose_name_plural = _("remedial settings")

    def __str__(self) -> str:
        return str(self.branch)


class ReceiptBooklet(models.Model):
    """A numbered range of paper receipts handed to one collector; ranges never overlap in the company."""

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="receipt_booklets")
    first_number = models.PositiveBigIntegerField(_("first number"))
    last_number = models.PositiveBigIntegerField(_("last number"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField(_("assigned on"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = _("receipt booklet")
        verbose_name_plural = _("receipt booklets")
        ordering = ["first_number"]
        constraints = [models.CheckConstraint(condition=models.Q(first_number__lte=models.F("last_number")), name="booklet_range_ordered")]
        indexes = [models.Index(fields=["company", "first_number", "last_number"])]

    def __str__(self) -> str:
        return f"{self.first_number:07d}-{self.last_number:07d}"

    @property
    def size(self) -> int:
        return self.last_number - self.first_number + 1

    def delete(self, *args, **kwargs):
        raise RemedialError("a booklet is never deleted")


class ReceiptStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")  # cash taken from the customer, posted to the contract
    SPOILED = "spoiled", _("Spoiled")  # the paper was spoiled or lost before use: recorded with the reason


class FieldReceipt(models.Model):
    """One numbered paper receipt of a booklet: issued for cash taken (and posted), or spoiled with a reason."""

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    booklet = models.ForeignKey(ReceiptBooklet, on_delete=models.PROTECT, related_name="receipts")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_receipts")
    number = models.PositiveBigIntegerField(_("receipt number"))
    status = models.CharField(_("status"), max_length=10, choices=ReceiptStatus.choices)
    contract = models.ForeignKey("servicing.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="field_receipts")
    amount_sen = models.BigIntegerField(default=0)
    issued_on = models.DateField(_("date"))  # the branch's business date when it was written
    # The working day by which the cash must be at the branch (fixed when the receipt is issued).
    deposit_due = models.DateField(_("deposit due"), null=True, blank=True)
    payment = models.OneToOneField("servicing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="field_receipt")
    deposit = models.ForeignKey("remedial.CashDeposit", on_delete=models.PROTECT, null=True, blank=True, related_name="receipts")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptQuerySet.as_manager()

    replayed: bool = False  # not stored: True when receipt_issue answered an earlier identical receipt

    class Meta:
        verbose_name = _("field receipt")
        verbose_name_plural = _("field receipts")
        ordering = ["-issued_on", "-number"]
        constraints = [
            # A number is used once in the company, whatever happened to it.
            models.UniqueConstraint(fields=["company", "number"], name="field_receipt_number_once_per_company"),
            models.CheckConstraint(
                condition=models.Q(status="spoiled", amount_sen=0) | models.Q(status="issued", amount_sen__gt=0),
                name="field_receipt_amount_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "issued_on"]),
            models.Index(
                fields=["branch", "deposit_due"], condition=models.Q(deposit__isnull=True, status="issued"), name="receipt_undeposited"
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.number:07d}"

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_sen)

    def delete(self, *args, **kwargs):
        raise RemedialError("a receipt is never deleted: spoil it with a reason")


class CashDeposit(models.Model):
    """Cash a collector handed to the branch's cashier against a list of their receipts: written once."""

    number = models.CharField(_("deposit number"), max_length=40, unique=True)
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cash_deposits")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("received on"))
    expected_sen = models.BigIntegerField()  # the sum of the receipts deposited
    counted_sen = models.BigIntegerField()  # the cash the cashier counted
    late_receipts = models.PositiveIntegerField(default=0)  # receipts deposited after their due working day
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = _("cash deposit")
        verbose_name_plural = _("cash deposits")
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(counted_sen__gte=0, expected_sen__gt=0), name="deposit_amounts_valid")]

    def __str__(self) -> str:
        return self.number

    @property
    def difference_sen(self) -> int:
        return self.counted_sen - self.expected_sen

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RemedialError("a deposit is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RemedialError("a deposit is never deleted")


class LetterChannel(models.TextChoices):
    HAND = "hand", _("Delivered by hand")
    REGISTERED_MAIL = "registered_mail", _("Registered mail")
    COURIER = "courier", _("Courier")
    EMAIL = "email", _("E-mail")


class WarningLetter(models.Model):
    """A warning letter (SP1-SP3) with the figures of its date; immutable once sent."""

    contract = models.ForeignKey("servicing.Contract", on_delete=models.PROTECT, related_name="warning_letters")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=[(1, "SP1"), (2, "SP2"), (3, "SP3")])
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=1)
    # The figures, as of `figures_on` (the latest end-of-day snapshot, or the ledger replayed to the date).
    figures_on = models.DateField(_("figures as of"))
    figures_source = models.CharField(max_length=10)  # "eod" or "ledger"
    days_past_due = models.PositiveIntegerField(_("days late"))
    principal_sen = models.BigIntegerField()  # outstanding principal
    interest_sen = models.BigIntegerField()  # interest of the installments due and unpaid
    overdue_sen = models.BigIntegerField()  # principal + interest of the installments due and unpaid
    late_fee_sen = models.BigIntegerField()  # late fees (penalties) unpaid
    drafted_on = models.DateField()
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=LetterChannel.choices, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning letter")
        verbose_name_plural = _("warning letters")
        ordering = ["contract", "level", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "level"], condition=models.Q(status__in=["draft", "sent"]), name="one_live_letter_per_level"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        letter = super().from_db(db, field_names, values, *args, **kwargs)
        letter._stored_status = letter.__dict__.get("status")
        return letter

    def save(self, *args, **kwargs):
        if getattr(self, "_stored_status", None) == LetterStatus.SENT:
            raise RemedialError("a sent warning letter is never changed")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        raise RemedialError("a warning letter is never deleted")

    @property
    def level_label(self) -> str:
        return f"SP{self.level}"

    @property
    def total_sen(self) -> int:
        return self.overdue_sen + self.late_fee_sen


class EvidenceKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Default acknowledged by the debtor")
    COURT_ORDER = "court_order", _("Court order")


class DefaultEvidence(models.Model):
    """The debtor's written acknowledgement of default, or a court order (MK 18/PUU-XVII/2019): written once."""

    contract = models.ForeignKey("servicing.Contract", on_delete=models.PROTECT, related_name="default_evidence")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    dated = models.DateField(_("document date"))
    document = models.CharField(_("document (number or reference)"), max_length=120)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = _("default evidence")
        verbose_name_plural = _("default evidence")
        ordering = ["-dated", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RemedialError("evidence is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RemedialError("evidence is never deleted")


class RepossessionTask(models.Model):
    """Taking the unit back (POJK 22/2023 Pasal 64), with its report and the breakdown of what is owed."""

    contract = models.ForeignKey("servicing.Contract", on_delete=models.PROTECT, related_name="repossessions")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("task number"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=RepossessionStatus.choices, default=RepossessionStatus.OPEN)
    version = models.PositiveIntegerField(default=1)
    # What made it lawful, as it was when the task was opened.
    warning_letter = models.ForeignKey(WarningLetter, on_delete=models.PROTECT, related_name="+")
    evidence = models.ForeignKey(DefaultEvidence, on_delete=models.PROTECT, related_name="+")
    certificate_number = models.CharField(_("fiduciary certificate number"), max_length=60)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="repossessions", verbose_name=_("officer"))
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The berita acara, filled when the unit is secured.
    secured_on = models.DateField(_("secured on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    unit_condition = models.CharField(_("unit condition"), max_length=500, blank=True)
    # What is owed, as of `owed_on` (the opening date, then the securing date).
    owed_on = models.DateField()
    days_past_due = models.PositiveIntegerField(default=0)
    principal_sen = models.BigIntegerField(default=0)
    interest_sen = models.BigIntegerField(default=0)
    late_fee_sen = models.BigIntegerField(default=0)
    costs_sen = models.BigIntegerField(default=0)  # towing, storage and other costs of the repossession
    outcome_note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = _("repossession task")
        verbose_name_plural = _("repossession tasks")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contract"], condition=models.Q(status__in=["open", "secured"]), name="one_live_repossession"),
            models.CheckConstraint(condition=models.Q(costs_sen__gte=0), name="repossession_costs_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total_sen(self) -> int:
        return self.principal_sen + self.interest_sen + self.late_fee_sen + self.costs_sen

    def delete(self, *args, **kwargs):
        raise RemedialError("a repossession task is never deleted: cancel it")
