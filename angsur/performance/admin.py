"""Head office's configuration of performance: dealer tiers, the incentive scheme (with its tiers), the repeat-order
rule. Every change is audited (AuditedModelAdmin)."""

from django.contrib import admin

from angsur.audit.admin import AuditedModelAdmin
from angsur.performance.models import DealerTierRule, IncentiveScheme, IncentiveTier, RepeatOrderRule


@admin.register(DealerTierRule)
class DealerTierRuleAdmin(AuditedModelAdmin):
    list_display = (
        "priority",
        "code",
        "name",
        "min_bookings",
        "min_approval_rate_pct",
        "max_fpd_rate_pct",
        "max_dpd30_mob3_pct",
        "decision_target_hours",
        "fast_track",
        "is_active",
    )
    ordering = ("priority",)


class IncentiveTierInline(admin.TabularInline):
    model = IncentiveTier
    extra = 1


@admin.register(IncentiveScheme)
class IncentiveSchemeAdmin(AuditedModelAdmin):
    list_display = (
        "effective_from",
        "base_kind",
        "base_per_unit_sen",
        "base_pct",
        "fpd_weight",
        "dpd30_weight",
        "quality_floor",
        "clawback_pct",
    )
    inlines = [IncentiveTierInline]
    exclude = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RepeatOrderRule)
class RepeatOrderRuleAdmin(AuditedModelAdmin):
    list_display = ("max_remaining_installments", "max_dpd_ever", "paid_off_within_months")
