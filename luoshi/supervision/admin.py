from django.contrib import admin

from luoshi.audit.admin import ReadOnlyAdmin
from luoshi.supervision.models import CoUnitNote, Extension, Feedback, Instruction, Series, SupervisionItem


@admin.register(SupervisionItem)
class SupervisionItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "number", "issuer", "lead_unit", "due", "state"]
    list_filter = ["state", "urgency", "source"]
    list_select_related = ["issuer", "lead_unit"]


for model in (Instruction, Feedback, Extension, CoUnitNote, Series):
    admin.site.register(model, ReadOnlyAdmin)
