"""Products, versioned rate cards, regulatory policy tables, and saved quotes.

Money is stored in integer sen (rupiah × 100) — SQLite keeps DecimalField as a float.
Percentages (rates, premiums) are DecimalField with 4 decimals: they are inputs, never sums.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from angsur.finance.money import from_minor
from angsur.finance.quote import ROUNDING_UNIT_MAX, ROUNDING_UNIT_MIN, TENOR_MAX_MONTHS

PCT = {"max_digits": 9, "decimal_places": 4, "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]}



class VehicleKind(models.TextChoices):
    """What a product finances and a dealer sells: the regulatory minimum DP differs by kind."""

    MOTORCYCLE = "motorcycle", _("Motorcycle")
    CAR = "car", _("Car")

class ProductKind(models.TextChoices):
    NEW_MOTORCYCLE = "new_motorcycle", _("New motorcycle")
    USED_MOTORCYCLE = "used_motorcycle", _("Used motorcycle")
    NEW_CAR = "new_car", _("New car")
    USED_CAR = "used_car", _("Used car")
    MULTIPURPOSE = "multipurpose", _("Multipurpose (BPKB-backed)")


class Timing(models.TextChoices):
    ADDB = "addb", _("ADDB (in arrears)")
    ADDM = "addm", _("ADDM (in advance)")


class RateKind(models.TextChoices):
    FLAT = "flat", _("Flat")
    EFFECTIVE = "effective", _("Effective (annuity)")


class RoundingDirection(models.TextChoices):
    UP = "up", _("Up")
    DOWN = "down", _("Down")
    HALF_UP = "half_up", _("Nearest")
    HALF_EVEN = "half_even", _("Nearest, ties to even")


class Residue(models.TextChoices):
    INTEREST = "interest", _("Absorbed by interest (all installments equal)")
    LAST_INSTALLMENT = "last_installment", _("Absorbed by the last installment")


class InsuranceKind(models.TextChoices):
    TLO = "tlo", _("Total loss only (TLO)")
    ALL_RISK = "all_risk", _("All risk (comprehensive)")
    NONE = "none", _("None")


class Product(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices)
    vehicle_kind = models.CharField(_("vehicle kind"), max_length=20, choices=VehicleKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_new_vehicle(self) -> bool:
        return self.kind in {ProductKind.NEW_CAR, ProductKind.NEW_MOTORCYCLE}


class RateCard(models.Model):
    """One version of a product's price terms, in force from `effective_from` (company-wide or for one branch)."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="rate_cards", verbose_name=_("product"))
    branch = models.ForeignKey(
        "org.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
        help_text=_("Empty: company-wide. A branch card overrides the company card for that branch."),
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    effective_from = models.DateField(_("effective from"))
    timing = models.CharField(_("payment timing"), max_length=4, choices=Timing.choices, default=Timing.ADDB)
    rate_kind = models.CharField(_("rate kind"), max_length=10, choices=RateKind.choices, default=RateKind.FLAT)
    rounding_unit = models.PositiveIntegerField(
        _("rounding unit (Rp)"),
        default=1000,
        validators=[MinValueValidator(int(ROUNDING_UNIT_MIN)), MaxValueValidator(int(ROUNDING_UNIT_MAX))],
    )
    rounding_direction = models.CharField(
        _("rounding direction"), max_length=10, choices=RoundingDirection.choices, default=RoundingDirection.UP
    )
    residue = models.CharField(_("rounding residue"), max_length=20, choices=Residue.choices, default=Residue.INTEREST)
    min_dp_pct = models.DecimalField(_("product minimum DP %"), default=Decimal("20"), **PCT)
    max_vehicle_age_at_maturity = models.PositiveIntegerField(_("max vehicle age at maturity (years)"), default=15)
    insurance_kind = models.CharField(_("insurance"), max_length=10, choices=InsuranceKind.choices, default=InsuranceKind.TLO)
    insurance_financed = models.BooleanField(_("insurance premium financed"), default=True)
    life_insurance_pct = models.DecimalField(_("life insurance % of principal"), default=Decimal("0"), **PCT)
    life_insurance_financed = models.BooleanField(_("life insurance financed"), default=True)
    dp_step = models.PositiveBigIntegerField(_("DP step for counter-offers (Rp)"), default=100000)
    # Below this the installment's rounding dominates the price (Rp1 financed over 12 months priced at
    # 1,200,000 % a year): the product refuses it with a message instead.
    min_financed = models.PositiveBigIntegerField(_("minimum amount financed (Rp)"), default=1_000_000)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rate card")
        verbose_name_plural = _("rate cards")
        ordering = ["product__code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["product", "branch", "effective_from"], name="rate_card_unique_version"),
        ]

    def __str__(self) -> str:
        scope = self.branch.code if self.branch_id else "*"
        return f"{self.product.code} {scope} {self.effective_from:%Y-%m-%d}"


class RateCardLine(models.Model):
    """Rate and insurance premium for one tenor and vehicle-age band (age in years at application)."""

    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="lines")
    tenor_months = models.PositiveIntegerField(_("tenor (months)"), validators=[MinValueValidator(1), MaxValueValidator(TENOR_MAX_MONTHS)])
    vehicle_age_from = models.PositiveIntegerField(_("vehicle age from (years)"), default=0)
    vehicle_age_to = models.PositiveIntegerField(_("vehicle age to (years)"), default=99)
    rate_pct = models.DecimalField(_("rate % per year"), **PCT)
    insurance_pct = models.DecimalField(_("insurance premium % of OTR for the whole tenor"), default=Decimal("0"), **PCT)

    class Meta:
        verbose_name = _("rate card line")
        verbose_name_plural = _("rate card lines")
        ordering = ["tenor_months", "vehicle_age_from"]

    def __str__(self) -> str:
        return f"{self.tenor_months} bln {self.vehicle_age_from}-{self.vehicle_age_to} th: {self.rate_pct}%"


class FeeBasis(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    OTR = "otr", _("% of OTR")
    PRINCIPAL = "principal", _("% of principal (OTR − DP)")


class FeeCode(models.TextChoices):
    ADMIN = "admin", _("Admin fee")
    PROVISION = "provision", _("Provision (provisi)")
    FIDUCIARY = "fiduciary", _("Fiduciary fee")
    OTHER = "other", _("Other")


class RateCardFee(models.Model):
    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="fees")
    code = models.CharField(_("fee"), max_length=20, choices=FeeCode.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=FeeBasis.choices, default=FeeBasis.FIXED)
    amount_sen = models.BigIntegerField(_("fixed amount (sen)"), default=0, validators=[MinValueValidator(0)])
    pct = models.DecimalField(_("percent"), default=Decimal("0"), **PCT)
    financed = models.BooleanField(_("financed"), default=False)
    # A fee for one tenor only (e.g. a higher admin fee on long tenors); empty: every tenor.
    tenor_months = models.PositiveSmallIntegerField(_("tenor (months)"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self) -> str:
        return self.get_code_display()

    @property
    def value(self) -> Decimal:
        return from_minor(self.amount_sen) if self.basis == FeeBasis.FIXED else self.pct


class MinDpTier(models.Model):
    """Regulatory minimum DP (POJK 35/POJK.05/2018 Pasal 20) by vehicle kind and the company's NPF."""

    vehicle_kind = models.CharField(_("vehicle kind"), max_length=20, choices=VehicleKind.choices)
    npf_max_pct = models.DecimalField(_("NPF up to %"), **PCT)
    min_dp_pct = models.DecimalField(_("minimum DP %"), **PCT)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("minimum-DP tier")
        verbose_name_plural = _("minimum-DP tiers")
        ordering = ["vehicle_kind", "npf_max_pct"]

    def __str__(self) -> str:
        return f"{self.vehicle_kind} NPF≤{self.npf_max_pct}% → DP≥{self.min_dp_pct}%"


class CompanyNpf(models.Model):
    """The company's vehicle-financing net NPF and soundness, which selects the minimum-DP tier."""

    npf_pct = models.DecimalField(_("net NPF %"), **PCT)
    is_sound = models.BooleanField(_("soundness at least 'sehat'"), default=True)
    effective_from = models.DateField(_("effective from"), unique=True)

    class Meta:
        verbose_name = _("company NPF")
        verbose_name_plural = _("company NPF")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"NPF {self.npf_pct}% from {self.effective_from}"


class VehicleCondition(models.TextChoices):
    NEW = "new", _("New")
    USED = "used", _("Used")


class SavedQuote(models.Model):
    """A priced quote given to a prospect; immutable, so it stays reproducible after rate cards change."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, null=True, blank=True, related_name="quotes")
    created_at = models.DateTimeField(auto_now_add=True)
    as_of = models.DateField(_("priced on"))
    prospect_name = models.CharField(_("prospect name"), max_length=120)
    prospect_phone = models.CharField(_("prospect phone"), max_length=20, blank=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    rate_card = models.ForeignKey(RateCard, on_delete=models.PROTECT, related_name="+")
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
    # The prospect's follow-up: the only thing that changes on a saved quote (products.services.quote_follow_up_set).
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_note = models.CharField(_("follow-up note"), max_length=200, blank=True)

    class Meta:
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
        verbose_name = _("credit policy")
        verbose_name_plural = _("credit policies")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{_('Credit policy')} {self.effective_from}"


class AuthorityRule(models.Model):
    """Authority matrix: a role may approve up to an amount and down to a risk grade (optionally per product)."""

    role = models.CharField(_("role"), max_length=32)
    level = models.PositiveSmallIntegerField(_("level"), help_text=_("1 analyst, 2 chief analyst / marketing head, 3 branch manager"))
    product = models.ForeignKey(Product, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("product"))
    max_financed_sen = models.BigIntegerField(_("maximum financed amount (sen)"))
    worst_grade = models.CharField(_("worst risk grade allowed"), max_length=2)

    class Meta:
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
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-effective_from"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="scorecard_unique_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.effective_from}"


class DocumentRequirement(models.Model):
    """The document checklist per product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="document_requirements")
    kind = models.CharField(_("document"), max_length=24)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
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
        verbose_name = _("service-level target")
        verbose_name_plural = _("service-level targets")

    def __str__(self) -> str:
        return f"SLA {self.branch_id or '*'}"
