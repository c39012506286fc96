"""Every (state, action) pair of a 整改 through the services: each legal one moves the rectification where
the table says, each illegal one is refused with a message saying why and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.supervision import inspection_rules as rules
from luoshi.supervision import inspections
from luoshi.supervision.models import RectState
from luoshi.supervision.tests.inspection_factory import (
    drive_rect,
    evidence,
    make_inspection,
    make_rectification,
    rectifier,
)

P, R, C = RectState.IN_PROGRESS, RectState.REQUESTED, RectState.CLOSED
AWAITS = "already awaits the office's verification"
NOT_ASKED = "No close-out request awaits verification"
NOTHING_TO_RETURN = "nothing to return"
CLOSED = "This rectification is closed out"
TABLE: dict[RectState, dict[str, str]] = {
    P: {"request_close": R, "verify": NOT_ASKED, "return": NOTHING_TO_RETURN},
    R: {"request_close": AWAITS, "verify": C, "return": P},
    C: {"request_close": CLOSED, "verify": CLOSED, "return": CLOSED},
}
CASES = [(state, act, want) for state, row in TABLE.items() for act, want in row.items()]


def test_the_table_covers_every_state_and_action():
    assert {(s, a) for s, a, _w in CASES} == {(s, a) for s in RectState for a in rules.RectAct}


def _action(act: str, city: Any, rect: Any) -> Callable[[], Any]:
    office = city.city_supervisor
    calls: dict[str, Callable[[], Any]] = {
        "request_close": lambda: inspections.request_close_out(
            rectification=rect,
            by=rectifier(city, rect),
            statement="再次申请销号",
            uploads=[evidence("补充.pdf")],
        ),
        "verify": lambda: inspections.verify_close_out(rectification=rect, by=office),
        "return": lambda: inspections.return_close_out(rectification=rect, by=office, reason="佐证不足"),
    }
    return calls[act]


@pytest.mark.parametrize(("state", "act", "want"), CASES)
def test_each_action_in_each_state(city, state, act, want):
    rect = drive_rect(city, make_rectification(city, make_inspection(city)), state)
    call = _action(act, city, rect)
    events = AuditEvent.objects.count()
    if want in RectState.values:
        call()
        rect.refresh_from_db()
        assert rect.state == want
        return
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        call()
    assert want in " ".join(refused.value.messages)
    rect.refresh_from_db()
    assert rect.state == state
    assert AuditEvent.objects.count() == events


def test_the_pure_rule_agrees_with_the_table():
    for state, act, want in CASES:
        assert rules.allowed(state, rules.RectAct(act)) == (want in RectState.values), (state, act)
