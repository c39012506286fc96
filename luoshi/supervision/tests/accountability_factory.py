"""Accountability records for tests: a late item and its exemption, made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.supervision import accountability
from luoshi.supervision.models import AccountabilityRecord, State, SupervisionItem
from luoshi.supervision.tests.factory import DUE, drive, make_item

LATE_DAY = DUE + dt.timedelta(days=5)
RULE = "《临江市干部干事创业容错纠错实施办法》第六条第二项"


def late_item(city: Any, clock: Any, **fields: Any) -> SupervisionItem:
    """An item 青山县's liaison signed for, now five days past its deadline (the clock moved there)."""
    item = drive(city, make_item(city, **fields), State.SIGNED)
    clock.set(LATE_DAY)
    return SupervisionItem.objects.get(pk=item.pk)


def ask_exemption(city: Any, late: SupervisionItem, **fields: Any) -> AccountabilityRecord:
    values: dict[str, Any] = {
        "by": city.city_supervisor,
        "kind": "exemption",
        "unit": late.lead_unit,
        "person": late.signed_by,
        "item": late,
        "reason": "因上级电网改造计划调整，供电公司施工顺延，非主观原因逾期。",
        "rule": RULE,
        **fields,
    }
    return accountability.record_kind(**values)


def approved_exemption(city: Any, item: SupervisionItem) -> AccountabilityRecord:
    asked = ask_exemption(city, item)
    return accountability.decide_exemption(
        record=asked, by=city.leader, approve=True, reason="符合容错情形，经市委督查室研究同意免责。"
    )
