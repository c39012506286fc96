from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "luoshi.orgs"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        import_module("luoshi.orgs.signals")
        import_module("luoshi.orgs.checks")
