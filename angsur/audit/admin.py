"""Admin: every configuration change is audited; the audit trail itself is read-only."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from angsur.audit.models import AuditEvent
from angsur.audit.services import audit_record, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write an audit event in the same transaction."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"config.{obj._meta.model_name}_{'change' if change else 'create'}",
                obj=obj,
                before=before,
                after=snapshot(obj),
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            instances = formset.save(commit=False)
            for deleted in formset.deleted_objects:
                audit_record(actor=request.user, action=f"config.{deleted._meta.model_name}_delete", obj=deleted, before=snapshot(deleted))
                deleted.delete()
            for instance in instances:
                existed = instance.pk is not None
                before = snapshot(type(instance).objects.get(pk=instance.pk)) if existed else None
                instance.save()
                audit_record(
                    actor=request.user,
                    action=f"config.{instance._meta.model_name}_{'change' if existed else 'create'}",
                    obj=instance,
                    before=before,
                    after=snapshot(instance),
                )
            formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action=f"config.{obj._meta.model_name}_delete", obj=obj, before=snapshot(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(actor=request.user, action=f"config.{obj._meta.model_name}_delete", obj=obj, before=snapshot(obj))
            super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_username", "actor_role", "branch", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type", "branch")
    search_fields = ("actor_username", "object_id", "object_repr", "request_id", "client_request_id")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
