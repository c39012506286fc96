"""An exemption under the fault-tolerance rules (容错免责) approved by the run's instant excuses the late work
it covers: the task or item counts neither for nor against its unit, and the fact says how many were
excused; one asked for, or approved after the instant, changes nothing."""

from __future__ import annotations

import datetime as dt

from luoshi.assessment import facts
from luoshi.assessment.models import Metric
from luoshi.core import clock as core_clock
from luoshi.supervision import accountability, services
from luoshi.testing import make_task

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
RULE = "容错纠错实施办法第六条"


def window(day: dt.date) -> facts.Window:
    return facts.Window(START, END, core_clock.at_local(day, dt.time(18)))


def _late_task_and_item(city, clock):
    clock.set(dt.date(2026, 9, 20))
    late_task = make_task(city, title="园区道路提升", lead_unit=city.qingshan, due=dt.date(2026, 10, 10))
    make_task(city, title="按期完成", lead_unit=city.qingshan, due=dt.date(2026, 10, 12))
    item = services.create_item(
        by=city.city_supervisor, title="督促解决用电报装", content="限期办结。", source="other",
        urgency="urgent", lead_unit=city.qingshan, due=dt.date(2026, 10, 15),
    )  # fmt: skip
    services.sign_item(item=item, by=city.county_liaison)
    clock.set(dt.date(2026, 11, 2))  # both late now
    return late_task, item


def test_approved_exemptions_excuse_the_late_task_and_item_from_the_approval_on(city, clock):
    late_task, item = _late_task_and_item(city, clock)
    unit = city.qingshan.pk

    def fact(metric, day):
        return facts.collect([metric], [unit], window(day))[metric][unit].as_fact()

    before_tasks = fact(Metric.TASKS_ON_TIME, dt.date(2026, 11, 2))
    before_items = fact(Metric.ITEMS_ON_TIME, dt.date(2026, 11, 2))
    assert (before_tasks["hits"], before_tasks["of"], before_tasks["excused"]) == (0, 2, 0)
    assert (before_items["hits"], before_items["of"], before_items["excused"]) == (0, 1, 0)
    for metric, work in ((Metric.TASKS_ON_TIME, {"task": late_task}), (Metric.ITEMS_ON_TIME, {"item": item})):
        asked = accountability.record_kind(
            by=city.city_supervisor, kind="exemption", unit=city.qingshan, rule=RULE,
            reason="上级调整计划，非主观原因。", **work,
        )  # fmt: skip
        assert fact(metric, dt.date(2026, 11, 2))["excused"] == 0  # asked only
        accountability.decide_exemption(record=asked, by=city.leader, approve=True, reason="同意免责。")
    clock.set(dt.date(2026, 11, 5))
    tasks = fact(Metric.TASKS_ON_TIME, dt.date(2026, 11, 5))
    items = fact(Metric.ITEMS_ON_TIME, dt.date(2026, 11, 5))
    assert (tasks["hits"], tasks["of"], tasks["excused"], tasks["misses"]) == (0, 2, 1, [tasks["rows"][1]])
    assert tasks["excused_rows"] == [late_task.pk]
    assert (items["hits"], items["of"], items["excused"], items["misses"]) == (0, 1, 1, [])
    # A run as of an instant before the approval reads the work as late.
    assert fact(Metric.ITEMS_ON_TIME, dt.date(2026, 11, 1))["excused"] == 0
