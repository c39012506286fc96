from django.contrib import admin

from luoshi.audit.admin import ReadOnlyAdmin
from luoshi.orgs.models import ExternalIdentity, Unit, User


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "parent", "depth", "is_active"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role"]
    search_fields = ["username", "full_name"]
    exclude = ["password"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(ReadOnlyAdmin):
    """Who signs in through the identity provider as whom; linked and unlinked on the person's page."""

    list_display = ["user", "subject", "issuer", "via", "linked_at"]
    list_filter = ["via", "issuer"]
    search_fields = ["subject", "user__username", "user__full_name"]
