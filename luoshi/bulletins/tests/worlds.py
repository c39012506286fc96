"""通报's objects for the site-wide tests (the permission matrix, the hostile forms): one helper each, so that
those shared files only call it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.bulletins import services
from luoshi.bulletins.models import Bulletin

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
_PLACES: dict[int, Bulletin] = {}


def ready_bulletin(office: Any, scope: Any) -> Bulletin:
    """A generated draft of `office`'s on `scope` for October, ready to edit and publish."""
    bulletin = services.create_bulletin(
        by=office, scope=scope, title=f"关于{scope.name}10月份工作的通报", number="督通〔2026〕1号",
        period_start=START, period_end=END,
    )  # fmt: skip
    return services.generate(bulletin)


def build_matrix(c: Any) -> None:
    """HERE: 青山县's office's draft on 青山镇; THERE: the city's office's draft on 白沙县."""
    _PLACES[c.qingshan_town.pk] = ready_bulletin(c.county_supervisor, c.qingshan_town)
    _PLACES[c.baisha.pk] = ready_bulletin(c.city_supervisor, c.baisha)


def of(place: Any) -> Bulletin:
    return _PLACES[place.unit.pk]


def section_of(place: Any) -> Any:
    return of(place).sections.order_by("order").first()


def bulletin_form(place: Any) -> dict[str, Any]:
    return {"title": "关于10月份工作的通报", "number": "督通〔2026〕2号", "period_start": START.isoformat(),
            "period_end": END.isoformat(), "scope": place.unit.pk, "run": ""}  # fmt: skip


def section_form(place: Any) -> dict[str, Any]:
    return {"heading": "总体情况", "text": "各单位总体推进有力。", "version": section_of(place).version}


def hostile_world(c: Any) -> dict[str, Any]:
    """The city's draft on 青山县, for the hostile-form walk."""
    bulletin = ready_bulletin(c.city_supervisor, c.qingshan)
    return {"bulletin": bulletin, "bulletin_section": bulletin.sections.order_by("order").first()}
