"""Company, branches (with their time zone), users with one role each, API tokens, failed logins."""

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from angsur.org.roles import HEAD_OFFICE_ROLES, Role


class Company(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class BranchTimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


class Branch(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="branches", verbose_name=_("company"))
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    time_zone = models.CharField(_("time zone"), max_length=32, choices=BranchTimeZone.choices, default=BranchTimeZone.WIB)
    is_head_office = models.BooleanField(_("head office"), default=False)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The branch's business date: the day its books are on. End-of-day closes it and moves it on
    # (org/clock.py: business_date_advance); until the first run it follows the branch's calendar.
    business_date = models.DateField(_("business date"), null=True, blank=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def password_fingerprint(password_hash: str) -> str:
    """A short digest of a stored password hash. An API token carries the one of the password it was
    issued under, so a password changed by any path (a service, the admin, `angsur changepassword`)
    ends it. (A re-hash on login, e.g. after a hasher upgrade, also ends it: the user logs in again.)"""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CMO)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("branch"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    failed_login_count = models.PositiveIntegerField(_("failed logins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # The language this person chose with the switch (empty: the company's default, Bahasa Indonesia).
    # Kept per person, not per browser: on a shared phone each user gets their own.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    @property
    def is_head_office(self) -> bool:
        """Head-office staff see every branch."""
        return self.role in HEAD_OFFICE_ROLES or (self.branch is not None and self.branch.is_head_office)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    def is_locked(self, *, at: dt.datetime) -> bool:
        """True while a lock-out after failed logins from several addresses is in force."""
        return self.locked_until is not None and self.locked_until > at

    @property
    def password_fingerprint(self) -> str:
        return password_fingerprint(self.password)


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 digest is stored.

    A token works until it expires (ANGSUR_API_TOKEN_DAYS after issue), is revoked (by its owner, by head
    office, on a password change or a deactivation), or its owner's password changes by any path.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # User.password_fingerprint when the token was issued.
    password_fingerprint = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginFailure(models.Model):
    """One failed (or still running) login attempt, kept for ANGSUR_LOGIN_FAILURE_WINDOW_MINUTES.

    Counted per client address (to slow that address down) and per account (to lock the account when
    the failures come from several addresses). `user` is cleared once the account's count restarts (a
    successful login, a lock, an unlock), so the row still counts for its address only. The audit trail
    keeps the history; these rows are working state and are pruned.
    """

    occurred_at = models.DateTimeField(db_index=True)
    # The client address (an IPv6 address by its /64 block), see services.client_address.
    address = models.CharField(max_length=64)
    username = models.CharField(max_length=150)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [models.Index(fields=["address", "occurred_at"], name="org_loginfailure_address")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address}"
