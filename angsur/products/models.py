"""Products, versioned rate cards and the regulatory tables a quote is priced on (minimum DP, NPF).

Saved quotes and the credit-policy tables (policy, authority matrix, scorecards, document checklist,
service levels) live in origination, which evaluates them.

Money is stored in integer sen (rupiah × 100) — SQLite keeps DecimalField as a float.
Percentages (rates, premiums) are DecimalField with 4 decimals: they are inputs, never sums.
"""

from decimal import Decimal

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
