from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "luoshi.challenges"
    label = "challenges"
    verbose_name = _("Open calls")

    def ready(self) -> None:
        import_module("luoshi.challenges.jobs")
