import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import seal_all, verify
from luoshi.core import clock as core_clock
from luoshi.demo import scale
from luoshi.dispatch import lights, status
from luoshi.dispatch.models import Cycle, Report, ReportState, TaskLight
from luoshi.orgs.models import Role, Unit, User
from luoshi.plans.models import Task

TINY = scale.SCALES["tiny"]
NOW = core_clock.at_local(dt.date(2026, 11, 18), dt.time(10))


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Generate the tiny scale once for the module; each test still runs in its own transaction."""
    with django_db_blocker.unblock(), core_clock.frozen(NOW):
        result = scale.generate(TINY, out=None)
    yield result
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def tiny(generated, db, clock):
    clock.set(NOW)
    return generated


def test_the_generated_data_has_the_requested_sizes(tiny):
    assert Unit.objects.count() == TINY.units
    assert User.objects.count() == TINY.people
    assert Task.objects.count() == TINY.tasks
    assert Report.objects.count() == TINY.reports == tiny["reports"]
    assert Unit.objects.filter(parent=None).count() == 1
    assert not Unit.objects.exclude(parent=None).filter(category="").exists()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)


def test_every_report_belongs_to_an_existing_task_of_its_lead_unit_in_an_asked_cycle(tiny):
    assert not Report.objects.exclude(task__in=Task.objects.all()).exists()
    assert not Report.objects.exclude(unit=F("task__lead_unit")).exists()
    assert not Report.objects.exclude(cycle__cadence__task_list=F("task__task_list")).exists()
    sent = Report.objects.exclude(submitted_by=None)
    assert sent.exists() and not sent.exclude(submitted_by__unit=F("unit")).exists()
    # A task reports in the cycles it is at work in: begun by the period's end, not finished before its start.
    assert not Report.objects.filter(task__start__gt=F("cycle__period_end")).exists()
    assert not Report.objects.filter(task__completed_on__lt=F("cycle__period_start")).exists()
    assert not Task.objects.filter(lead_unit__parent=None).exists()  # the root issues, it leads nothing
    assert not Task.objects.exclude(owner__unit=F("lead_unit")).exists()


def test_reports_are_in_every_state_a_year_leaves_behind(tiny):
    states = dict(Report.objects.values_list("state").annotate(n=Count("pk")))
    assert states[ReportState.ACCEPTED] > states[ReportState.SUBMITTED] > 0
    assert states[ReportState.PENDING] > 0
    assert Report.objects.filter(is_late=True, state=ReportState.ACCEPTED).exists()  # sent late
    assert Report.objects.filter(is_late=True, state=ReportState.PENDING).exists()  # never sent
    assert Cycle.objects.filter(state=Cycle.State.CLOSED).count() > Cycle.objects.filter(state="open").count()
    accepted = Report.objects.filter(state=ReportState.ACCEPTED)
    assert not accepted.filter(reviewed_at__lt=F("submitted_at")).exists()
    assert not accepted.filter(percent=None).exists()


def test_the_lights_are_what_the_rules_say(tiny):
    tasks = list(Task.objects.order_by("pk"))
    stored = {t.task_id: (t.light, t.reason) for t in TaskLight.objects.all()}
    rules = status.thresholds()
    for pk, facts in status.facts_for(tasks, NOW.date()).items():
        computed = lights.status(facts, NOW.date(), rules)
        assert stored[pk] == (computed.light.value, computed.reason), pk
    assert len({light for light, _ in stored.values()}) >= 3
    incremental = status.rollup_numbers()
    status.rebuild(today=NOW.date())
    assert status.rollup_numbers() == incremental


def test_each_tasks_progress_is_its_latest_accepted_report(tiny):
    latest = Report.objects.latest_accepted(Task.objects.values_list("pk", flat=True))
    progress = dict(Task.objects.values_list("pk", "progress"))
    assert latest and all(progress[pk] == (percent or 0) for pk, (percent, _) in latest.items())


def test_the_generated_writes_are_audited_and_the_chain_verifies(tiny):
    assert AuditEvent.objects.filter(action="task.create").count() == TINY.tasks
    assert AuditEvent.objects.filter(action="unit.create").count() == TINY.units
    assert AuditEvent.objects.filter(action="user.create").count() == TINY.people
    opened = AuditEvent.objects.filter(action="cycle.open")
    assert opened.count() == Cycle.objects.count()
    assert sum(e.after["reports"] for e in opened) == TINY.reports
    seal_all()
    assert verify().ok


def test_a_leader_reads_the_task_list_home_and_a_unit_page(tiny, client):
    leader = User.objects.get(username=tiny["leader"])
    client.force_login(leader)
    page = client.get(reverse("plans:task_list"))
    assert page.status_code == 200
    assert Task.objects.order_by("pk").first().title in page.content.decode()
    assert client.get(reverse("web:home")).status_code == 200
    unit = Task.objects.values_list("lead_unit", flat=True).first()
    assert client.get(reverse("orgs:unit_detail", args=[unit])).status_code == 200


def test_a_database_with_data_is_refused(tiny):
    with pytest.raises(scale.NotEmpty):
        scale.generate(TINY, out=None)
