"""调度会 in the demo city: a meeting held three weeks ago whose decisions went their different ways (one
done, one in progress, one overdue and untouched: 决而不行, one never signed for), and the next meeting
prepared, its agenda opening with what became of them. Each step is written through the services at the
moment it would have happened, dated relative to the demo's today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from luoshi.core import clock
from luoshi.meetings import services
from luoshi.orgs.models import Role, Unit, User
from luoshi.plans.models import TaskList
from luoshi.supervision import chasing
from luoshi.supervision import services as supervision

UNITS = ("临港区", "东湖区", "江城区", "云溪县")
HELD_DAYS_AGO = 21


@contextmanager
def _on(today: dt.date, days: int, hour: int = 10) -> Iterator[None]:
    with clock.frozen(clock.at_local(today + dt.timedelta(days=days), dt.time(hour))):
        yield


def _liaison(unit: Unit) -> User:
    person = User.objects.filter(unit=unit, role=Role.LIAISON, is_active=True).order_by("pk").first()
    if person is None:
        raise LookupError(f"the demo has nobody to act for {unit}")
    return person


def load(
    *, office: User, now: dt.datetime, progress: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Write the demo's two meetings as of `now`; return how many meetings and decisions."""
    today = clock.local(now).date()
    units = {name: Unit.objects.get(name=name) for name in UNITS}
    economy = TaskList.objects.filter(name="经济发展挑大梁任务清单").order_by("-plan__year").first()

    def at(days: int, call: Callable[..., Any], hour: int = 10, **kwargs: Any) -> Any:
        with _on(today, days, hour):
            return call(**kwargs)

    past = -HELD_DAYS_AGO
    first = at(
        past - 2, services.create_meeting, by=office, title="全市重点工作推进第11次调度会",
        held_on=today + dt.timedelta(days=past), task_list=economy, units=list(units.values()),
    )  # fmt: skip
    first = at(past, services.hold_meeting, meeting=first, by=office, hour=9)
    decided = [
        ("临港区", "临港区：加快临港产业园标准化厂房建设，11月底前完成二期主体封顶并组织验收。", -7),
        ("东湖区", "东湖区：牵头协调解决东湖科创谷项目用电报装问题，12月中旬前实现正式送电。", 10),
        ("江城区", "江城区：老旧小区改造剩余3个片区须在本月内全部开工，逐周报送开工进度。", -4),
        ("云溪县", "云溪县：制定秸秆综合利用奖补办法，年底前出台并兑现到户。", 15),
    ]
    decisions = {}
    for name, text, due_in in decided:
        decisions[name] = at(
            past, services.record_decision, meeting=first, by=office, text=text, lead_unit=units[name],
            due=today + dt.timedelta(days=due_in), hour=11,
        )  # fmt: skip
    at(
        past, services.close_minutes, meeting=first, by=office, hour=16,
        minutes="会议听取了各地重点项目推进情况汇报，分析了红黄灯任务滞后原因，议定以下4项事项，"
        "由督查室跟踪督办，下次调度会通报落实情况。",
    )  # fmt: skip
    for decision in decisions.values():
        decision.refresh_from_db()
    items = {name: decision.item for name, decision in decisions.items()}
    # 临港区 did it on time; 东湖区 is at work; 江城区 signed for it and did nothing; 云溪县 never signed.
    done, working, idle = items["临港区"], items["东湖区"], items["江城区"]
    at(past + 1, supervision.sign_item, item=done, by=_liaison(done.lead_unit), hour=15)
    at(past + 2, supervision.start_item, item=done, by=_liaison(done.lead_unit), hour=15)
    at(-9, supervision.submit_feedback, item=done, by=_liaison(done.lead_unit), hour=15,
       statement="二期厂房主体已于11月10日封顶，并完成分部验收，验收记录见附件。")  # fmt: skip
    at(-8, supervision.close_item, item=done, by=office, hour=15)
    at(past + 3, supervision.sign_item, item=working, by=_liaison(working.lead_unit), hour=15)
    at(-6, supervision.start_item, item=working, by=_liaison(working.lead_unit), hour=15)
    at(-2, supervision.submit_feedback, item=working, by=_liaison(working.lead_unit), hour=15,
       statement="已与供电公司确定外线接入方案，电缆敷设完成80%，预计12月10日正式送电。")  # fmt: skip
    at(past + 4, supervision.sign_item, item=idle, by=_liaison(idle.lead_unit), hour=15)
    for days in range(-3, 1):  # the morning chase since 江城区's decision fell due
        with _on(today, days, 8):
            chasing.chase_items(now=clock.now())
    second = at(
        0, services.create_meeting, by=office, title="全市重点工作推进第12次调度会",
        held_on=today + dt.timedelta(days=2), task_list=economy, units=list(units.values()), previous=first,
    )  # fmt: skip
    progress(f"2 meetings, {len(decided)} decisions, {second.entries.count()} points on the next agenda")
    return {"meetings": 2, "meeting_decisions": len(decided)}
