"""考核's objects for the site-wide tests (the permission matrix, the hostile forms): one helper each, so that
those shared files only call it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from luoshi.assessment import services
from luoshi.assessment.models import Metric
from luoshi.core import clock

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
_PLACES: dict[int, SimpleNamespace] = {}


def _system(owner: Any, by: Any, name: str, categories: tuple[str, ...]) -> Any:
    system = services.create_system(owner=owner, year=2026, name=name, by=by)
    services.add_indicator(
        system=system, name="任务按期完成", metric=Metric.TASKS_ON_TIME, by=by,
        weights=dict.fromkeys(categories, Decimal(100)),
    )  # fmt: skip
    services.add_indicator(  # weighs nothing yet: there to be marked
        system=system,
        name="领导评议",
        metric=Metric.RATING,
        by=by,
        weights=dict.fromkeys(categories, Decimal(0)),
    )
    return system


def _place(system: Any, unit: Any, by: Any) -> SimpleNamespace:
    run = services.run_assessment(system=system, period_start=START, period_end=END, by=by, now=clock.now())
    return SimpleNamespace(system=system, run=run, unit=unit)


def build_matrix(c: Any) -> None:
    """HERE: 青山县's system ranking its townships, with a run (青山镇's trace); THERE: the city's ranking the
    counties, with a run (白沙县's trace)."""
    county = _system(c.qingshan, c.county_supervisor, "青山县乡镇考核", ("township",))
    city = _system(c.city, c.city_supervisor, "年度综合考核", ("county",))
    _PLACES[c.qingshan_town.pk] = _place(county, c.qingshan_town, c.county_supervisor)
    _PLACES[c.baisha.pk] = _place(city, c.baisha, c.city_supervisor)


def of(place: Any) -> SimpleNamespace:
    return _PLACES[place.unit.pk]


def run_form() -> dict[str, str]:
    return {"period_start": START.isoformat(), "period_end": END.isoformat()}


def system_form() -> dict[str, Any]:
    return {"name": "专项考核", "year": 2026, "total": 100, "bonus_cap": 5, "penalty_cap": 5}


def indicator_form(place: Any) -> dict[str, str]:
    category = of(place).unit.category
    return {"name": "交账一次通过", "metric": Metric.DELIVERIES_FIRST_TIME, f"weight_{category}": "10"}


def award_form(place: Any) -> dict[str, Any]:
    return {"unit": of(place).unit.pk, "points": "1.5", "reason": "获评省级试点", "on": "2026-11-10"}


def rating_form(place: Any) -> dict[str, Any]:
    here = of(place)
    return {"indicator": here.system.indicators.get(metric=Metric.RATING).pk, f"mark_{here.unit.pk}": "90"}


def hostile_world(c: Any) -> dict[str, Any]:
    """The city's system with a run, for the hostile-form walk."""
    system = _system(c.city, c.city_supervisor, "年度综合考核", ("county",))
    return {"assessment": _place(system, c.qingshan, c.city_supervisor)}
