"""Writes for the organisation: logins with throttling and lock-out, API tokens, users, branches."""

import datetime as dt
import hashlib
import ipaddress
import math
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from angsur.audit.services import audit_record, snapshot
from angsur.caching import cached, invalidate
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.org.clock import business_date, calendar_date
from angsur.org.models import ApiToken, Branch, BranchTimeZone, Company, LoginFailure, User, password_fingerprint
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require, user_can

TOKEN_BYTES = 32


class LoginError(DomainError):
    status = 401


class LoginThrottled(DomainError):
    """Too many failed logins from the client's address: it must wait (whatever username it tries)."""

    status = 429


def _invalid_credentials() -> LoginError:
    # One answer for an unknown user, a wrong password and a locked account: the answer must not tell
    # which usernames exist or which accounts an attacker has managed to lock.
    return LoginError("invalid_credentials", _("Wrong username or password, or the account is temporarily locked."))


def _throttled(seconds: int) -> LoginThrottled:
    if seconds < 120:
        message = ngettext(
            "Too many failed logins from your network. Try again in %(count)d second.",
            "Too many failed logins from your network. Try again in %(count)d seconds.",
            seconds,
        ) % {"count": seconds}
    else:
        minutes = math.ceil(seconds / 60)
        message = ngettext(
            "Too many failed logins from your network. Try again in %(count)d minute.",
            "Too many failed logins from your network. Try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
    return LoginThrottled("login_throttled", message)


def client_address(request: Any | None) -> str:
    """The address failed logins are counted against: REMOTE_ADDR, or behind the trusted proxy the
    address it appended to X-Forwarded-For; an IPv6 address by its /64 block (one subscriber's)."""
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "") or ""
    if settings.ANGSUR_LOGIN_TRUST_FORWARDED_FOR:
        appended = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        address = appended or address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _failure_window(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=settings.ANGSUR_LOGIN_FAILURE_WINDOW_MINUTES)


def _address_wait_seconds(*, address: str, now: dt.datetime, excluding: int) -> int:
    """Seconds the address must still wait: after ANGSUR_LOGIN_ADDRESS_MAX_FAILURES failures in the window,
    ANGSUR_LOGIN_THROTTLE_SECONDS after the last one, doubled for each failure beyond, at most the lock-out time."""
    stats = (
        LoginFailure.objects.filter(address=address, occurred_at__gte=_failure_window(now))
        .exclude(pk=excluding)
        .aggregate(failures=Count("id"), last=Max("occurred_at"))
    )
    beyond = stats["failures"] - settings.ANGSUR_LOGIN_ADDRESS_MAX_FAILURES
    if beyond < 0:
        return 0
    delay = min(settings.ANGSUR_LOGIN_THROTTLE_SECONDS * 2 ** min(beyond, 30), settings.ANGSUR_LOGIN_LOCKOUT_MINUTES * 60)
    remaining = (stats["last"] + dt.timedelta(seconds=delay) - now).total_seconds()
    return math.ceil(remaining) if remaining > 0 else 0


def login_authenticate(*, username: str, password: str, request: Any | None = None, now: dt.datetime | None = None) -> User:
    """Check credentials; count failures per client address and per account.

    An address with too many recent failures is refused for a growing delay (LoginThrottled), whatever
    username it tries, without the password being checked. An account is locked only when its failures
    come from several addresses: one guesser can slow itself down but cannot lock anyone out. An
    unknown user, a wrong password and a locked account get the same answer.

    The attempt is written down before the password is checked, so parallel guesses from one address
    see each other. Failures are committed (row, counter and audit event) before the error is raised,
    so a refused login leaves its trace even though the request fails.
    """
    now = now or timezone.now()
    address = client_address(request)
    name = username.strip()[:150]
    user = User.objects.filter(username__iexact=name).first()
    attempt = LoginFailure.objects.create(occurred_at=now, address=address, username=name, user=user)
    wait = _address_wait_seconds(address=address, now=now, excluding=attempt.pk)
    if wait:
        with transaction.atomic():
            # Refused unchecked: not a guess, so it does not count (nor extend the wait).
            LoginFailure.objects.filter(pk=attempt.pk).delete()
            audit_record(
                actor=None,
                action="auth.login_throttled",
                object_type="org.user",
                object_repr=name,
                after={"address": address, "wait_seconds": wait},
            )
        raise _throttled(wait)
    # The backend refuses a locked account even with the right password (org/backends.py); it checks
    # the password of an unknown user too, so the three refusals also take the same time.
    authenticated = authenticate(request, username=user.username if user else name, password=password)
    if authenticated is None:
        _login_failed(attempt_id=attempt.pk, user=user, name=name, address=address, now=now)
        raise _invalid_credentials()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=authenticated.pk)
        # Typos put right from this address are forgiven; failures from other addresses still slow
        # those addresses down, but no longer count toward this account.
        LoginFailure.objects.filter(Q(pk=attempt.pk) | Q(user=user, address=address)).delete()
        LoginFailure.objects.filter(user=user).update(user=None)
        if user.failed_login_count or user.locked_until:
            user.failed_login_count = 0
            user.locked_until = None
            user.save(update_fields=["failed_login_count", "locked_until"])
        audit_record(actor=user, action="auth.login", obj=user, branch=user.branch, after={"address": address})
    user.backend = authenticated.backend
    return user


def _login_failed(*, attempt_id: int, user: User | None, name: str, address: str, now: dt.datetime) -> None:
    with transaction.atomic():
        LoginFailure.objects.filter(occurred_at__lt=_failure_window(now)).delete()
        if user is None:
            audit_record(actor=None, action="auth.login_failed", object_type="org.user", object_repr=name, after={"address": address})
            return
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_locked(at=now):
            # Already locked: the attempt counts for its address, and does not extend the lock.
            LoginFailure.objects.filter(pk=attempt_id).update(user=None)
            audit_record(actor=None, action="auth.login_refused_locked", obj=user, branch=user.branch, after={"address": address})
            return
        user.failed_login_count += 1
        fields = ["failed_login_count"]
        action = "auth.login_failed"
        recent = LoginFailure.objects.filter(user=user, occurred_at__gte=_failure_window(now)).aggregate(
            failures=Count("id"), addresses=Count("address", distinct=True)
        )
        if recent["failures"] >= settings.ANGSUR_LOGIN_MAX_FAILURES and recent["addresses"] >= settings.ANGSUR_LOGIN_LOCK_MIN_ADDRESSES:
            user.locked_until = now + dt.timedelta(minutes=settings.ANGSUR_LOGIN_LOCKOUT_MINUTES)
            user.failed_login_count = 0
            fields.append("locked_until")
            action = "auth.account_locked"
            LoginFailure.objects.filter(user=user).update(user=None)
        user.save(update_fields=fields)
        audit_record(
            actor=None,
            action=action,
            obj=user,
            branch=user.branch,
            after={**snapshot(user, fields), "address": address, "addresses": recent["addresses"]},
        )


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    """Clear a lock-out and restart the account's failure count (head office)."""
    require(actor, Capability.CONFIG_MANAGE)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, ["failed_login_count", "locked_until"])
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["failed_login_count", "locked_until"])
    LoginFailure.objects.filter(user=user).update(user=None)
    audit_record(actor=actor, action="org.user_unlock", obj=user, before=before, after=snapshot(user, list(before)))
    return user


@transaction.atomic
def user_password_set(*, actor: User | None, user: User, password: str | None) -> User:
    """Set a user's password (None: no password login at all) and revoke their API tokens.

    ``actor`` is the user themself, head office, or None for the system (e.g. a command).
    """
    if actor is not None and actor.pk != user.pk:
        require(actor, Capability.CONFIG_MANAGE)
    user = User.objects.select_for_update().get(pk=user.pk)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise DomainError("invalid_password", " ".join(error.messages), field="password") from error
        user.set_password(password)
    user.save(update_fields=["password"])
    revoked = _revoke_tokens_of(user, at=timezone.now())
    audit_record(
        actor=actor,
        action="org.user_password_set",
        obj=user,
        after={"usable_password": user.has_usable_password(), "tokens_revoked": revoked},
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivate a user (head office): their sessions end and their API tokens are revoked for good."""
    require(actor, Capability.CONFIG_MANAGE)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, ["is_active"])
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = _revoke_tokens_of(user, at=timezone.now())
    audit_record(
        actor=actor,
        action="org.user_deactivate",
        obj=user,
        before=before,
        after={**snapshot(user, ["is_active"]), "tokens_revoked": revoked},
    )
    return user


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a bearer token valid for ANGSUR_API_TOKEN_DAYS; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:8],
        digest=_digest(raw),
        expires_at=timezone.now() + dt.timedelta(days=settings.ANGSUR_API_TOKEN_DAYS),
        # From the database: a caller's instance may predate a password change.
        password_fingerprint=password_fingerprint(User.objects.values_list("password", flat=True).get(pk=user.pk)),
    )
    audit_record(
        actor=user,
        action="auth.token_create",
        obj=token,
        branch=user.branch,
        after={"prefix": token.prefix, "name": name, "expires_at": token.expires_at},
    )
    return token, raw


def _token_user(digest: str) -> tuple[User, dt.datetime] | None:
    token = ApiToken.objects.select_related("user", "user__branch").filter(digest=digest, revoked_at__isnull=True).first()
    if token is None or not token.user.is_active or token.password_fingerprint != token.user.password_fingerprint:
        return None
    now = timezone.now()
    if token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token.expires_at


def api_token_authenticate(raw: str, *, now: dt.datetime | None = None) -> User | None:
    """Return the active user owning the token, or None (unknown, revoked, expired, password changed).

    The token → user lookup is cached for ANGSUR_CONFIG_CACHE_SECONDS (angsur/caching.py): revoking a
    token or changing a user (its password included), branch or company invalidates it; the expiry is
    checked on every call, so a token stops at its expiry even while cached; `last_used_at` is
    refreshed on a miss.
    """
    if not raw or len(raw) > 200:
        return None
    digest = _digest(raw)
    found = cached("auth", f"token:{digest}", lambda: _token_user(digest))
    if found is None:
        return None
    user, expires_at = found
    if expires_at <= (now or timezone.now()):
        return None
    # The cached instance is shared by the process's threads: each request gets its own copy.
    return _copy_user(user)


def _copy_user(user: User) -> User:
    """A shallow copy, as copy.copy makes it (Model.__getstate__): the field values, a copy of the model
    state and a cache of related objects of its own (ModelState.__del__ clears that cache, so it must
    never be shared with the cached instance). Without the pickle protocol around it: 1.4 µs, not 7."""
    clone = User.__new__(User)
    clone.__dict__.update(user.__dict__)
    state = ModelState.__new__(ModelState)
    state.__dict__.update(user._state.__getstate__())
    state.fields_cache = dict(user._state.fields_cache)
    clone._state = state
    return clone


def _require_owner_or_head_office(actor: User, owner: User) -> None:
    if actor.pk != owner.pk and not user_can(actor, Capability.CONFIG_MANAGE):
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))


def _revoke_tokens_of(user: User, *, at: dt.datetime) -> int:
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=at)
    invalidate("auth")  # a queryset update sends no post_save
    return revoked


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke a token (its owner, or head office); it stops working at once in this process."""
    _require_owner_or_head_office(actor, token.user)
    revoked_at = timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=revoked_at)
    invalidate("auth")
    audit_record(actor=actor, action="auth.token_revoke", obj=token, branch=token.user.branch, after={"revoked_at": revoked_at})


@transaction.atomic
def api_token_revoke_all(*, actor: User, user: User, reason: str) -> int:
    """Revoke every token of a user (the user, or head office); return how many were still active."""
    _require_owner_or_head_office(actor, user)
    revoked = _revoke_tokens_of(user, at=timezone.now())
    audit_record(actor=actor, action="auth.token_revoke_all", obj=user, after={"tokens_revoked": revoked, "reason": reason})
    return revoked


@transaction.atomic
def company_create(*, actor: User | None, code: str, name: str) -> Company:
    company = Company.objects.create(code=code, name=name)
    audit_record(actor=actor, action="org.company_create", obj=company, after=snapshot(company))
    return company


@transaction.atomic
def branch_create(
    *, actor: User | None, company: Company, code: str, name: str, time_zone: str, is_head_office: bool = False, address: str = ""
) -> Branch:
    """Open a branch in one of Indonesia's three time zones (an IANA name, or WIB/WITA/WIT)."""
    branch = Branch.objects.create(
        company=company, code=code, name=name, time_zone=branch_time_zone(time_zone), is_head_office=is_head_office, address=address
    )
    audit_record(actor=actor, action="org.branch_create", obj=branch, branch=branch, after=snapshot(branch))
    return branch


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    branch: Branch | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    password_hash: str | None = None,
) -> User:
    """Create a staff or dealer user with one role (password_hash: an already hashed password, for demo data)."""
    if role not in Role.values:
        raise DomainError("invalid_role", _("Unknown role."), field="role")
    if role != Role.HO_ADMIN and branch is None:
        raise DomainError("branch_required", _("A branch is required for this role."), field="branch")
    user = User(
        username=username,
        role=role,
        branch=branch,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        is_staff=role == Role.HO_ADMIN,
        is_superuser=role == Role.HO_ADMIN,
    )
    if password_hash is None:
        user.set_password(password)
    else:
        user.password = password_hash
    user.save()
    audit_record(actor=actor, action="org.user_create", obj=user, branch=branch, after=snapshot(user))
    return user


# Indonesia's three zones by the names people use (UU 1964 / Keppres 41/1987: WIB, WITA, WIT).
TIME_ZONE_ABBREVIATIONS = {"WIB": BranchTimeZone.WIB, "WITA": BranchTimeZone.WITA, "WIT": BranchTimeZone.WIT}


def branch_time_zone(value: str) -> str:
    """The IANA zone of a branch from an IANA name or WIB/WITA/WIT; refuse anything else."""
    text = (value or "").strip()
    zone = TIME_ZONE_ABBREVIATIONS.get(text.upper()) or next((z for z in BranchTimeZone.values if z.lower() == text.lower()), None)
    if zone is None:
        raise DomainError(
            "invalid_time_zone",
            _("Unknown time zone '%(value)s': use Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).") % {"value": text[:40]},
            field="time_zone",
        )
    return zone


@transaction.atomic
def business_date_advance(*, actor: Any | None, branch: Any, to: dt.date) -> dt.date:
    """Move the branch's business date on to ``to`` (end-of-day, after closing the day before); audited.

    Once set it never goes back or repeats, and it never passes the branch's calendar date: a day is
    closed only once it has begun.
    """
    locked = Branch.objects.select_for_update(of=("self",)).get(pk=branch.pk)
    current = business_date(locked)
    # The first run sets the date (a branch may open its books on any past day); later runs move it on.
    if locked.business_date is not None and to <= current:
        raise Conflict(
            "business_date_not_forward",
            _("The business date of %(branch)s is %(date)s: it only moves forward.") % {"branch": locked.code, "date": current.isoformat()},
        )
    if to > calendar_date(locked):
        raise DomainError(
            "business_date_in_future",
            _("The business date cannot pass the branch's calendar date (%(date)s).") % {"date": calendar_date(locked).isoformat()},
            field="to",
        )
    before = {"business_date": locked.business_date.isoformat() if locked.business_date else None}
    locked.business_date = to
    locked.save(update_fields=["business_date"])
    after = {"business_date": to.isoformat()}
    audit_record(actor=actor, action="org.business_date_advance", obj=locked, branch=locked, before=before, after=after)
    branch.business_date = to
    return to
