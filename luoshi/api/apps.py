from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "luoshi.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        import_module("luoshi.api.jobs")  # registers the hourly forgetting of Idempotency-Keys with Huey
