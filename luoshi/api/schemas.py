"""What the API answers with and accepts: a few fields of each object, never the whole row."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from luoshi.api.common import Text


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    parent_id: int | None


class TaskOut(Schema):
    id: int
    code: str
    title: str
    task_list_id: int
    parent_id: int | None
    issuer_id: int
    lead_unit_id: int
    start: dt.date
    due: dt.date
    progress: int
    light: str | None
    version: int

    @staticmethod
    def resolve_light(task: Any) -> str | None:
        light = getattr(task, "light", None)  # none until the nightly count has seen the task
        return light.light if light is not None else None


class ReportOut(Schema):
    id: int
    task_id: int
    cycle_id: int
    unit_id: int
    due_at: dt.datetime
    state: str
    percent: int | None
    indicator_value: Decimal | None
    progress: str
    problems: str
    next_steps: str
    coordination: str
    is_late: bool
    submitted_at: dt.datetime | None
    version: int


class ReportIn(Schema):
    percent: int | None = Field(None, ge=0, le=100)
    progress: Text = Field("", max_length=20_000)
    problems: Text = Field("", max_length=20_000)
    next_steps: Text = Field("", max_length=20_000)
    coordination: Text = Field("", max_length=20_000)
    indicator_value: Decimal | None = Field(None, max_digits=16, decimal_places=4, allow_inf_nan=False)
