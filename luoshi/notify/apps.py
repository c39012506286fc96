from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "luoshi.notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        import_module("luoshi.notify.jobs")  # registers the delivery job with Huey
        from luoshi.core.panels import register
        from luoshi.notify.robots import unit_panel

        register("unit", unit_panel)
