from django.contrib import admin

from angsur.audit.admin import AuditedModelAdmin
from angsur.origination.models import NegativeListEntry


@admin.register(NegativeListEntry)
class NegativeListEntryAdmin(AuditedModelAdmin):
    list_display = ("nik", "phone", "frame_number", "reason", "added_at")
    search_fields = ("nik", "phone", "frame_number")
