"""Dealers and sub-dealers, and the dealer staff who log in to the portal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from angsur.products.models import VehicleKind


class Dealer(models.Model):
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="dealers", verbose_name=_("branch"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_dealers", verbose_name=_("main dealer")
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    brand = models.CharField(_("brand"), max_length=60)
    vehicle_kind = models.CharField(_("vehicle kind"), max_length=20, choices=VehicleKind.choices)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=30, blank=True)
    bank_account_name = models.CharField(_("account holder"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The faster service the dealer's tier earns (domain.md §6), written by performance when it recomputes the
    # tiers at a month-end close and read by the credit analyst's queue: a higher priority is decided first.
    # Stored here because origination sits below performance and may not import it. 0: ordinary service.
    service_priority = models.PositiveSmallIntegerField(_("service priority"), default=0, editable=False)
    service_tier = models.CharField(_("service tier"), max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class DealerUser(models.Model):
    """Links a login of role 'dealer' to the one dealer whose records it may see."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dealer_link")
    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="users")

    class Meta:
        verbose_name = _("dealer user")
        verbose_name_plural = _("dealer users")

    def __str__(self) -> str:
        return f"{self.user} @ {self.dealer}"


class DealerCoverage(models.Model):
    """Which CMOs and supervisors cover which dealers (orders from a dealer go to its CMO)."""

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="coverage")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="covered_dealers")
    is_primary = models.BooleanField(_("primary CMO"), default=False)

    class Meta:
        verbose_name = _("dealer coverage")
        verbose_name_plural = _("dealer coverage")
        constraints = [models.UniqueConstraint(fields=["dealer", "user"], name="dealer_coverage_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} covers {self.dealer_id}"
