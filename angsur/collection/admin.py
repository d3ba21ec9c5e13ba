"""Collection's configuration in /config/ (head office), every change audited: result codes, hand-over rules,
collectors' areas and certifications, company holidays. Cases, contacts and promises are not edited here."""

from django.contrib import admin

from angsur.audit.admin import AuditedModelAdmin
from angsur.collection.models import CollectorProfile, CompanyHoliday, HandoverRule, ResultCode


@admin.register(ResultCode)
class ResultCodeAdmin(AuditedModelAdmin):
    list_display = ("code", "label", "needs_promise", "active", "order")
    list_editable = ("active", "order")


@admin.register(HandoverRule)
class HandoverRuleAdmin(AuditedModelAdmin):
    list_display = ("from_stage", "to_stage", "min_dpd", "min_mob", "max_mob", "min_broken_promises", "order", "active")
    list_filter = ("active", "from_stage")


@admin.register(CollectorProfile)
class CollectorProfileAdmin(AuditedModelAdmin):
    list_display = ("user", "branch", "stage", "third_party", "agency", "certificate_number", "certificate_valid_until", "active")
    list_filter = ("branch", "stage", "third_party", "active")
    search_fields = ("user__username", "agency", "areas")


@admin.register(CompanyHoliday)
class CompanyHolidayAdmin(AuditedModelAdmin):
    list_display = ("date", "name")
