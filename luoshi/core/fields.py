"""Model fields that take their time from luoshi.core.clock, not from the system clock."""

from __future__ import annotations

import datetime as dt

from django.db import models

from luoshi.core import clock


# The stubs make DateTimeField generic; subscripting it at run time would need django-stubs-ext.
class StampField(models.DateTimeField):  # type: ignore[type-arg]
    """`auto_now` / `auto_now_add` as Django has them, but read from the one clock."""

    def pre_save(self, model_instance: models.Model, add: bool) -> dt.datetime | None:
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        # The bare base above returns Any.
        return super().pre_save(model_instance, add)  # type: ignore[no-any-return]
