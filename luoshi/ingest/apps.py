from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "luoshi.ingest"
    verbose_name = _("Document intake")

    def ready(self) -> None:
        import_module("luoshi.ingest.jobs")  # registers the reading and import jobs with the worker's Huey
