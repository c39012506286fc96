"""Items for tests: made and moved through the services, as the pages do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.supervision import services
from luoshi.supervision.models import State, SupervisionItem

DUE = dt.date(2026, 12, 15)  # four weeks after DEFAULT_NOW


def make_item(city: Any, *, by: Any = None, lead_unit: Any = None, **fields: Any) -> SupervisionItem:
    """An item the city's office gives 青山县 (with 市发展改革委 as co-unit unless told otherwise)."""
    values: dict[str, Any] = {
        "title": "督促解决园区企业用电报装难问题",
        "content": "请于时限内完成园区企业用电报装情况排查，逐户销号。",
        "source": "other",
        "urgency": "urgent",
        "due": DUE,
        "co_units": [city.fgw],
        **fields,
    }
    return services.create_item(by=by or city.city_supervisor, lead_unit=lead_unit or city.qingshan, **values)


def lead_person(city: Any, item: SupervisionItem) -> Any:
    """A liaison of the item's lead unit (or above it) among the personas."""
    if item.lead_unit == city.baisha:
        return city.outsider
    if item.lead_unit == city.qingshan_town:
        return city.township_liaison
    return city.county_liaison


def drive(city: Any, item: SupervisionItem, state: str, *, pending: bool = False) -> SupervisionItem:
    """Move `item` to `state` (with an extension request awaiting the office if `pending`)."""
    lead, office = lead_person(city, item), city.city_supervisor
    if state == State.ASSIGNED:
        return item
    item = services.sign_item(item=item, by=lead)
    if pending:
        services.request_extension(
            item=item, by=lead, new_due=item.due + dt.timedelta(days=30), reason="工程量大"
        )
    if state == State.IN_PROGRESS:
        item = services.start_item(item=item, by=lead)
    if state in (State.FEEDBACK, State.CLOSED):
        services.submit_feedback(item=item, by=lead, statement="已完成排查，共32户，已全部接电。")
    if state == State.CLOSED:
        services.close_item(item=item, by=office)
    return SupervisionItem.objects.get(pk=item.pk)
