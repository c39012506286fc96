from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "luoshi.bulletins"
    label = "bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        import_module("luoshi.bulletins.jobs")  # registers the generation job with the worker's Huey
