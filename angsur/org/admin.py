from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from angsur.audit.admin import AuditedModelAdmin
from angsur.org.models import ApiToken, Branch, Company, User

admin.site.site_header = _("angsur configuration")
admin.site.site_title = "angsur"


@admin.register(Company)
class CompanyAdmin(AuditedModelAdmin):
    list_display = ("code", "name")


@admin.register(Branch)
class BranchAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "time_zone", "is_head_office", "is_active")
    list_filter = ("time_zone", "is_active")


@admin.register(User)
class AngsurUserAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ("username", "get_full_name", "role", "branch", "is_active", "locked_until")
    list_filter = ("role", "branch", "is_active")
    fieldsets = UserAdmin.fieldsets + ((_("angsur"), {"fields": ("role", "branch", "phone", "failed_login_count", "locked_until")}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("angsur"), {"fields": ("role", "branch")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False
