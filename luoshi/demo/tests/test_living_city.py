"""`make run` on any day shows a living city: the demo loaded on the days a calendar makes awkward."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from luoshi.audit.models import AuditEvent
from luoshi.core import clock as core_clock
from luoshi.demo import loader
from luoshi.dispatch import status
from luoshi.dispatch.models import UNSENT, Cadence, Cycle, Report, ReportState, TaskLight
from luoshi.plans.models import Plan, Pledge, Task
from luoshi.testing import sqlite_pass_only

# The subject here is the calendar (four days that each break something), not the database: with two
# passes, `make test` loads one of the days in the PostgreSQL pass (the `postgresql_pass` mark) and the
# others in the SQLite pass, one load per day.
# test_demo loads the city on both databases.

# Each load takes about twenty seconds, so four days that each break something different. chinese-calendar
# knows no holidays after 2026 yet: until it does, 2027 falls back to Monday to Friday.
DAYS = {
    # New Year's Day, a Friday: last year's year-end deadlines have just passed, the new plan has no cycle
    # yet, and the eight weeks of history cross the year boundary.
    "new-year": dt.date(2027, 1, 1),
    # Inside the Spring Festival holiday, six weeks into a plan whose first deadlines are months away.
    "spring-festival": dt.date(2027, 2, 10),
    # The first working day after the 2026 Spring Festival: the holiday week's Friday due day moved onto it,
    # its handed-down reports were due on the working Saturday before the holiday, and the data moves a year
    # back, into 2025's plan and 2026's.
    "after-spring-festival": dt.date(2026, 2, 24),
    # A Saturday inside the National Day holiday, which moves the week's due day past it while handed-down
    # reports stay due before it.
    "national-day": dt.date(2026, 10, 3),
}


IN_THE_POSTGRESQL_PASS = ("spring-festival",)  # a load there costs about half as much again
SQLITE_PASS = sqlite_pass_only("the calendar's awkward days: this one is loaded in the SQLite pass")


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(
            day, id=name, marks=pytest.mark.postgresql_pass if name in IN_THE_POSTGRESQL_PASS else SQLITE_PASS
        )
        for name, day in DAYS.items()
    ],
)
def loaded_on(request, django_db_setup, django_db_blocker):
    """Load the demo once per day, with the clock standing at 10:00 that day and no `today` given."""
    day = request.param
    with django_db_blocker.unblock(), core_clock.frozen(core_clock.at_local(day, dt.time(10))):
        loader.load()
    yield day
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def day(loaded_on, db, clock):
    clock.set(loaded_on)
    return loaded_on


def test_the_loader_builds_the_city_of_the_clocks_day(day):
    assert Plan.objects.filter(year=day.year).exists()
    assert Cycle.objects.filter(period_start__lte=day, period_end__gte=day).exists()


def test_every_rhythm_that_has_begun_has_its_current_cycle_open(day):
    begun = Cadence.objects.filter(anchor__lte=day)
    assert begun.exists()
    for cadence in begun:
        current = cadence.cycles.filter(period_start__lte=day, period_end__gte=day)
        assert current.filter(state=Cycle.State.OPEN).exists(), cadence


def test_reports_are_in_several_states_and_a_few_are_late(day):
    states = set(Report.objects.values_list("state", flat=True))
    assert {ReportState.PENDING, ReportState.SUBMITTED, ReportState.ACCEPTED} <= states
    assert 0 < Report.objects.filter(is_late=True).count() < Report.objects.count() // 4


def test_the_lights_are_a_believable_mix(day):
    lights = Counter(dict(TaskLight.objects.values_list("light").annotate(n=Count("pk"))))
    assert lights["green"] > lights["red"] > 0 and lights["yellow"] > 0
    assert lights["done"] + lights["done_late"] > 0
    assert sum(lights.values()) == Task.objects.count()


def test_work_due_before_the_day_is_mostly_done_and_some_is_overdue(day):
    past = Task.objects.filter(due__lt=day)
    done = past.filter(completed_on__isnull=False).count()
    assert 0 < past.count() - done < done


def test_rebuilding_the_lights_gives_the_incremental_numbers(day):
    incremental = status.rollup_numbers()
    lights = dict(TaskLight.objects.values_list("task_id", "light"))
    status.rebuild(today=day)
    assert status.rollup_numbers() == incremental
    assert dict(TaskLight.objects.values_list("task_id", "light")) == lights


def test_nothing_in_the_citys_history_lies_after_the_day(day):
    now = core_clock.now()
    assert not Cycle.objects.filter(opened_at__gt=now).exists()
    assert not Report.objects.filter(Q(submitted_at__gt=now) | Q(reviewed_at__gt=now)).exists()
    assert not Pledge.objects.filter(signed_at__gt=now).exists()
    assert not Task.objects.filter(completed_on__gt=day).exists()
    assert not AuditEvent.objects.filter(occurred_at__gt=now).exists()


def test_reports_are_sent_after_their_cycle_opens_and_accepted_after_they_are_sent(day):
    assert not Report.objects.filter(submitted_at__lt=F("cycle__opened_at")).exists()
    assert not Report.objects.filter(state=ReportState.ACCEPTED, reviewed_at__lt=F("submitted_at")).exists()


def test_every_report_unsent_past_its_due_time_is_marked_late(day):
    now = core_clock.now()
    overdue = Report.objects.filter(state__in=UNSENT, is_late=False, due_at__lt=now)
    unmarked = [
        r
        for r in overdue.select_related("cycle__cadence")
        if r.due_at + dt.timedelta(minutes=r.cycle.cadence.grace_minutes) < now
    ]
    assert unmarked == []
