"""Head-office configuration of remedial (/config/, audited): per-branch deposit days and the gap between warning letters.

Receipts, deposits, letters and repossession tasks are not edited here: they change only through their services.
"""

from django.contrib import admin

from angsur.audit.admin import AuditedModelAdmin
from angsur.remedial.models import RemedialPolicy


@admin.register(RemedialPolicy)
class RemedialPolicyAdmin(AuditedModelAdmin):
    list_display = ("branch", "deposit_working_days", "letter_min_gap_days")
