from contextvars import ContextVar
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from angsur.audit.admin import AuditedModelAdmin
from angsur.errors import DomainError
from angsur.org.models import ApiToken, Branch, Company, User
from angsur.org.services import api_token_revoke, api_token_revoke_all, user_password_set, user_unlock

admin.site.site_header = _("angsur configuration")
admin.site.site_title = "angsur"

# The admin's login page (/config/login/) is not used: angsur/urls.py sends it to the app's login,
# which counts, throttles and audits every attempt (org/services.py: login_authenticate).


@admin.register(Company)
class CompanyAdmin(AuditedModelAdmin):
    list_display = ("code", "name")


@admin.register(Branch)
class BranchAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "time_zone", "is_head_office", "is_active")
    list_filter = ("time_zone", "is_active")


# Django builds the password form without the request; the service needs to know who changes it.
_password_actor: ContextVar[User | None] = ContextVar("angsur_admin_password_actor", default=None)


class ServicePasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form, saved through user_password_set (audited; revokes the API tokens)."""

    def save(self, commit: bool = True) -> User:
        password = self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        self.user = user_password_set(actor=_password_actor.get(), user=self.user, password=password)
        return self.user


@admin.register(User)
class AngsurUserAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ("username", "get_full_name", "role", "branch", "is_active", "locked_until")
    list_filter = ("role", "branch", "is_active")
    fieldsets = UserAdmin.fieldsets + ((_("angsur"), {"fields": ("role", "branch", "phone", "failed_login_count", "locked_until")}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("angsur"), {"fields": ("role", "branch")}),)
    # Cleared by the "unlock" action (an audited service), never typed in.
    readonly_fields = ("failed_login_count", "locked_until")
    change_password_form = ServicePasswordChangeForm
    actions = ["unlock_accounts"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and "is_active" in form.changed_data and not obj.is_active:
                # A deactivated account's tokens are revoked, so reactivating it brings none back.
                api_token_revoke_all(actor=request.user, user=obj, reason="deactivated")

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    @admin.action(description=_("Unlock the selected accounts"), permissions=["change"])
    def unlock_accounts(self, request: HttpRequest, queryset: Any) -> None:
        unlocked = 0
        for user in queryset:
            try:
                user_unlock(actor=request.user, user=user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
            unlocked += 1
        self.message_user(
            request,
            ngettext("%(count)d account unlocked.", "%(count)d accounts unlocked.", unlocked) % {"count": unlocked},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    # A token is revoked by the action (never un-revoked), and never moved to another user.
    readonly_fields = ("user", "prefix", "digest", "created_at", "expires_at", "last_used_at", "revoked_at", "password_fingerprint")
    actions = ["revoke_tokens"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke_tokens(self, request: HttpRequest, queryset: Any) -> None:
        revoked = 0
        for token in queryset.select_related("user__branch").filter(revoked_at__isnull=True):
            try:
                api_token_revoke(actor=request.user, token=token)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
            revoked += 1
        self.message_user(
            request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked) % {"count": revoked}, messages.SUCCESS
        )
