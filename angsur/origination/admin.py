from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from angsur.audit.admin import AuditedModelAdmin
from angsur.origination.models import (
    AuthorityRule,
    CreditPolicy,
    DocumentRequirement,
    NegativeListEntry,
    SavedQuote,
    ScorecardConfig,
    ServiceLevelTarget,
)


@admin.register(NegativeListEntry)
class NegativeListEntryAdmin(AuditedModelAdmin):
    list_display = ("nik", "phone", "frame_number", "reason", "added_at")
    search_fields = ("nik", "phone", "frame_number")


@admin.register(SavedQuote)
class SavedQuoteAdmin(admin.ModelAdmin):
    list_display = ("pk", "prospect_name", "product", "tenor_months", "branch", "created_by", "created_at")
    list_filter = ("branch", "product")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditPolicy)
class CreditPolicyAdmin(AuditedModelAdmin):
    list_display = ("effective_from", "max_dsr_pct", "min_age_at_application", "max_age_at_maturity_employee", "bureau_reject_from_kol")


@admin.register(AuthorityRule)
class AuthorityRuleAdmin(AuditedModelAdmin):
    list_display = ("level", "role", "product", "max_financed_sen", "worst_grade")


class ScorecardConfigForm(forms.ModelForm):
    class Meta:
        model = ScorecardConfig
        fields = ["code", "definition", "effective_from"]

    def clean_definition(self) -> Any:
        """Refuse a definition the scoring engine cannot read, before it reaches the analysts."""
        from angsur.scoring import ScorecardError, scorecard_from_dict

        try:
            scorecard_from_dict(self.cleaned_data["definition"])
        except (ScorecardError, TypeError, KeyError, AttributeError) as error:
            raise forms.ValidationError(str(error)) from error
        return self.cleaned_data["definition"]


@admin.register(ScorecardConfig)
class ScorecardConfigAdmin(AuditedModelAdmin):
    form = ScorecardConfigForm
    list_display = ("code", "effective_from")


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(AuditedModelAdmin):
    list_display = ("product", "kind", "required")
    list_filter = ("product",)


@admin.register(ServiceLevelTarget)
class ServiceLevelTargetAdmin(AuditedModelAdmin):
    list_display = ("branch", "submit_to_survey_hours", "survey_to_decision_hours", "submit_to_decision_hours")
