"""Contracts after booking: the schedule, payments, their allocation, reversals, late-fee waivers, settlements.

Money is integer sen. Every money movement is an immutable row: a payment, a reversal (which removes a
payment from the ledger once a second person approves it), a late-fee waiver, a settlement. The
installments' paid amounts and the allocation rows are the *position* the finance core's replay
(`angsur.finance.servicing.replay`) derives from those rows; each service that adds a movement
re-derives them under the contract's lock, so they always equal the replay of the immutable rows.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from angsur.finance.money import from_minor
from angsur.finance.servicing import ALLOCATION_ORDERS, SETTLEMENT_FEE_BASES
from angsur.servicing.workflow import ContractStatus, DisbursementStatus, ReversalStatus


class ImmutableError(Exception):
    """An immutable money row was asked to change."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("money movements are never updated: post a reversal")

    def delete(self):
        raise ImmutableError("money movements are never deleted: post a reversal")


class Immutable(models.Model):
    """A row written once: no update, no delete (a correction is a new row)."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{type(self).__name__} rows are never deleted")


class BranchServicingConfig(models.Model):
    """Per-branch servicing settings: the contract number pattern and the virtual-account bank prefix."""

    branch = models.OneToOneField("org.Branch", on_delete=models.CASCADE, related_name="servicing_config")
    contract_number_pattern = models.CharField(
        _("contract number pattern"),
        max_length=60,
        default="{branch}/{year}/{seq:05d}",
        help_text=_("Placeholders: {branch} (branch code), {year}, {month}, {seq} (running number of the branch and year)."),
    )
    va_bank_prefix = models.CharField(_("virtual-account bank prefix"), max_length=8, default="88810")
    bpkb_due_days = models.PositiveSmallIntegerField(_("days the dealer has to hand over the BPKB"), default=90)
    fiduciary_warning_days = models.PositiveSmallIntegerField(_("warn this many days before the fiduciary deadline"), default=7)

    class Meta:
        verbose_name = _("branch servicing settings")
        verbose_name_plural = _("branch servicing settings")

    def __str__(self) -> str:
        return f"{self.branch.code}: {self.contract_number_pattern}"


class ProductServicingTerms(models.Model):
    """Per-product servicing terms: late fee, its cap, the allocation order and the settlement fee."""

    product = models.OneToOneField("products.Product", on_delete=models.CASCADE, related_name="servicing_terms")
    late_fee_pct_per_day = models.DecimalField(_("late fee % per day"), max_digits=7, decimal_places=4)
    late_fee_cap_pct = models.DecimalField(_("late fee cap (% of the installment)"), max_digits=7, decimal_places=4, null=True, blank=True)
    late_fee_grace_days = models.PositiveSmallIntegerField(_("grace days"), default=0)
    allocation_order = models.CharField(
        _("allocation order"), max_length=20, default="fees_first", choices=[(k, k) for k in ALLOCATION_ORDERS]
    )
    settlement_fee_basis = models.CharField(
        _("settlement fee basis"), max_length=20, default="principal_pct", choices=[(k, k) for k in SETTLEMENT_FEE_BASES]
    )
    # xgettext: no-python-format ("% o" is text here, not a format directive)
    settlement_fee_value = models.DecimalField(_("settlement fee (% or Rp)"), max_digits=17, decimal_places=4, default=Decimal("3"))
    settlement_quote_days = models.PositiveSmallIntegerField(_("settlement quote valid (days)"), default=7)

    class Meta:
        verbose_name = _("product servicing terms")
        verbose_name_plural = _("product servicing terms")

    def __str__(self) -> str:
        return str(self.product)


class NumberSequence(models.Model):
    """A running number per branch, kind and year (contracts, receipts); locked while it is drawn."""

    branch = models.ForeignKey("org.Branch", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "kind", "year"], name="one_sequence_per_branch_kind_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Contract(models.Model):
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    application = models.OneToOneField("origination.Application", on_delete=models.PROTECT, related_name="contract")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="contracts")
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, related_name="contracts")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    # The CMO who originated it owns it for months 1-12 (prematur).
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_contracts", verbose_name=_("CMO"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.ACTIVE, db_index=True)
    version = models.PositiveIntegerField(default=1)

    customer_name = models.CharField(_("customer"), max_length=120)
    customer_nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    vehicle = models.CharField(_("vehicle"), max_length=200)

    signing_date = models.DateField(_("signing date"))
    first_due_date = models.DateField(_("first due date"))
    va_number = models.CharField(_("virtual account"), max_length=24, unique=True)
    timing = models.CharField(_("payment timing"), max_length=4)
    tenor_months = models.PositiveIntegerField(_("tenor (months)"))
    otr_sen = models.BigIntegerField()
    down_payment_sen = models.BigIntegerField()
    financed_principal_sen = models.BigIntegerField()
    installment_sen = models.BigIntegerField()
    total_interest_sen = models.BigIntegerField()
    effective_rate_annual = models.DecimalField(max_digits=12, decimal_places=6)

    # Servicing terms fixed at booking (copied from the product's terms then in force).
    late_fee_pct_per_day = models.DecimalField(max_digits=7, decimal_places=4)
    late_fee_cap_pct = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    late_fee_grace_days = models.PositiveSmallIntegerField(default=0)
    allocation_order = models.CharField(max_length=20, default="fees_first")
    settlement_fee_basis = models.CharField(max_length=20, default="principal_pct")
    settlement_fee_value = models.DecimalField(max_digits=17, decimal_places=4, default=Decimal("3"))
    settlement_quote_days = models.PositiveSmallIntegerField(default=7)

    # The position as of the last replay (re-derived under the contract's lock by every movement).
    outstanding_sen = models.BigIntegerField(default=0)
    paid_sen = models.BigIntegerField(default=0)
    unapplied_sen = models.BigIntegerField(default=0)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The worst days past due of the daily snapshots `angsur eod-prune` deleted (folded in before each delete), so
    # "worst DPD ever" stays exact after a prune: max(this, the kept snapshots' max). db_default: bulk COPY paths.
    dpd_peak_pruned = models.PositiveIntegerField(_("worst DPD in pruned snapshots"), default=0, db_default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signing_date", "-id"]
        indexes = [
            models.Index(fields=["branch", "status"]),
            models.Index(fields=["cmo", "status"]),
            models.Index(fields=["customer_nik", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.customer_name}"

    @property
    def installment(self) -> Decimal:
        return from_minor(self.installment_sen)

    @property
    def outstanding(self) -> Decimal:
        return from_minor(self.outstanding_sen)

    @property
    def financed_principal(self) -> Decimal:
        return from_minor(self.financed_principal_sen)


class Installment(models.Model):
    """One scheduled installment and what the replay says has been paid, waived and rebated on it."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="installments")
    no = models.PositiveIntegerField(_("no."))
    due_date = models.DateField(_("due date"))
    principal_sen = models.BigIntegerField()
    interest_sen = models.BigIntegerField()
    principal_paid_sen = models.BigIntegerField(default=0)
    interest_paid_sen = models.BigIntegerField(default=0)
    interest_rebated_sen = models.BigIntegerField(default=0)
    late_fee_sen = models.BigIntegerField(default=0)
    late_fee_paid_sen = models.BigIntegerField(default=0)
    late_fee_waived_sen = models.BigIntegerField(default=0)
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "no"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "no"], name="one_installment_per_number"),
            models.CheckConstraint(
                condition=models.Q(principal_paid_sen__lte=models.F("principal_sen"), principal_paid_sen__gte=0),
                name="installment_principal_not_over_allocated",
            ),
            models.CheckConstraint(
                condition=models.Q(interest_paid_sen__lte=models.F("interest_sen"), interest_paid_sen__gte=0),
                name="installment_interest_not_over_allocated",
            ),
        ]
        indexes = [models.Index(fields=["due_date", "paid_on"])]

    def __str__(self) -> str:
        return f"{self.no}: {self.due_date}"

    @property
    def amount_sen(self) -> int:
        return self.principal_sen + self.interest_sen

    @property
    def paid_amount_sen(self) -> int:
        return self.principal_paid_sen + self.interest_paid_sen

    @property
    def unpaid_sen(self) -> int:
        return self.amount_sen - self.paid_amount_sen - self.interest_rebated_sen

    @property
    def late_fee_unpaid_sen(self) -> int:
        return max(0, self.late_fee_sen - self.late_fee_paid_sen - self.late_fee_waived_sen)


class Channel(models.TextChoices):
    COUNTER = "counter", _("Counter")  # cash or card at the branch's front office, with a receipt
    TRANSFER = "transfer", _("Bank transfer")  # a transfer to the company's account, with the bank's reference
    VIRTUAL_ACCOUNT = "va", _("Virtual account")  # a transfer to the contract's virtual account
    IMPORT = "import", _("Statement import")  # a row of a bank statement file
    FIELD = "field", _("Field collection")  # cash a collector took against a numbered receipt of their booklet


class PaymentKind(models.TextChoices):
    INSTALLMENT = "installment", _("Installment")
    SETTLEMENT = "settlement", _("Early settlement")


class Payment(Immutable):
    """Money received for a contract: written once; a mistake is corrected by an approved reversal."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=PaymentKind.choices, default=PaymentKind.INSTALLMENT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    amount_sen = models.BigIntegerField()
    value_date = models.DateField(_("value date"))
    # The channel's reference or the client's idempotency key, unique per channel: a repost records once.
    dedup_key = models.CharField(max_length=160, unique=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, null=True, blank=True, unique=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    replayed: bool = False  # not stored: True when payment_post answered an earlier posting

    class Meta(Immutable.Meta):
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["value_date", "id"]
        indexes = [models.Index(fields=["contract", "value_date"])]
        constraints = [models.CheckConstraint(condition=models.Q(amount_sen__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.receipt_number or self.reference or self.pk}"

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_sen)


class Allocation(models.Model):
    """A part of a payment applied to an installment's late fee, interest or principal (derived, see above)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="allocations")
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    installment = models.ForeignKey(Installment, on_delete=models.CASCADE, null=True, blank=True, related_name="allocations")
    component = models.CharField(max_length=16)
    amount_sen = models.BigIntegerField()
    value_date = models.DateField()

    class Meta:
        ordering = ["payment", "id"]
        # The end-of-day adds back what was allocated after its date (value_date > date, per contract range).
        indexes = [models.Index(fields=["value_date", "contract"], name="allocation_value_date_contract")]

    def __str__(self) -> str:
        return f"{self.component} {self.amount_sen}"


class Reversal(models.Model):
    """A request to take a payment out of the ledger, with its reason; a second person approves it."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="reversals")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="reversals")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ReversalStatus.choices, default=ReversalStatus.REQUESTED, db_index=True)
    version = models.PositiveIntegerField(default=1)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reversal")
        verbose_name_plural = _("reversals")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # A rejected request may be followed by another; never two open or approved ones.
            models.UniqueConstraint(
                fields=["payment"], condition=models.Q(status__in=["requested", "approved"]), name="one_live_reversal_per_payment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.status}"


class LateFeeWaiver(Immutable):
    """Late fees forgiven by someone with the authority, with the reason (audited)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="waivers")
    amount_sen = models.BigIntegerField()
    value_date = models.DateField()
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Immutable.Meta):
        ordering = ["value_date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_sen__gt=0), name="waiver_amount_positive")]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.amount_sen}"


class SettlementQuote(models.Model):
    """An early-settlement figure valid until a date; executing it records the payment and closes the contract."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="settlement_quotes")
    number = models.CharField(max_length=40, unique=True)
    quoted_on = models.DateField()
    valid_until = models.DateField()
    contract_version = models.PositiveIntegerField()
    principal_sen = models.BigIntegerField()
    interest_sen = models.BigIntegerField()
    late_fee_sen = models.BigIntegerField()
    fee_sen = models.BigIntegerField()
    total_sen = models.BigIntegerField()
    interest_rebated_sen = models.BigIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="settlement_quote")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class BankColumnMapping(models.Model):
    """How one bank's statement file names its columns (saved once per bank, used by every import)."""

    bank = models.CharField(_("bank"), max_length=40, unique=True)
    date_column = models.CharField(_("date column"), max_length=60, default="date")
    amount_column = models.CharField(_("amount column"), max_length=60, default="amount")
    reference_column = models.CharField(_("reference column"), max_length=60, default="reference")
    account_column = models.CharField(_("account column (virtual account or contract number)"), max_length=60, default="account")
    date_format = models.CharField(_("date format"), max_length=20, blank=True, help_text=_("e.g. %d/%m/%Y; empty: ISO or dd/mm/yyyy"))
    delimiter = models.CharField(_("CSV delimiter"), max_length=1, default=",")

    class Meta:
        verbose_name = _("bank column mapping")
        verbose_name_plural = _("bank column mappings")

    def __str__(self) -> str:
        return self.bank

    def save(self, *args, **kwargs):
        # Column headers are compared lower-cased.
        for name in ("date_column", "amount_column", "reference_column", "account_column"):
            setattr(self, name, getattr(self, name).strip().lower())
        super().save(*args, **kwargs)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")  # waiting for a worker (a big file runs in the background)
    RUNNING = "running", _("Running")  # rows are being posted; rows_done counts them
    DONE = "done", _("Done")  # the report is complete
    FAILED = "failed", _("Failed")  # stopped on an error: what was posted stays posted; import the file again


class PaymentImport(models.Model):
    """One uploaded bank statement: its file, its progress and its report (the same file twice posts once)."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bank = models.CharField(_("bank"), max_length=40)
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bank} {self.file_name}: {self.status}"


class UnmatchedPayment(models.Model):
    """A statement row that names no contract: waits in the review queue."""

    bank = models.CharField(max_length=40)
    reference = models.CharField(max_length=120)
    line = models.PositiveIntegerField()
    account = models.CharField(max_length=60, blank=True)
    amount_sen = models.BigIntegerField()
    value_date = models.DateField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["bank", "reference"], name="one_unmatched_row_per_bank_reference")]

    def __str__(self) -> str:
        return f"{self.bank} {self.reference}"


class Disbursement(models.Model):
    """The purchase order to the dealer and the money paid to it: prepared by Admin, released by a second person."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="disbursement")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, related_name="disbursements")
    po_number = models.CharField(_("PO number"), max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=DisbursementStatus.choices, default=DisbursementStatus.PREPARED, db_index=True)
    version = models.PositiveIntegerField(default=1)
    otr_sen = models.BigIntegerField()
    down_payment_sen = models.BigIntegerField()
    # What the dealer keeps or owes on this sale (a subsidy, a refund): deducted from what it is paid.
    dealer_deduction_sen = models.BigIntegerField(default=0)
    amount_sen = models.BigIntegerField()
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [models.CheckConstraint(condition=models.Q(amount_sen__gt=0), name="disbursement_amount_positive")]

    def __str__(self) -> str:
        return self.po_number

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_sen)


class BpkbStatus(models.TextChoices):
    EXPECTED = "expected", _("Expected from the dealer")  # the dealer still holds it (the Samsat issues it after the sale)
    STORED = "stored", _("In the vault")  # received and kept at the branch
    BORROWED = "borrowed", _("Borrowed")  # out of the vault for a reason (e.g. tax renewal), to come back
    RELEASED = "released", _("Released to the customer")  # handed back after payoff


class Collateral(models.Model):
    """The contract's fiduciary security and its BPKB custody."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="collateral")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, related_name="+")
    # PP 21/2015 Pasal 4: the fiduciary is registered within 30 days of the deed.
    fiduciary_deadline = models.DateField(_("fiduciary registration deadline"))
    deed_number = models.CharField(_("fiduciary deed number"), max_length=60, blank=True)
    deed_date = models.DateField(_("deed date"), null=True, blank=True)
    certificate_number = models.CharField(_("fiduciary certificate number"), max_length=60, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    bpkb_status = models.CharField(max_length=10, choices=BpkbStatus.choices, default=BpkbStatus.EXPECTED, db_index=True)
    bpkb_due = models.DateField(_("BPKB due from the dealer"))
    bpkb_number = models.CharField(_("BPKB number"), max_length=40, blank=True)
    bpkb_received_on = models.DateField(null=True, blank=True)
    vault_location = models.CharField(_("vault location"), max_length=60, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["branch", "registered_on", "fiduciary_deadline"]),
            models.Index(fields=["branch", "bpkb_status", "bpkb_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.bpkb_status}"


class BpkbMovement(Immutable):
    """One move of a BPKB (received, borrowed, returned, released), by whom and why."""

    collateral = models.ForeignKey(Collateral, on_delete=models.PROTECT, related_name="movements")
    action = models.CharField(max_length=10)
    on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Immutable.Meta):
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.on}"


# --- end-of-day (issue 11): the nightly picture of every contract -----------------------------------


class DelinquencyBucket(models.Model):
    """A days-past-due band (configurable; default B0 current, B1 1-30 ... B6 over 180)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    min_dpd = models.PositiveIntegerField(_("from days past due"))
    max_dpd = models.PositiveIntegerField(_("to days past due"), null=True, blank=True, help_text=_("Empty: no upper bound."))

    class Meta:
        verbose_name = _("delinquency bucket")
        verbose_name_plural = _("delinquency buckets")
        ordering = ["min_dpd"]

    def __str__(self) -> str:
        return self.code


class EodStatus(models.TextChoices):
    RUNNING = "running", _("Running")  # chunks are being computed (or a run was killed: run it again)
    CLOSED = "closed", _("Closed")  # every chunk done; the branches' business date moved on
    FAILED = "failed", _("Failed")  # a chunk raised; running the date again resumes it


class EodRun(models.Model):
    """One end-of-day for a business date (company-wide); its chunks are claimed by workers."""

    business_date = models.DateField(_("business date"), unique=True)
    status = models.CharField(max_length=10, choices=EodStatus.choices, default=EodStatus.RUNNING, db_index=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    chunk_size = models.PositiveIntegerField(default=20000)
    chunks_total = models.PositiveIntegerField(default=0)
    contracts = models.PositiveIntegerField(default=0)
    runs = models.PositiveIntegerField(default=1)  # 1 + re-runs of the same date
    version = models.PositiveIntegerField(default=1)
    # The process driving the run holds a lease it renews after each chunk: a second run of the same
    # date is refused while the lease is fresh; a killed run's lease goes stale and the date can resume.
    owner = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The rules the chunks computed with (buckets, FPD days, premature months), fixed for the whole run.
    parameters = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)  # why the run failed (a chunk raised), for the screen
    # After-close hooks (collection, performance): name -> "ok" or the error; a failed hook is re-runnable.
    hooks = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("end-of-day run")
        verbose_name_plural = _("end-of-day runs")
        ordering = ["-business_date"]

    def __str__(self) -> str:
        return f"{self.business_date}: {self.status}"


class EodChunkStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")


class EodChunk(models.Model):
    """A contract-id range of a run: one worker claims it (FOR UPDATE SKIP LOCKED), computes it in one transaction."""

    run = models.ForeignKey(EodRun, on_delete=models.CASCADE, related_name="chunks")
    lo_id = models.BigIntegerField()
    hi_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=EodChunkStatus.choices, default=EodChunkStatus.PENDING)
    worker = models.CharField(max_length=80, blank=True)
    rows = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "lo_id"]
        constraints = [models.UniqueConstraint(fields=["run", "lo_id"], name="one_chunk_per_run_and_start")]
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"{self.run_id} [{self.lo_id}, {self.hi_id}]: {self.status}"


class ContractDay(models.Model):
    """A contract's position at the close of a business date: the daily snapshot every report reads.

    Written only by the end-of-day (delete-and-insert per chunk in one transaction, so a re-run of the
    same date gives the same rows). Dimensions are copied (branch, dealer, CMO, product, booking month)
    so portfolio reports group one table without joins.
    """

    business_date = models.DateField()
    # No index of its own: the unique (contract, business_date) below serves every lookup by contract. No
    # database constraint either (a derived row, written a million at a time by the end-of-day only, from
    # contracts it has just read; contracts are never deleted): its check cost a tenth of each chunk.
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="days", db_index=False, db_constraint=False)
    branch = models.ForeignKey("org.Branch", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    booked_month = models.DateField()  # the first day of the signing month (vintage cohort)
    status = models.CharField(max_length=16)  # the contract's status that day
    dpd = models.PositiveIntegerField(default=0)  # days past due of the oldest unpaid installment
    bucket = models.CharField(max_length=4)
    collectibility = models.PositiveSmallIntegerField()  # OJK Kol 1-5
    mob = models.PositiveSmallIntegerField()  # months on book
    premature = models.BooleanField()  # MOB <= 12: the CMO's to collect
    fpd = models.BooleanField()  # first payment default: installment 1 unpaid 30+ days after its due date
    overdue_installments = models.PositiveSmallIntegerField(default=0)
    overdue_sen = models.BigIntegerField(default=0)  # unpaid principal + interest of installments due by the date
    late_fee_sen = models.BigIntegerField(default=0)  # late fees accrued to the date, less paid and waived
    outstanding_principal_sen = models.BigIntegerField(default=0)
    next_due_date = models.DateField(null=True, blank=True)  # the first installment due after the date, unpaid
    next_due_sen = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("contract day")
        verbose_name_plural = _("contract days")
        constraints = [models.UniqueConstraint(fields=["contract", "business_date"], name="one_snapshot_per_contract_and_day")]
        indexes = [
            models.Index(fields=["business_date", "branch", "bucket"]),
            models.Index(fields=["business_date", "cmo", "dpd"]),
            models.Index(fields=["business_date", "dealer"]),
            models.Index(fields=["booked_month", "mob"]),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.business_date}: {self.dpd} DPD"
