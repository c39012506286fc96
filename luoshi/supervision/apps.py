from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "luoshi.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from importlib import import_module

        from luoshi.core.panels import register
        from luoshi.supervision.panels import exemption_panel, task_panel

        register("task", task_panel)
        register("task", exemption_panel)
        import_module("luoshi.supervision.jobs")  # registers the morning chase with Huey
