from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "luoshi.dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        import_module("luoshi.dispatch.jobs")
        from luoshi.core.events import task_changed
        from luoshi.core.panels import register
        from luoshi.dispatch.history import cycle_names
        from luoshi.dispatch.panels import task_panel, unit_panel
        from luoshi.dispatch.status import refresh_changed
        from luoshi.plans.history import name_with

        register("task", task_panel)
        register("unit", unit_panel)
        name_with("cycle_id", cycle_names)
        task_changed.connect(refresh_changed, dispatch_uid="dispatch.refresh_changed")
