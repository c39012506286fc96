"""督办件 and 领导批示 in the demo city: leaders' instructions on a few tasks, and about eight items in every
state (one overdue, one with a granted extension, closed ones, one returned once), each step written
through the services at the moment it would have happened, dated relative to the demo's today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from luoshi.core import clock
from luoshi.demo import accountability_demo
from luoshi.orgs.models import Role, Unit, User
from luoshi.plans.models import Task
from luoshi.supervision import chasing, instructions, services
from luoshi.supervision.models import Source, SupervisionItem, Urgency


@contextmanager
def on_day(today: dt.date, days: int, hour: int = 10) -> Iterator[None]:
    """Run the block at `hour` o'clock `days` after `today` (before it when negative)."""
    with clock.frozen(clock.at_local(today + dt.timedelta(days=days), dt.time(hour))):
        yield


def liaison_of(unit: Unit) -> User:
    person = User.objects.filter(unit=unit, role__in=(Role.LIAISON, Role.UNIT_HEAD), is_active=True).first()
    if person is None:
        raise LookupError(f"the demo has nobody to act for {unit}")
    return person


def unit_named(name: str) -> Unit:
    return Unit.objects.get(name=name)


def load(
    *, office: User, now: dt.datetime, progress: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Write the demo's instructions and items as of `now`; return how many of each."""
    today = clock.local(now).date()
    mayor = User.objects.get(username="mayor")
    urban = User.objects.get(username="vicemayor.urban")
    tasks = list(
        Task.objects.live().filter(due__gt=today).select_related("lead_unit").order_by("due", "pk")[:3]
    )
    made: list[SupervisionItem] = []

    def item(days: int, **fields: Any) -> SupervisionItem:
        with on_day(today, days):
            made.append(services.create_item(by=office, **fields))
        return made[-1]

    def act(days: int, call: Callable[..., Any], **kwargs: Any) -> Any:
        with on_day(today, days, hour=15):
            return call(**kwargs)

    # A leader's instruction on a task, raised as an item the next day: returned once, in progress again.
    first = tasks[0] if tasks else None
    said = None
    if first is not None:
        with on_day(today, -20, hour=9):
            said = instructions.write_instruction(
                by=mayor,
                task=first,
                text="此项工作事关全年目标，请督查室专项督办，每两周报一次进展，确保按期完成。",
            )
        lead = first.lead_unit
        raised = item(
            -19, title=first.title, content=said.text, source=Source.INSTRUCTION,
            urgency=Urgency.EXTRA_URGENT,
            lead_unit=lead, co_units=list(first.co_units.all()[:2]), due=today + dt.timedelta(days=10),
            task=first, instruction=said,
        )  # fmt: skip
        who = liaison_of(lead)
        act(-18, services.sign_item, item=raised, by=who)
        act(-15, services.start_item, item=raised, by=who)
        act(-5, services.submit_feedback, item=raised, by=who, statement="已制定推进方案，主体工程完成60%。")
        act(
            -3,
            services.return_item,
            item=raised,
            by=office,
            reason="反馈只有进度百分比，请补充形象进度照片和下一步节点安排。",
        )
    for task, leader, text in zip(
        tasks[1:],
        (urban, mayor),
        (
            "要倒排工期、挂图作战，遇到用地和资金问题及时报市政府协调。",
            "请市直有关部门主动靠前服务，不要等企业上门。",
        ),
        strict=False,
    ):
        with on_day(today, -12, hour=9):
            instructions.write_instruction(by=leader, task=task, text=text)

    # Assigned, not yet signed for.
    item(
        -2, title="督促解决临港产业园企业用工难问题",
        content="摸清园区企业用工缺口，组织专场招聘，一个月内见效。",
        source=Source.COMPLAINT, urgency=Urgency.URGENT, lead_unit=unit_named("市人力资源社会保障局"),
        co_units=[unit_named("临江临港产业园")], due=today + dt.timedelta(days=28),
    )  # fmt: skip
    # Signed for and past its deadline: overdue, shown red.
    late = item(
        -30, title="督促完成江城区老旧小区改造开工手续",
        content="市政府第12次常务会议议定：江城区老旧小区改造项目本月内全部开工。",
        source=Source.MEETING, urgency=Urgency.URGENT, lead_unit=unit_named("江城区"),
        co_units=[unit_named("市住房城乡建设局")], due=today - dt.timedelta(days=3),
    )  # fmt: skip
    act(-28, services.sign_item, item=late, by=liaison_of(late.lead_unit))
    # Long past its deadline: the morning chase (below) has taken it up the ladder to a yellow notice.
    behind = item(
        -45, title="督促推进城北片区雨污分流改造", content="暗访发现城北片区雨污混流，限期完成管网改造。",
        source=Source.INSPECTION, urgency=Urgency.EXTRA_URGENT, lead_unit=unit_named("临港区"),
        co_units=[unit_named("市住房城乡建设局")], due=today - dt.timedelta(days=17),
    )  # fmt: skip
    act(-44, services.sign_item, item=behind, by=liaison_of(behind.lead_unit))
    act(-40, services.start_item, item=behind, by=liaison_of(behind.lead_unit))
    # An extension asked for and granted: the deadline moved, the first one kept.
    moved = item(
        -40, title="督促整改白沙县农村饮水安全问题", content="群众反映3个村自来水水压不足，限期整改到位。",
        source=Source.COMPLAINT, urgency=Urgency.ORDINARY, lead_unit=unit_named("白沙县"),
        co_units=[unit_named("市水利局")], due=today - dt.timedelta(days=8),
    )  # fmt: skip
    who = liaison_of(moved.lead_unit)
    act(-39, services.sign_item, item=moved, by=who)
    asked = act(-12, services.request_extension, item=moved, by=who, new_due=today + dt.timedelta(days=20),
                reason="需新建加压泵站，设备采购周期约一个月。")  # fmt: skip
    act(
        -11,
        services.decide_extension,
        extension=asked,
        by=office,
        grant=True,
        reason="同意，请按新时限办结。",
    )
    act(-10, services.start_item, item=moved, by=who)
    act(-9, services.add_note, item=moved, unit=unit_named("市水利局"), by=liaison_of(unit_named("市水利局")),
        text="已安排技术人员现场指导泵站选址。")  # fmt: skip
    # Feedback awaiting the office.
    waiting = item(
        -25, title="督促落实云溪县秸秆综合利用措施",
        content="督查发现秸秆露天焚烧问题，请落实综合利用措施并建立巡查机制。",
        source=Source.INSPECTION, urgency=Urgency.URGENT, lead_unit=unit_named("云溪县"),
        co_units=[unit_named("市农业农村局")], due=today + dt.timedelta(days=5),
    )  # fmt: skip
    act(-24, services.sign_item, item=waiting, by=liaison_of(waiting.lead_unit))
    act(-1, services.submit_feedback, item=waiting, by=liaison_of(waiting.lead_unit),
        statement="已建立乡村两级巡查机制，秸秆综合利用率达到92%。")  # fmt: skip
    # An extension awaiting the office's decision.
    pending = item(
        -20, title="督促推进石门县污水处理厂提标改造", content="按省生态环境督察反馈意见，完成提标改造。",
        source=Source.INSPECTION, urgency=Urgency.EXTRA_URGENT, lead_unit=unit_named("石门县"),
        co_units=[unit_named("市生态环境局")], due=today + dt.timedelta(days=3),
    )  # fmt: skip
    act(-19, services.sign_item, item=pending, by=liaison_of(pending.lead_unit))
    act(-2, services.request_extension, item=pending, by=liaison_of(pending.lead_unit),
        new_due=today + dt.timedelta(days=33), reason="设备到货延迟，需顺延一个月。")  # fmt: skip
    # Closed on time, and closed late.
    for days, title, due_in, fed, closed in (
        (-45, "督促解决东湖区学校周边交通拥堵问题", -15, -20, -18),
        (-60, "督促办理临港区企业开办“一网通办”", -35, -30, -29),
    ):
        lead = unit_named("东湖区" if "东湖" in title else "临港区")
        done = item(
            days, title=title, content="请按期办结并反馈。", source=Source.OTHER, urgency=Urgency.ORDINARY,
            lead_unit=lead, due=today + dt.timedelta(days=due_in),
        )  # fmt: skip
        by = liaison_of(done.lead_unit)
        act(days + 1, services.sign_item, item=done, by=by)
        act(fed, services.submit_feedback, item=done, by=by, statement="已办结，详见附件说明。")
        act(closed, services.close_item, item=done, by=office)
    for days in range(-20, 1):  # the morning chase of the last three weeks: reminders, late notices, rungs
        with on_day(today, days, 8):
            chasing.chase_items(now=clock.now())
    progress(f"{len(made)} supervision items")
    records = accountability_demo.load(office=office, today=today)
    progress(f"{records['accountability_records']} accountability records")
    return {"supervision_items": len(made), "instructions": min(len(tasks), 3), **records}
