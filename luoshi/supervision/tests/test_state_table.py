"""Every (state, action) pair of a 督办件, extension decisions included, through the services: each legal
one moves the item where the table says, each illegal one is refused with a message saying why and
writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.core import clock
from luoshi.supervision import rules, services
from luoshi.supervision.models import Extension, State
from luoshi.supervision.tests.factory import drive, lead_person, make_item

SIGNED_ALREADY = "already signed for"
SIGN_FIRST = "Sign for the item first"
CLOSED = "This item is closed"
NO_FEEDBACK = "No feedback awaits the office"
ON_FEEDBACK = "closed on the lead unit's feedback"
WITH_OFFICE = "feedback is with the office"
AWAITS = "already awaits the office"
NOTHING_PENDING = "No extension request awaits a decision"
IN_PROGRESS_ALREADY = "already in progress"

A, S, P, F, C = State.ASSIGNED, State.SIGNED, State.IN_PROGRESS, State.FEEDBACK, State.CLOSED
# (state, extension pending) -> {action: the state it leads to, or a piece of the refusal}.
TABLE: dict[tuple[State, bool], dict[str, str]] = {
    (A, False): {
        "sign": S, "start": SIGN_FIRST, "feedback": SIGN_FIRST, "return": NO_FEEDBACK, "close": ON_FEEDBACK,
        "request_extension": SIGN_FIRST, "grant_extension": NOTHING_PENDING,
        "deny_extension": NOTHING_PENDING, "note": A,
    },
    (S, False): {
        "sign": SIGNED_ALREADY, "start": P, "feedback": F, "return": NO_FEEDBACK, "close": ON_FEEDBACK,
        "request_extension": S, "grant_extension": NOTHING_PENDING, "deny_extension": NOTHING_PENDING,
        "note": S,
    },
    (S, True): {
        "sign": SIGNED_ALREADY, "start": P, "feedback": F, "return": NO_FEEDBACK, "close": ON_FEEDBACK,
        "request_extension": AWAITS, "grant_extension": S, "deny_extension": S, "note": S,
    },
    (P, False): {
        "sign": SIGNED_ALREADY, "start": IN_PROGRESS_ALREADY, "feedback": F, "return": NO_FEEDBACK,
        "close": ON_FEEDBACK, "request_extension": P, "grant_extension": NOTHING_PENDING,
        "deny_extension": NOTHING_PENDING, "note": P,
    },
    (P, True): {
        "sign": SIGNED_ALREADY, "start": IN_PROGRESS_ALREADY, "feedback": F, "return": NO_FEEDBACK,
        "close": ON_FEEDBACK, "request_extension": AWAITS, "grant_extension": P, "deny_extension": P,
        "note": P,
    },
    (F, False): {
        "sign": SIGNED_ALREADY, "start": WITH_OFFICE, "feedback": AWAITS, "return": P, "close": C,
        "request_extension": WITH_OFFICE, "grant_extension": NOTHING_PENDING,
        "deny_extension": NOTHING_PENDING, "note": F,
    },
    (F, True): {
        "sign": SIGNED_ALREADY, "start": WITH_OFFICE, "feedback": AWAITS, "return": P, "close": C,
        "request_extension": WITH_OFFICE, "grant_extension": F, "deny_extension": F, "note": F,
    },
    (C, False): dict.fromkeys(
        ["sign", "start", "feedback", "return", "close", "request_extension", "grant_extension",
         "deny_extension", "note"],
        CLOSED,
    ),
}  # fmt: skip
CASES = [(state, pending, act, want) for (state, pending), row in TABLE.items() for act, want in row.items()]


def test_the_table_covers_every_state_and_action():
    assert {(s, a) for s, _p, a, _w in CASES} == {(s, a) for s in State for a in rules.Act}


def _decision_target(item: Any, city: Any) -> Extension:
    """The request awaiting the office, or (with none) a decided one: the page can still send its id."""
    pending = item.extensions.filter(decision=Extension.Decision.PENDING).first()
    if pending is not None:
        return pending
    return Extension.objects.create(
        item=item, previous_due=item.due, requested_due=item.due + dt.timedelta(days=9), reason="早前申请",
        by=city.county_liaison, at=clock.now(), decision=Extension.Decision.DENIED,
        decision_reason="不予延期",
    )  # fmt: skip


def _action(act: str, city: Any, item: Any) -> Callable[[], Any]:
    lead, office = lead_person(city, item), city.city_supervisor
    calls: dict[str, Callable[[], Any]] = {
        "sign": lambda: services.sign_item(item=item, by=lead),
        "start": lambda: services.start_item(item=item, by=lead),
        "feedback": lambda: services.submit_feedback(item=item, by=lead, statement="再次反馈"),
        "return": lambda: services.return_item(item=item, by=office, reason="佐证不足"),
        "close": lambda: services.close_item(item=item, by=office),
        "request_extension": lambda: services.request_extension(
            item=item, by=lead, new_due=item.due + dt.timedelta(days=20), reason="需协调省级部门"
        ),
        "grant_extension": lambda: services.decide_extension(
            extension=_decision_target(item, city), by=office, grant=True, reason=""
        ),
        "deny_extension": lambda: services.decide_extension(
            extension=_decision_target(item, city), by=office, grant=False, reason="时限不变"
        ),
        "note": lambda: services.add_note(
            item=item, unit=city.fgw, by=city.department_liaison, text="已配合"
        ),
    }
    return calls[act]


@pytest.mark.parametrize(("state", "pending", "act", "want"), CASES)
def test_each_action_in_each_state(city, state, pending, act, want):
    item = drive(city, make_item(city), state, pending=pending)
    call = _action(act, city, item)
    events = AuditEvent.objects.count()
    if want in State.values:
        call()
        item.refresh_from_db()
        assert item.state == want
        return
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        call()
    assert want in " ".join(refused.value.messages)
    item.refresh_from_db()
    assert item.state == state
    assert AuditEvent.objects.count() == events


def test_the_pure_rule_agrees_with_the_table():
    for state, pending, act, want in CASES:
        assert rules.allowed(state, rules.Act(act), pending=pending) == (want in State.values), (state, act)
