from django.contrib import admin

from angsur.audit.admin import AuditedModelAdmin
from angsur.dealers.models import Dealer, DealerCoverage, DealerUser


@admin.register(Dealer)
class DealerAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "brand", "vehicle_kind", "branch", "parent", "is_active")
    list_filter = ("branch", "vehicle_kind", "is_active")
    search_fields = ("code", "name", "brand")


@admin.register(DealerUser)
class DealerUserAdmin(AuditedModelAdmin):
    list_display = ("user", "dealer")


@admin.register(DealerCoverage)
class DealerCoverageAdmin(AuditedModelAdmin):
    list_display = ("dealer", "user", "is_primary")
    list_filter = ("dealer__branch",)
