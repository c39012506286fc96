"""The meeting's state machine over every (state, action) pair, and a decision's fate over its cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from luoshi.meetings.models import State
from luoshi.meetings.rules import REFUSALS, TRANSITIONS, Act, Fate, Trail, allowed, fate, next_state

LEGAL = {
    (State.PREPARING, Act.EDIT_AGENDA): State.PREPARING,
    (State.PREPARING, Act.HOLD): State.HELD,
    (State.HELD, Act.DECIDE): State.HELD,
    (State.HELD, Act.WITHDRAW_DECISION): State.HELD,
    (State.HELD, Act.CLOSE): State.CLOSED,
}


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("act", list(Act))
def test_every_pair_is_legal_as_the_table_says_or_refused_with_its_own_message(state, act):
    if (state, act) in LEGAL:
        assert allowed(state, act)
        assert next_state(state, act) == LEGAL[(state, act)]
        return
    assert not allowed(state, act)
    with pytest.raises(ValidationError) as refused:
        next_state(state, act)
    message = refused.value.message_dict["state"][0]
    assert message == str(REFUSALS[(state, act)])
    assert len(message) >= 5


def test_the_table_and_the_refusals_cover_every_pair_once():
    pairs = {(s, a) for s in State for a in Act}
    assert TRANSITIONS == LEGAL
    assert set(REFUSALS) == pairs - set(LEGAL)
    assert len({str(m) for m in REFUSALS.values()}) == len(REFUSALS), "each refusal says its own why"


TODAY = dt.date(2026, 11, 18)
DUE = dt.date(2026, 11, 30)
PAST = dt.date(2026, 11, 10)


@pytest.mark.parametrize(
    ("trail", "expected"),
    [
        (Trail(has_item=False), Fate.NO_ITEM),
        (Trail(True, closed_on=dt.date(2026, 11, 9), due=PAST, signed=True, activity=2), Fate.DONE),
        (Trail(True, closed_on=dt.date(2026, 11, 10), due=PAST, signed=True, activity=1), Fate.DONE),
        (Trail(True, closed_on=dt.date(2026, 11, 12), due=PAST, signed=True, activity=1), Fate.DONE_LATE),
        (Trail(True, due=PAST, signed=True, activity=3), Fate.OVERDUE),
        (Trail(True, due=PAST), Fate.OVERDUE),
        (Trail(True, due=TODAY, signed=True, activity=1), Fate.IN_PROGRESS),
        (Trail(True, due=DUE, signed=False, activity=0), Fate.NO_PROGRESS),
        (Trail(True, due=DUE, signed=True, activity=0), Fate.NO_PROGRESS),
        (Trail(True, due=DUE, signed=False, activity=2), Fate.NO_PROGRESS),
        (Trail(True, due=DUE, signed=True, activity=1), Fate.IN_PROGRESS),
    ],
)
def test_what_became_of_a_decision(trail, expected):
    assert fate(trail, TODAY) == expected
