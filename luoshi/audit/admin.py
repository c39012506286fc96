from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from luoshi.audit.models import AuditBlock, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin site shows; every write goes through a service so that it is audited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "occurred_at",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "ip_address",
        "block",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id"]


@admin.register(AuditBlock)
class AuditBlockAdmin(ReadOnlyAdmin):
    list_display = ["id", "sealed_at", "event_count", "scheme", "hash"]
