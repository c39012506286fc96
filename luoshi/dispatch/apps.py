from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "luoshi.dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        import_module("luoshi.dispatch.jobs")
        from luoshi.core import sheets
        from luoshi.core.columns import register as register_column
        from luoshi.core.events import task_changed
        from luoshi.core.panels import register
        from luoshi.dispatch.cycles import join_changed, leave_changed
        from luoshi.dispatch.exports import light_column
        from luoshi.dispatch.history import cycle_names
        from luoshi.dispatch.panels import latest_reports_panel, task_list_light, task_panel, unit_panel
        from luoshi.dispatch.status import refresh_changed
        from luoshi.plans.history import name_with

        register("task", task_panel)
        sheets.register_column("tasks", light_column)
        register("unit", unit_panel)
        register("task_reports", latest_reports_panel)  # what a task's unit already reported, for any page
        register_column("tasks", task_list_light)
        name_with("cycle_id", cycle_names)
        task_changed.connect(refresh_changed, dispatch_uid="dispatch.refresh_changed")
        task_changed.connect(join_changed, dispatch_uid="dispatch.join_changed")
        task_changed.connect(leave_changed, dispatch_uid="dispatch.leave_changed")
