"""An overdue 整改 is chased exactly as a 督办件 is: reminded, told it is late, then up the shared ladder."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.audit.models import AuditEvent
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep, Notice
from luoshi.supervision import rectification_chasing
from luoshi.supervision.models import RectificationEscalation, RectState
from luoshi.supervision.tests.inspection_factory import (
    RECT_DUE,
    drive_rect,
    make_inspection,
    make_rectification,
)

D = RECT_DUE


@pytest.fixture
def ladder(db):
    install_default_ladder(EscalationStep)  # a browser test's flush may have taken the migration's away
    return {s.name: s for s in EscalationStep.objects.all()}


def told(person, kind):
    return Notice.objects.filter(recipient=person, kind=kind).count()


def rungs(rect):
    return list(
        RectificationEscalation.objects.filter(rectification=rect)
        .order_by("at", "pk")
        .values_list("step__name", flat=True)
    )


def chase(clock, day):
    clock.set(day)
    return rectification_chasing.chase_rectifications(now=clock.now())


def test_an_overdue_rectification_is_reminded_told_and_climbs_the_ladder_once_per_rung(city, clock, ladder):
    rect = make_rectification(city, make_inspection(city))
    assert chase(clock, D - dt.timedelta(days=2)).reminded == 0
    done = chase(clock, D - dt.timedelta(days=1))
    assert (done.reminded, done.late, done.escalated) == (1, 0, 0)
    assert told(city.county_liaison, "rectification_due") == 1
    assert chase(clock, D - dt.timedelta(days=1)).reminded == 0  # a second run tells nobody twice

    done = chase(clock, D + dt.timedelta(days=1))
    assert (done.late, done.escalated) == (1, 0)
    assert told(city.county_liaison, "rectification_late") == 1
    assert rungs(rect) == []

    assert chase(clock, D + dt.timedelta(days=8)).escalated == 1
    assert rungs(rect) == ["蓝色督办单"]
    assert chase(clock, D + dt.timedelta(days=9)).escalated == 0  # the same rung is taken once
    chase(clock, D + dt.timedelta(days=40))  # far behind: the highest rung reached, one per run
    assert rungs(rect) == ["蓝色督办单", "约谈"]
    assert told(city.county_liaison, "rectification_escalation") == 2
    assert rect.rung.step.name == "约谈"

    blue = RectificationEscalation.objects.get(rectification=rect, step__name="蓝色督办单")
    assert (blue.misses, blue.due) == (2, D)
    event = AuditEvent.objects.get(action="rectification.escalate", object_id=str(blue.pk))
    assert (event.subject_type, event.subject_id) == ("supervision.rectification", str(rect.pk))


def test_a_close_out_awaiting_the_office_or_a_closed_rectification_is_not_chased(city, clock, ladder):
    inspection = make_inspection(city)
    asked = drive_rect(city, make_rectification(city, inspection), RectState.REQUESTED)
    closed = drive_rect(city, make_rectification(city, inspection), RectState.CLOSED)
    done = chase(clock, D + dt.timedelta(days=30))
    assert (done.reminded, done.late, done.escalated) == (0, 0, 0)
    assert rungs(asked) == rungs(closed) == []
