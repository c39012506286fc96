from django.contrib import admin

from luoshi.audit.admin import ReadOnlyAdmin
from luoshi.plans.models import Milestone, Plan, Pledge, Task, TaskList


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "issuer"]


@admin.register(TaskList)
class TaskListAdmin(ReadOnlyAdmin):
    list_display = ["name", "plan", "sort_order"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "task_list", "lead_unit", "due", "progress"]
    list_filter = ["task_list"]
    search_fields = ["title", "code"]
    list_select_related = ["task_list", "lead_unit"]


admin.site.register(Milestone, ReadOnlyAdmin)
admin.site.register(Pledge, ReadOnlyAdmin)
