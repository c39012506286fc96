from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "luoshi.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        import_module("luoshi.audit.jobs")  # registers the periodic sealing job with Huey
