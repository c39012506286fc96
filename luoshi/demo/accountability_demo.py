"""问责与容错 in the demo city: a commendation of a unit that closed its item early, an interview (约谈) about
the item long past its deadline, and an exemption under the fault-tolerance rules, asked by the office and
approved by the mayor, on a late item (so its badge shows on the item list and its liaison's page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from luoshi.core import clock
from luoshi.orgs.models import User
from luoshi.supervision import accountability
from luoshi.supervision.models import SupervisionItem


@contextmanager
def on_day(today: dt.date, days: int, hour: int = 16) -> Iterator[None]:
    with clock.frozen(clock.at_local(today + dt.timedelta(days=days), dt.time(hour))):
        yield


def load(*, office: User, today: dt.date) -> dict[str, int]:
    """Write the demo's records about the supervision items already made; return how many."""
    mayor = User.objects.get(username="mayor")
    items = SupervisionItem.objects.select_related("lead_unit", "signed_by")
    praised = items.get(title="督促解决东湖区学校周边交通拥堵问题")
    behind = items.get(title="督促推进城北片区雨污分流改造")
    late = items.get(title="督促完成江城区老旧小区改造开工手续")
    with on_day(today, -17):
        accountability.record_kind(
            by=office, kind="commendation", unit=praised.lead_unit, person=praised.signed_by, item=praised,
            reason="东湖区提前三天完成学校周边交通疏导方案并落地见效，群众满意度明显提升，予以通报表扬。",
        )  # fmt: skip
    with on_day(today, -2):
        accountability.record_kind(
            by=office, kind="interview", unit=behind.lead_unit, person=behind.signed_by, item=behind,
            reason="城北片区雨污分流改造逾期半月仍未完成，经两次督办未见明显进展，约谈临港区分管负责同志，"
            "要求一周内拿出整改计划。",
        )  # fmt: skip
    with on_day(today, -1, hour=11):
        asked = accountability.record_kind(
            by=office, kind="exemption", unit=late.lead_unit, person=late.signed_by, item=late,
            rule="《临江市激励干部担当作为容错纠错实施办法》第六条第（三）项：因政策调整、不可抗力等客观原因"
            "未能按期完成",
            reason="省住房城乡建设厅调整老旧小区改造资金下达批次，江城区开工手续须待新批次资金确认，"
            "逾期非主观原因，区里已提前完成设计和招标。",
        )  # fmt: skip
    with on_day(today, 0, hour=9):
        accountability.decide_exemption(
            record=asked, by=mayor, approve=True,
            reason="经核实符合容错情形，同意免责；请江城区在资金到位后十日内开工。",
        )  # fmt: skip
    return {"accountability_records": 3}
