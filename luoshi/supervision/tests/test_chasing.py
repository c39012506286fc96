"""An overdue 督办件 is chased as a late report is: reminded, told it is late, then up the shared ladder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.notify import ladder_services
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep, Notice
from luoshi.supervision import chasing, services
from luoshi.supervision.chasing import misses_on
from luoshi.supervision.history import timeline
from luoshi.supervision.models import ItemEscalation, State
from luoshi.supervision.tests.factory import DUE, drive, make_item

D = dt.date(2026, 12, 15)


@pytest.mark.parametrize(
    ("today", "misses"),
    [
        (D - dt.timedelta(days=3), 0),
        (D, 0),  # the deadline day itself is still in time
        (D + dt.timedelta(days=1), 1),
        (D + dt.timedelta(days=7), 1),
        (D + dt.timedelta(days=8), 2),
        (D + dt.timedelta(days=15), 3),
        (D + dt.timedelta(days=22), 4),
        (D + dt.timedelta(days=36), 6),
    ],
)
def test_an_item_misses_a_period_the_day_after_its_deadline_and_one_more_each_week(today, misses):
    assert misses_on(D, today) == misses


@pytest.fixture
def ladder(db):
    install_default_ladder(EscalationStep)  # a browser test's flush may have taken the migration's away
    return {s.name: s for s in EscalationStep.objects.all()}


def told(person, kind):
    return Notice.objects.filter(recipient=person, kind=kind).count()


def rungs(item):
    return list(
        ItemEscalation.objects.filter(item=item).order_by("at", "pk").values_list("step__name", flat=True)
    )


def chase(clock, day):
    clock.set(day)
    return chasing.chase_items(now=clock.now())


def test_an_overdue_item_is_reminded_told_and_climbs_the_ladder_once_per_rung(city, clock, ladder):
    item = drive(city, make_item(city), State.SIGNED)
    assert DUE == D
    assert chase(clock, D - dt.timedelta(days=2)).reminded == 0  # not yet due tomorrow
    done = chase(clock, D - dt.timedelta(days=1))
    assert (done.reminded, done.late, done.escalated) == (1, 0, 0)
    assert told(city.county_liaison, "supervision_due") == 1
    assert told(city.department_liaison, "supervision_due") == 1  # the co-unit too
    assert chase(clock, D - dt.timedelta(days=1)).reminded == 0  # a second run tells nobody twice
    assert told(city.county_liaison, "supervision_due") == 1

    done = chase(clock, D + dt.timedelta(days=1))
    assert (done.late, done.escalated) == (1, 0)
    assert told(city.county_liaison, "supervision_late") == 1
    assert told(city.department_liaison, "supervision_late") == 0  # the late notice is the lead unit's
    assert rungs(item) == []

    assert chase(clock, D + dt.timedelta(days=8)).escalated == 1
    assert rungs(item) == ["蓝色督办单"]
    assert chase(clock, D + dt.timedelta(days=9)).escalated == 0  # the same rung is taken once
    assert told(city.county_liaison, "supervision_late") == 1
    chase(clock, D + dt.timedelta(days=15))
    assert rungs(item) == ["蓝色督办单", "黄色督办单"]
    chase(clock, D + dt.timedelta(days=40))  # far behind: the highest rung reached, one per run
    assert rungs(item) == ["蓝色督办单", "黄色督办单", "约谈"]
    assert told(city.county_liaison, "supervision_escalation") == 3

    blue = ItemEscalation.objects.get(item=item, step__name="蓝色督办单")
    assert (blue.misses, blue.due) == (2, D)
    event = AuditEvent.objects.get(action="supervision_item.escalate", object_id=str(blue.pk))
    assert event.after["step"] == "蓝色督办单"
    assert event.subject_type == "supervision.supervisionitem"
    assert event.subject_id == str(item.pk)


def test_the_leader_rungs_reach_the_leaders_over_the_lead_unit(city, clock, ladder):
    item = drive(city, make_item(city), State.IN_PROGRESS)
    chase(clock, D + dt.timedelta(days=8))
    notice = Notice.objects.filter(kind="supervision_escalation").first()
    assert notice is not None
    assert notice.params["step"] == "蓝色督办单"
    assert notice.params["code"] == item.code
    recipients = set(Notice.objects.filter(kind="supervision_escalation").values_list("recipient", flat=True))
    assert city.county_liaison.pk in recipients
    assert city.leader.pk in recipients  # the city's leader is over 青山县


def test_work_the_unit_has_answered_or_the_office_closed_is_not_chased(city, clock, ladder):
    feedback = drive(city, make_item(city), State.FEEDBACK)
    closed = drive(city, make_item(city), State.CLOSED)
    done = chase(clock, D + dt.timedelta(days=30))
    assert (done.reminded, done.late, done.escalated) == (0, 0, 0)
    assert rungs(feedback) == rungs(closed) == []


def test_a_granted_extension_starts_the_count_again_from_the_new_deadline(city, clock, ladder):
    item = drive(city, make_item(city), State.IN_PROGRESS)
    chase(clock, D + dt.timedelta(days=8))
    assert rungs(item) == ["蓝色督办单"]
    extension = services.request_extension(
        item=item, by=city.county_liaison, new_due=D + dt.timedelta(days=30), reason="设备到货延迟"
    )
    services.decide_extension(extension=extension, by=city.city_supervisor, grant=True, reason="同意")
    done = chase(clock, D + dt.timedelta(days=20))
    assert (done.late, done.escalated) == (0, 0)
    done = chase(clock, D + dt.timedelta(days=31))  # a day past the new deadline: late again, told again
    assert (done.late, done.escalated) == (1, 0)
    assert told(city.county_liaison, "supervision_late") == 2
    chase(clock, D + dt.timedelta(days=45))
    assert rungs(item) == ["蓝色督办单", "黄色督办单"]  # blue stays in the register; the climb goes on
    assert ItemEscalation.objects.get(item=item, step__name="黄色督办单").due == D + dt.timedelta(days=30)


def test_a_rung_an_item_climbed_is_not_deleted_from_the_shared_ladder(city, clock, ladder):
    drive(city, make_item(city), State.SIGNED)
    chase(clock, D + dt.timedelta(days=8))
    blue = ladder["蓝色督办单"]
    assert ladder_services.issued_count(blue) == 1
    with pytest.raises(ValidationError):
        ladder_services.delete_step(step=blue, by=city.admin)
    assert EscalationStep.objects.filter(pk=blue.pk).exists()


def test_the_rung_shows_on_the_list_and_the_item_page(
    city, clock, ladder, client, django_assert_max_num_queries
):
    items = [drive(city, make_item(city), State.SIGNED) for _ in range(3)]
    chase(clock, D + dt.timedelta(days=8))
    chase(clock, D + dt.timedelta(days=15))
    client.force_login(city.city_supervisor)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("supervision:item_list")).content.decode()
    assert page.count('data-testid="item-rung"') == 3
    assert "黄色督办单" in page
    page = client.get(reverse("supervision:item_detail", args=[items[0].pk])).content.decode()
    assert page.count('data-testid="item-escalation"') == 2


def test_each_rung_climbed_joins_the_items_timeline_as_the_systems_step(city, clock, ladder):
    item = drive(city, make_item(city), State.SIGNED)
    chase(clock, D + dt.timedelta(days=8))
    chase(clock, D + dt.timedelta(days=15))
    climbed = [(s.kind, s.actor, s.text) for s in timeline(item) if s.kind == "escalate"]
    assert climbed == [("escalate", "", "蓝色督办单"), ("escalate", "", "黄色督办单")]


def test_a_rung_jumped_over_is_not_sent_afterwards(city, clock, ladder):
    item = drive(city, make_item(city), State.SIGNED)
    assert chase(clock, D + dt.timedelta(days=15)).escalated == 1  # first chased three periods late
    assert rungs(item) == ["黄色督办单"]
    assert chase(clock, D + dt.timedelta(days=16)).escalated == 0  # not down to the blue one
    assert rungs(item) == ["黄色督办单"]
