"""调度会 for the site-wide access tests (web/tests/test_permission_matrix.py, test_hostile_forms.py): in each
place one meeting in every state an address acts on, about the place's unit.

HERE 青山县's office convenes for 青山镇; THERE the city's office convenes for 白沙县. The closed meeting has
sent its letter; the held one has a decision; the one in preparation reviews the closed one, so its agenda
opens with that decision's fate. Imports Django models only when called: the access tests import this
module before Django is set up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

KINDS = ("closed", "held", "preparing")
DUE = dt.date(2026, 12, 31)


def office_of(city: Any, unit: Any) -> Any:
    return city.city_supervisor if unit == city.baisha else city.county_supervisor


def build(city: Any, units: tuple[Any, ...]) -> None:
    for unit in units:
        _build_one(unit, office_of(city, unit))


def _build_one(unit: Any, by: Any) -> None:
    from luoshi.core import clock
    from luoshi.meetings import services

    def meeting(kind: str, **more: Any) -> Any:
        return services.create_meeting(
            by=by, title=title(unit, kind), held_on=clock.today(), units=[unit], **more
        )

    closed = services.hold_meeting(meeting=meeting("closed"), by=by)
    services.record_decision(meeting=closed, by=by, text="月底前完成征迁扫尾", lead_unit=unit, due=DUE)
    closed = services.close_minutes(meeting=closed, by=by, minutes="会议要求抓好落实。")
    held = services.hold_meeting(meeting=meeting("held", previous=closed), by=by)
    services.record_decision(meeting=held, by=by, text="下周完成项目开工", lead_unit=unit, due=DUE)
    meeting("preparing", previous=closed)


def title(unit: Any, kind: str) -> str:
    return f"{unit.name}调度会（{kind}）"


def of(unit: Any, kind: str) -> Any:
    from luoshi.meetings.models import Meeting

    return Meeting.objects.get(title=title(unit, kind))


def args(unit: Any, kind: str) -> dict[str, int]:
    return {"pk": of(unit, kind).pk}


def entry_args(unit: Any) -> dict[str, int]:
    preparing = of(unit, "preparing")
    return {"pk": preparing.pk, "entry_pk": preparing.entries.order_by("order").first().pk}


def decision_args(unit: Any) -> dict[str, int]:
    return {"pk": of(unit, "held").decisions.get().pk}


def letter_args(unit: Any) -> dict[str, int]:
    return {"pk": of(unit, "closed").letters.get().pk}


def meeting_form(unit: Any) -> dict[str, Any]:
    return {"title": "重点工作调度会", "held_on": "2026-11-18", "units": [unit.pk]}


def decision_form(unit: Any) -> dict[str, Any]:
    return {"text": "两周内完成用地报批", "lead_unit": unit.pk, "due": "2026-12-31"}
