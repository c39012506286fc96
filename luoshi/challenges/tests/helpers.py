"""Small `make_*` helpers of the open-call tests: a call of the city's office, a unit's application."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.challenges import services
from luoshi.challenges.services import CallText, Commitment
from luoshi.plans.services import create_task_list

CLOSES = dt.date(2026, 11, 30)  # twelve days after the fixtures' today, 2026-11-18
COMMITTED = dt.date(2027, 6, 30)


def call_list(city: Any) -> Any:
    """揭榜挂帅事项清单 of the city's plan: where the selected applications' tasks go."""
    existing = city.plan.lists.filter(name="揭榜挂帅事项清单").first()
    return existing or create_task_list(plan=city.plan, name="揭榜挂帅事项清单", by=city.city_supervisor)


def make_call(city: Any, *, by: Any = None, publish: bool = False, **changes: Any) -> Any:
    """A draft call of the city's office open to every unit of the city (or as `changes` say)."""
    text = CallText(
        **{
            "title": "关键核心技术攻关",
            "problem": "工业园区污水处理能力不足，制约企业入驻。",
            "requirements": "具备项目实施经验，有专门工作团队。",
            "goal": "2027年6月底前新增日处理能力2万吨。",
            "closes_on": CLOSES,
            **changes,
        }
    )
    by = by or city.city_supervisor
    task_list = call_list(city) if by == city.city_supervisor else changes_list(city, by)
    call = services.create_call(by=by, task_list=task_list, text=text)
    if publish:
        call = services.publish_call(call=call, by=by)
    return call


def changes_list(city: Any, by: Any) -> Any:
    """A list of a plan of the county's office, for a call the county issues."""
    from luoshi.plans.services import create_plan

    plan = create_plan(title="青山县重点工作", year=2026, issuer=by.unit, by=by)
    return create_task_list(plan=plan, name="青山县揭榜挂帅事项清单", by=by)


# Who answers for each unit's application: (leader, owner) persona names.
PEOPLE = {
    "qingshan": ("county_head", "county_liaison"),
    "fgw": ("department_liaison", "department_liaison"),
    "baisha": ("outsider", "outsider"),
    "qingshan_town": ("township_liaison", "township_liaison"),
    "longquan_town": ("other_township_liaison", "other_township_liaison"),
}


def commitment(city: Any, unit_name: str, **changes: Any) -> Commitment:
    leader, owner = PEOPLE[unit_name]
    fields = {
        "proposal": "采用“园区+企业”共建模式，分两期建设污水处理站。",
        "target": "新增日处理能力2万吨",
        "committed_due": COMMITTED,
        "leader": getattr(city, leader),
        "owner": getattr(city, owner),
        **changes,
    }
    return Commitment(**fields)


def apply(city: Any, call: Any, unit_name: str, by: str, **changes: Any) -> Any:
    return services.submit_application(
        call=call,
        unit=getattr(city, unit_name),
        by=getattr(city, by),
        commitment=commitment(city, unit_name, **changes),
    )
