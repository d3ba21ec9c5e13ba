"""Writes for the organisation: logins with lock-out, API tokens, users, branches."""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record, snapshot
from angsur.caching import cached, invalidate
from angsur.errors import DomainError
from angsur.org.models import ApiToken, Branch, Company, User
from angsur.org.roles import Role

TOKEN_BYTES = 32


class LoginError(DomainError):
    status = 401


def _lock_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ANGSUR_LOGIN_LOCKOUT_MINUTES)


def login_authenticate(*, username: str, password: str, request: Any | None = None, now: dt.datetime | None = None) -> User:
    """Check credentials, counting failures and locking the account after too many.

    Failures are committed (counter and audit event) before the error is raised, so a refused
    login leaves its trace even though the request fails.
    """
    now = now or timezone.now()
    refusal: LoginError | None = None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username__iexact=username.strip()).first()
        if user is not None and user.locked_until and user.locked_until > now:
            audit_record(actor=None, action="auth.login_refused_locked", obj=user, branch=user.branch)
            refusal = LoginError(
                "account_locked",
                _("This account is locked after too many failed logins. Try again after %(time)s.")
                % {"time": timezone.localtime(user.locked_until).strftime("%H:%M")},
                status=403,
            )
    if refusal is not None:
        raise refusal
    authenticated = authenticate(request, username=user.username if user else username, password=password)
    with transaction.atomic():
        if authenticated is None:
            refusal = LoginError("invalid_credentials", _("Wrong username or password."))
            if user is None:
                audit_record(actor=None, action="auth.login_failed", object_type="org.user", object_repr=username[:150])
            else:
                user = User.objects.select_for_update().get(pk=user.pk)
                user.failed_login_count += 1
                fields = ["failed_login_count"]
                action = "auth.login_failed"
                if user.failed_login_count >= settings.ANGSUR_LOGIN_MAX_FAILURES:
                    user.locked_until = now + _lock_window()
                    user.failed_login_count = 0
                    fields.append("locked_until")
                    action = "auth.account_locked"
                user.save(update_fields=fields)
                audit_record(actor=None, action=action, obj=user, branch=user.branch, after=snapshot(user, fields))
        else:
            user = User.objects.select_for_update().get(pk=authenticated.pk)
            if user.failed_login_count or user.locked_until:
                user.failed_login_count = 0
                user.locked_until = None
                user.save(update_fields=["failed_login_count", "locked_until"])
            audit_record(actor=user, action="auth.login", obj=user, branch=user.branch)
    if refusal is not None:
        raise refusal
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    """Clear a lock-out (head office)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, ["failed_login_count", "locked_until"])
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["failed_login_count", "locked_until"])
    audit_record(actor=actor, action="org.user_unlock", obj=user, before=before, after=snapshot(user, list(before)))
    return user


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a bearer token; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=raw[:8], digest=_digest(raw))
    audit_record(actor=user, action="auth.token_create", obj=token, branch=user.branch, after={"prefix": token.prefix, "name": name})
    return token, raw


def _token_user(digest: str) -> User | None:
    token = ApiToken.objects.select_related("user", "user__branch").filter(digest=digest, revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_authenticate(raw: str) -> User | None:
    """Return the active user owning the token, or None.

    The token → user lookup is cached for ANGSUR_CONFIG_CACHE_SECONDS (angsur/caching.py): revoking a
    token or changing a user, branch or company invalidates it; `last_used_at` is refreshed on a miss.
    """
    if not raw or len(raw) > 200:
        return None
    digest = _digest(raw)
    user = cached("auth", f"token:{digest}", lambda: _token_user(digest))
    # The cached instance is shared by the process's threads: each request gets its own copy.
    return _copy_user(user) if user is not None else None


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


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke a token."""
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    invalidate("auth")
    audit_record(actor=actor, action="auth.token_revoke", obj=token, branch=token.user.branch)


@transaction.atomic
def company_create(*, actor: User | None, code: str, name: str) -> Company:
    company = Company.objects.create(code=code, name=name)
    audit_record(actor=actor, action="org.company_create", obj=company, after=snapshot(company))
    return company


@transaction.atomic
def branch_create(
    *, actor: User | None, company: Company, code: str, name: str, time_zone: str, is_head_office: bool = False, address: str = ""
) -> Branch:
    branch = Branch.objects.create(
        company=company, code=code, name=name, time_zone=time_zone, is_head_office=is_head_office, address=address
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
