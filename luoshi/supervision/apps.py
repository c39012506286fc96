from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "luoshi.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from luoshi.core.panels import register
        from luoshi.supervision.panels import task_panel

        register("task", task_panel)
