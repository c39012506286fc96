"""Every (state, action) pair of both machines, through the services: a legal move succeeds, an illegal one
is refused with a message naming the action's refusal and the state, and writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.challenges import services
from luoshi.challenges.models import Application, OpenCall
from luoshi.challenges.rules import (
    APPLICATION_MOVES,
    CALL_MOVES,
    ApplicationAction,
    ApplicationState,
    CallAction,
    CallState,
    application_move,
    call_move,
)
from luoshi.challenges.services import CallText, Choice
from luoshi.challenges.tests.helpers import CLOSES, apply, commitment, make_call

LEGAL_CALL = {
    (CallState.DRAFT, CallAction.EDIT): CallState.DRAFT,
    (CallState.PUBLISHED, CallAction.EDIT): CallState.PUBLISHED,
    (CallState.DRAFT, CallAction.PUBLISH): CallState.PUBLISHED,
    (CallState.PUBLISHED, CallAction.CLOSE): CallState.CLOSED,
    (CallState.CLOSED, CallAction.DECIDE): CallState.DECIDED,
    (CallState.DRAFT, CallAction.CANCEL): CallState.CANCELLED,
    (CallState.PUBLISHED, CallAction.CANCEL): CallState.CANCELLED,
    (CallState.CLOSED, CallAction.CANCEL): CallState.CANCELLED,
}
# (application state, action) → new state, with the call in the state the action needs.
LEGAL_APPLICATION = {
    (ApplicationState.SUBMITTED, ApplicationAction.SUBMIT): ApplicationState.SUBMITTED,
    (ApplicationState.WITHDRAWN, ApplicationAction.SUBMIT): ApplicationState.SUBMITTED,
    (ApplicationState.SUBMITTED, ApplicationAction.WITHDRAW): ApplicationState.WITHDRAWN,
    (ApplicationState.SUBMITTED, ApplicationAction.SELECT): ApplicationState.SELECTED,
    (ApplicationState.SUBMITTED, ApplicationAction.NOT_SELECT): ApplicationState.NOT_SELECTED,
}
CALL_PAIRS = [(s, a) for s in CallState for a in CallAction]
APPLICATION_PAIRS = [(s, a) for s in ApplicationState for a in ApplicationAction]


def test_the_tables_hold_exactly_the_legal_moves():
    assert {(s, a): to or s for a, (starts, to) in CALL_MOVES.items() for s in starts} == LEGAL_CALL
    assert {(s, a): to for a, (starts, to) in APPLICATION_MOVES.items() for s in starts} == LEGAL_APPLICATION


def call_in(city, state):
    """A call of the city's office in `state`, with 青山县's application submitted where it could be."""
    call = make_call(city)
    if state == CallState.DRAFT:
        return call
    if state == CallState.CANCELLED:
        return services.cancel_call(call=call, by=city.city_supervisor, reason="取消")
    call = services.publish_call(call=call, by=city.city_supervisor)
    apply(city, call, "qingshan", "county_liaison")
    if state == CallState.PUBLISHED:
        return call
    call = services.close_call(call=call, by=city.city_supervisor)
    if state == CallState.DECIDED:
        application = call.applications.get()
        services.decide_applications(
            call=call, by=city.city_supervisor, choices=[Choice(application, True, "入选")]
        )
        call.refresh_from_db()
    return call


def do_call(city, call, action):
    boss = city.city_supervisor
    if action == CallAction.EDIT:
        text = CallText(title="改", problem="p", requirements="r", goal="g", closes_on=CLOSES)
        return services.update_call(call=call, by=boss, expected_version=call.version, text=text)
    if action == CallAction.PUBLISH:
        return services.publish_call(call=call, by=boss)
    if action == CallAction.CLOSE:
        return services.close_call(call=call, by=boss)
    if action == CallAction.CANCEL:
        return services.cancel_call(call=call, by=boss, reason="取消")
    # DECIDE: decide every undecided application (a call with none cannot be decided by this path)
    pending = list(call.applications.filter(state=ApplicationState.SUBMITTED))
    choices = [Choice(a, False, "未入选") for a in pending] or [
        Choice(call.applications.first() or _stray(city, call), False, "未入选")
    ]
    return services.decide_applications(call=call, by=boss, choices=choices)


def _stray(city, call):
    """An application to name in a decision of a call that has none (a draft or a cancelled one)."""
    return Application(call=call, unit=city.qingshan, pk=0)


@pytest.mark.parametrize(("state", "action"), CALL_PAIRS)
def test_each_call_action_from_each_state(city, state, action):
    call = call_in(city, state)
    events = AuditEvent.objects.count()
    if (state, action) in LEGAL_CALL:
        done = do_call(city, call, action)
        assert OpenCall.objects.get(pk=done.pk).state == LEGAL_CALL[(state, action)]
        return
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            do_call(city, call, action)
        assert str(CallState(state).label) in " ".join(refused.value.messages)
    assert OpenCall.objects.get(pk=call.pk).state == state and AuditEvent.objects.count() == events


def application_in(city, state):
    """青山县's application in `state` of a call of the city's office (published, or closed once decided)."""
    call = make_call(city, publish=True)
    application = apply(city, call, "qingshan", "county_liaison")
    apply(city, call, "fgw", "department_liaison")  # so a decision does not end the call
    if state == ApplicationState.WITHDRAWN:
        services.withdraw_application(application=application, by=city.county_liaison)
    elif state in (ApplicationState.SELECTED, ApplicationState.NOT_SELECTED):
        call = services.close_call(call=call, by=city.city_supervisor)
        selected = state == ApplicationState.SELECTED
        services.decide_applications(
            call=call, by=city.city_supervisor, choices=[Choice(application, selected, "决定")]
        )
    application.refresh_from_db()
    return application


def do_application(city, application, action, call):
    if action == ApplicationAction.SUBMIT:
        return services.submit_application(
            call=call, unit=city.qingshan, by=city.county_liaison, commitment=commitment(city, "qingshan")
        )
    if action == ApplicationAction.WITHDRAW:
        return services.withdraw_application(application=application, by=city.county_liaison)
    selected = action == ApplicationAction.SELECT
    services.decide_applications(
        call=call, by=city.city_supervisor, choices=[Choice(application, selected, "决定")]
    )
    return Application.objects.get(pk=application.pk)


@pytest.mark.parametrize(("state", "action"), APPLICATION_PAIRS)
def test_each_application_action_from_each_state_with_the_call_as_the_action_needs(city, state, action):
    application = application_in(city, state)
    call = OpenCall.objects.get(pk=application.call_id)
    needs_closed = action in (ApplicationAction.SELECT, ApplicationAction.NOT_SELECT)
    if needs_closed and call.state == CallState.PUBLISHED:
        call = services.close_call(call=call, by=city.city_supervisor)
    events = AuditEvent.objects.count()
    if not needs_closed and call.state == CallState.CLOSED:
        # A decided application's call is closed, and a closed call takes no writes from units: refused on
        # the call's state before the application's is asked, and nothing is written.
        with pytest.raises(ValidationError):
            do_application(city, application, action, call)
        assert Application.objects.get(pk=application.pk).state == state
        assert AuditEvent.objects.count() == events
        return
    if (state, action) in LEGAL_APPLICATION:
        done = do_application(city, application, action, call)
        assert Application.objects.get(pk=done.pk).state == LEGAL_APPLICATION[(state, action)]
        return
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            do_application(city, application, action, call)
        assert str(ApplicationState(state).label) in " ".join(refused.value.messages)
    assert Application.objects.get(pk=application.pk).state == state and AuditEvent.objects.count() == events


@pytest.mark.parametrize("call_state", list(CallState))
@pytest.mark.parametrize("action", list(ApplicationAction))
def test_each_application_action_needs_its_call_state(call_state, action):
    """The pure table: a move from a legal application state, with the call in every state."""
    needed = (
        CallState.PUBLISHED
        if action in (ApplicationAction.SUBMIT, ApplicationAction.WITHDRAW)
        else CallState.CLOSED
    )
    if call_state == needed:
        assert application_move(ApplicationState.SUBMITTED, action, call_state)
        return
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            application_move(ApplicationState.SUBMITTED, action, call_state)
        assert str(CallState(call_state).label) in " ".join(refused.value.messages)


@pytest.mark.parametrize(("state", "action"), CALL_PAIRS)
def test_the_call_table_says_why_in_chinese(state, action):
    if (state, action) in LEGAL_CALL:
        assert call_move(state, action) == LEGAL_CALL[(state, action)]
        return
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            call_move(state, action)
        message = " ".join(refused.value.messages)
        assert str(CallState(state).label) in message and not message.isascii()


def test_a_unit_cannot_write_once_the_call_closes(city):
    application = application_in(city, ApplicationState.SUBMITTED)
    call = services.close_call(call=application.call, by=city.city_supervisor)
    for action in (ApplicationAction.SUBMIT, ApplicationAction.WITHDRAW):
        with pytest.raises(ValidationError), translation.override("en"):
            do_application(city, application, action, call)
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED
    assert dt  # the module's dates are the helpers'
