"""揭榜挂帅's objects for the site-wide tests (the permission matrix, the hostile forms): one helper each,
so that those shared files only call it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.challenges import services
from luoshi.challenges.services import CallText, Choice, Commitment
from luoshi.plans.services import create_task_list

CLOSES = dt.date(2026, 11, 30)
COMMITTED = dt.date(2027, 6, 30)


def _call(by: Any, task_list: Any, title: str, *, units: Any = (), publish: bool = True) -> Any:
    text = CallText(
        title=title,
        problem="园区污水处理能力不足",
        requirements="具备实施经验",
        goal="新增日处理能力2万吨",
        closes_on=CLOSES,
        open_to_all=not units,
        units=list(units),
    )
    call = services.create_call(by=by, task_list=task_list, text=text)
    return services.publish_call(call=call, by=by) if publish else call


def _apply(call: Any, unit: Any, by: Any, leader: Any, owner: Any, *, with_file: bool = False) -> Any:
    files = (
        [SimpleUploadedFile("实施方案.pdf", b"%PDF-1.7 plan", content_type="application/pdf")]
        if with_file
        else []
    )
    commitment = Commitment(
        proposal="分两期建设", target="日处理2万吨", committed_due=COMMITTED, leader=leader, owner=owner
    )
    return services.submit_application(call=call, unit=unit, by=by, commitment=commitment, uploads=files)


def _place(office: Any, task_list: Any, unit: Any, applicant: Any, leader: Any, *, units: Any = ()) -> Any:
    """A call in each state the addresses act on, of `office`, with `unit`'s applications."""
    call = _call(office, task_list, "关键核心技术攻关", units=units)
    application = _apply(call, unit, applicant, leader, applicant, with_file=True)
    closed = _call(office, task_list, "营商环境改革", units=units)
    _apply(closed, unit, applicant, leader, applicant)
    closed = services.close_call(call=closed, by=office)
    decided = _call(office, task_list, "园区污水处理攻关", units=units)
    selected = _apply(decided, unit, applicant, leader, applicant)
    decided = services.close_call(call=decided, by=office)
    services.decide_applications(call=decided, by=office, choices=[Choice(selected, True, "方案完整")])
    selected.refresh_from_db()
    return SimpleNamespace(
        call=call,
        application=application,
        file=application.files.get(),
        draft=_call(office, task_list, "数字政府建设", units=units, publish=False),
        closed=closed,
        application_to_decide=closed.applications.get(),
        selected=selected,
    )


# The matrix's objects of each place, by the place's unit (HERE 青山镇, THERE 白沙县).
PLACES: dict[int, Any] = {}


def build_matrix(c: Any) -> None:
    """HERE: 青山县's office's calls, open to all its units, with 青山镇's applications; THERE: the city's,
    open to 白沙县 only, with 白沙县's. Their tasks go into lists of their own."""
    from luoshi.plans.services import create_plan

    plan = create_plan(title="青山县揭榜挂帅", year=2026, issuer=c.qingshan, by=c.county_supervisor)
    county_list = create_task_list(plan=plan, name="青山县揭榜挂帅事项清单", by=c.county_supervisor)
    city_list = create_task_list(plan=c.plan, name="揭榜挂帅事项清单", by=c.city_supervisor)
    PLACES[c.qingshan_town.pk] = _place(
        c.county_supervisor, county_list, c.qingshan_town, c.township_liaison, c.township_liaison
    )
    PLACES[c.baisha.pk] = _place(
        c.city_supervisor, city_list, c.baisha, c.outsider, c.outsider, units=[c.baisha]
    )


def of(place: Any) -> Any:
    return PLACES[place.unit.pk]


def hostile_world(city: Any) -> dict[str, Any]:
    """The city's calls, open to all, with 青山县's applications: one open, one closed awaiting the
    decision, one decided with 青山县 selected (its head signs), one draft."""
    task_list = create_task_list(plan=city.plan, name="揭榜挂帅事项清单", by=city.city_supervisor)
    place = _place(city.city_supervisor, task_list, city.qingshan, city.county_liaison, city.county_head)
    return {"challenge": place}


def matrix_form(p: Any, **extra: Any) -> dict[str, Any]:
    """What the office's edit form sends."""
    return {
        "title": "关键核心技术攻关（修订）",
        "problem": "园区污水处理能力不足",
        "requirements": "具备实施经验",
        "goal": "新增日处理能力2万吨",
        "closes_on": "2026-12-15",
        "open_to_all": "on",
        **extra,
    }


def application_form(p: Any) -> dict[str, Any]:
    return {
        "unit": p.unit.pk,
        "proposal": "分两期建设",
        "target": "日处理2万吨",
        "committed_due": "2027-06-30",
        "leader": p.person.pk,
        "owner": p.person.pk,
    }
