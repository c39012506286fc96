from django.contrib import admin

from luoshi.audit.admin import ReadOnlyAdmin
from luoshi.meetings.models import AgendaEntry, Decision, Meeting, ReminderLetter


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "convener", "held_on", "state"]
    list_filter = ["state"]
    list_select_related = ["convener"]


for model in (AgendaEntry, Decision, ReminderLetter):
    admin.site.register(model, ReadOnlyAdmin)
