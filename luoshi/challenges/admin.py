from django.contrib import admin

from luoshi.audit.admin import ReadOnlyAdmin
from luoshi.challenges.models import Application, OpenCall


@admin.register(OpenCall)
class OpenCallAdmin(ReadOnlyAdmin):
    list_display = ["title", "issuer", "state", "closes_on"]
    list_filter = ["state"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["call", "unit", "state", "committed_due"]
    list_filter = ["state"]
    list_select_related = ["call", "unit"]
