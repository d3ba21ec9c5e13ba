"""Performance: dealer tiers, CMO targets, the incentive scheme and its monthly statements, the monthly
portfolio cells the dashboards read, and repeat-order offers.

Money is integer sen. Nothing here is a source of truth for a contract: the cells are an aggregate of the
end-of-day snapshot (``servicing.ContractDay``) refreshed after each close, so a dashboard never scans the
daily history.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from angsur.finance.money import from_minor


class DealerTierRule(models.Model):
    """A dealer tier and what earns it, checked in priority order: the first rule a dealer meets is its tier.

    An empty threshold does not count. A tier may grant faster service (a shorter decision target).
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    priority = models.PositiveSmallIntegerField(_("priority"), unique=True, help_text=_("Lower is checked first."))
    min_bookings = models.PositiveIntegerField(_("at least this many bookings in the period"), default=0)
    min_approval_rate_pct = models.DecimalField(_("approval rate at least (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    max_fpd_rate_pct = models.DecimalField(_("FPD rate at most (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    max_dpd30_mob3_pct = models.DecimalField(_("30+ DPD at MOB 3 at most (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    decision_target_hours = models.PositiveSmallIntegerField(
        _("decision target (hours)"),
        null=True,
        blank=True,
        help_text=_("Faster service: the hours the branch aims to decide this tier's orders in."),
    )
    fast_track = models.BooleanField(_("fast track"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dealer tier rule")
        verbose_name_plural = _("dealer tier rules")
        ordering = ["priority"]

    def __str__(self) -> str:
        return f"{self.priority}. {self.name}"


class CmoTarget(models.Model):
    """A CMO's targets for one month: orders, bookings (units) and booked amount."""

    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("CMO"))
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month
    orders = models.PositiveIntegerField(_("orders"), default=0)
    bookings = models.PositiveIntegerField(_("bookings (units)"), default=0)
    amount_sen = models.BigIntegerField(_("booked amount"), default=0)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("CMO target")
        verbose_name_plural = _("CMO targets")
        ordering = ["month", "cmo"]
        constraints = [models.UniqueConstraint(fields=["cmo", "month"], name="one_target_per_cmo_month")]
        indexes = [models.Index(fields=["branch", "month"])]

    def __str__(self) -> str:
        return f"{self.cmo_id} {self.month:%Y-%m}"


class BaseKind(models.TextChoices):
    PER_UNIT = "per_unit", _("Per unit booked")
    PCT_AMOUNT = "pct_amount", _("Percent of booked amount")


class IncentiveScheme(models.Model):
    """The company's incentive scheme from a date (the newest one in force on a month's first day applies)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    base_kind = models.CharField(_("base"), max_length=12, choices=BaseKind.choices, default=BaseKind.PER_UNIT)
    base_per_unit_sen = models.BigIntegerField(_("per unit"), default=0)
    base_pct = models.DecimalField(_("percent of booked amount"), max_digits=7, decimal_places=4, default=0)
    fpd_weight = models.DecimalField(
        _("FPD weight"), max_digits=7, decimal_places=4, default=0, help_text=_("The quality factor falls by this × the FPD rate.")
    )
    dpd30_weight = models.DecimalField(
        _("30+ DPD weight"),
        max_digits=7,
        decimal_places=4,
        default=0,
        help_text=_("The quality factor falls by this × the premature 30+ DPD rate."),
    )
    quality_floor = models.DecimalField(_("lowest quality factor"), max_digits=5, decimal_places=4, default=0)
    clawback_pct = models.DecimalField(
        _("clawback (% of the contract's base)"),
        max_digits=7,
        decimal_places=4,
        default=100,
        help_text=_("Taken back when a booked contract defaults early."),
    )
    clawback_max_mob = models.PositiveSmallIntegerField(_("clawback: default within MOB"), default=6)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("incentive scheme")
        verbose_name_plural = _("incentive schemes")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from}: {self.get_base_kind_display()}"


class IncentiveTier(models.Model):
    """A multiplier from a target achievement up (the highest tier reached applies)."""

    scheme = models.ForeignKey(IncentiveScheme, on_delete=models.CASCADE, related_name="tiers")
    min_achievement_pct = models.DecimalField(_("achievement from (%)"), max_digits=7, decimal_places=2)
    multiplier = models.DecimalField(_("multiplier"), max_digits=6, decimal_places=4)

    class Meta:
        ordering = ["scheme", "min_achievement_pct"]
        constraints = [models.UniqueConstraint(fields=["scheme", "min_achievement_pct"], name="one_tier_per_threshold")]

    def __str__(self) -> str:
        return f"≥ {self.min_achievement_pct} %: × {self.multiplier}"


class IncentiveRun(models.Model):
    """The month's incentive calculation for one branch; running the month again recomputes what is not approved."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # first day
    scheme = models.ForeignKey(IncentiveScheme, on_delete=models.PROTECT, related_name="+")
    snapshot_date = models.DateField(null=True, blank=True)  # the end-of-day the quality figures come from
    runs = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "branch"]
        constraints = [models.UniqueConstraint(fields=["branch", "month"], name="one_incentive_run_per_branch_month")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.month:%Y-%m}"


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # computed; waits for the branch manager (a new run recomputes it)
    APPROVED = "approved", _("Approved")  # approved for payroll; never recomputed
    REJECTED = "rejected", _("Rejected")  # sent back; the next run of the month recomputes it


class IncentiveStatement(models.Model):
    """One CMO's incentive for a month, with lines that explain every rupiah (their sum is the total)."""

    run = models.ForeignKey(IncentiveRun, on_delete=models.CASCADE, related_name="statements")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    status = models.CharField(max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=1)
    units = models.PositiveIntegerField(default=0)
    booked_sen = models.BigIntegerField(default=0)
    achievement_pct = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    tier_multiplier = models.DecimalField(max_digits=6, decimal_places=4, default=1)
    fpd_rate_pct = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    dpd30_rate_pct = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    quality_factor = models.DecimalField(max_digits=6, decimal_places=4, default=1)
    total_sen = models.BigIntegerField(default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-month", "cmo"]
        constraints = [models.UniqueConstraint(fields=["run", "cmo"], name="one_statement_per_run_cmo")]
        indexes = [models.Index(fields=["branch", "month"]), models.Index(fields=["cmo", "month"])]

    def __str__(self) -> str:
        return f"{self.cmo_id} {self.month:%Y-%m}: {self.total_sen}"

    @property
    def total(self) -> Decimal:
        return from_minor(self.total_sen)

    @property
    def booked(self) -> Decimal:
        return from_minor(self.booked_sen)


class IncentiveLine(models.Model):
    """One line of a statement: a contract's base, a factor's adjustment, a clawback."""

    statement = models.ForeignKey(IncentiveStatement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=12)  # base, tier, quality, clawback, floor
    contract = models.ForeignKey("servicing.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    contract_number = models.CharField(max_length=40, blank=True)
    basis_sen = models.BigIntegerField(default=0)
    factor = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    amount_sen = models.BigIntegerField()
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["statement", "position"]
        indexes = [models.Index(fields=["kind", "contract"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_sen}"

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_sen)

    @property
    def basis(self) -> Decimal:
        return from_minor(self.basis_sen)


class OriginationCell(models.Model):
    """The orders of a month, grouped: one row per submission month, branch, dealer, CMO and product.

    Orders submitted in the month and how far they went (surveyed, decided, approved, booked), with the sum of
    their decision times (for the mean turnaround). Refreshed after every close for the months a dashboard
    can show (``services.origination_cells_refresh``), so the dashboards, rankings, scorecards and an
    application's order context never read the whole book of applications: they show it as of the last close.
    """

    month = models.DateField()  # first day of the submission month (company time zone)
    refreshed_on = models.DateField()  # the business date the cell was computed after
    branch = models.ForeignKey("org.Branch", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    orders = models.PositiveIntegerField(default=0)
    surveyed = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    booked = models.PositiveIntegerField(default=0)  # orders with a contract
    timed = models.PositiveIntegerField(default=0)  # decided orders with both instants
    decision_microseconds = models.BigIntegerField(default=0)  # their decision times, summed

    class Meta:
        indexes = [
            models.Index(fields=["month", "branch"]),
            models.Index(fields=["dealer", "month"]),
            models.Index(fields=["cmo", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} dealer {self.dealer_id} CMO {self.cmo_id}: {self.orders} orders"


class PortfolioCell(models.Model):
    """The portfolio of a month, grouped: one row per branch, dealer, CMO, product, cohort, MOB, bucket and Kol.

    Filled from the month's latest end-of-day snapshot (``services.portfolio_cells_refresh``, called after
    every close): at month-end it is the month-end picture, mid-month the latest day's.
    """

    month = models.DateField()  # first day of the month
    snapshot_date = models.DateField()  # the business date the cell was taken from
    branch = models.ForeignKey("org.Branch", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    booked_month = models.DateField()
    mob = models.PositiveSmallIntegerField()
    bucket = models.CharField(max_length=4)
    collectibility = models.PositiveSmallIntegerField()
    contracts = models.PositiveIntegerField(default=0)
    dpd30 = models.PositiveIntegerField(default=0)  # contracts 30 or more days past due
    fpd = models.PositiveIntegerField(default=0)  # contracts flagged first-payment default
    outstanding_principal_sen = models.BigIntegerField(default=0)
    dpd30_principal_sen = models.BigIntegerField(default=0)
    overdue_sen = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["month", "branch"]),
            models.Index(fields=["dealer", "booked_month"]),
            models.Index(fields=["cmo", "month"]),
            models.Index(fields=["branch", "booked_month", "mob"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.branch_id} {self.bucket}: {self.contracts}"


class RollCell(models.Model):
    """Contracts moving from one bucket (last month's snapshot) to another (this month's), grouped."""

    month = models.DateField()
    branch = models.ForeignKey("org.Branch", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    from_bucket = models.CharField(max_length=4)
    to_bucket = models.CharField(max_length=4)
    contracts = models.PositiveIntegerField(default=0)
    principal_sen = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "branch"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.from_bucket}->{self.to_bucket}: {self.contracts}"


class RepeatOrderRule(models.Model):
    """Who is offered a repeat order: a clean record, near payoff or recently paid off (one row, company-wide)."""

    max_remaining_installments = models.PositiveSmallIntegerField(_("near payoff: at most this many installments left"), default=3)
    max_dpd_ever = models.PositiveSmallIntegerField(_("clean record: never more than this many days past due"), default=7)
    paid_off_within_months = models.PositiveSmallIntegerField(_("paid off within the last months"), default=12)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("repeat-order rule")
        verbose_name_plural = _("repeat-order rules")

    def __str__(self) -> str:
        return f"≤ {self.max_remaining_installments} left, ≤ {self.max_dpd_ever} DPD"


class RepeatOffer(models.Model):
    """A CMO opened a pre-filled quote for a customer's repeat order; a later order of that NIK converts it."""

    contract = models.ForeignKey("servicing.Contract", on_delete=models.CASCADE, related_name="+")
    cmo = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    customer_nik = models.CharField(max_length=16, db_index=True)
    kind = models.CharField(max_length=12, default="vehicle")  # vehicle, multipurpose (BPKB-backed)
    offered_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-offered_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["contract", "kind"], name="one_repeat_offer_per_contract_kind")]
        indexes = [models.Index(fields=["cmo", "offered_on"])]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind}"
