from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "luoshi.notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        import_module("luoshi.notify.jobs")  # registers the delivery job with Huey
        from luoshi.notify.robots import unit_panel
        from luoshi.orgs.panels import register

        register("unit", unit_panel)
