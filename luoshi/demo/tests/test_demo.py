import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count

from luoshi.assessment import services as assessment
from luoshi.assessment.models import IndicatorSystem
from luoshi.audit.models import AuditEvent
from luoshi.audit.services import seal_all, verify
from luoshi.challenges.models import Application, OpenCall
from luoshi.challenges.rules import ApplicationState, CallState
from luoshi.core import clock as core_clock
from luoshi.demo import loader
from luoshi.meetings.models import Meeting
from luoshi.notify.models import Notice
from luoshi.orgs.models import Role, Unit, User
from luoshi.plans.models import Milestone, Pledge, Task, TaskList
from luoshi.supervision.models import (
    AccountabilityRecord,
    Instruction,
    Rectification,
    RectState,
    State,
    SupervisionItem,
)

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module (it takes seconds); each test still runs in its own transaction.

    The clock stands at the load day too: the services the loader calls read it.
    """
    with django_db_blocker.unblock(), core_clock.frozen(core_clock.at_local(TODAY, dt.time(10))):
        counts = loader.load(today=TODAY)
    yield counts
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(loaded, db, clock):
    clock.set(TODAY)
    return loaded


def test_the_demo_city_has_the_shape_the_office_expects(demo):
    kinds = dict(Unit.objects.values_list("kind").annotate(n=Count("pk")))
    assert (
        kinds["county"] >= 8 and kinds["department"] == 25 and kinds["park"] == 3 and kinds["task_force"] == 2
    )
    assert kinds["township"] >= 6
    assert Unit.objects.filter(kind="township", parent__kind="county").count() == kinds["township"]
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert list(TaskList.objects.values_list("name", flat=True)) == [
        "经济发展挑大梁任务清单",
        "揭榜挂帅事项清单",
        "勇争先重点工作清单",
    ]


def test_the_demo_plan_has_realistic_tasks(demo):
    top = Task.objects.filter(parent__isnull=True)
    assert top.count() >= 150
    assert Task.objects.filter(parent__isnull=False).count() >= 40
    assert Task.objects.filter(parent__isnull=False, lead_unit__kind="township").exists()
    assert top.exclude(co_units=None).count() > top.count() // 2
    assert top.exclude(indicator_name="").filter(direction="lower").exists()
    assert top.exclude(indicator_name="").filter(direction="higher").exists()
    assert Pledge.objects.count() >= 25
    assert Milestone.objects.count() >= 2 * top.count()


def test_every_demo_task_names_its_responsible_leader_and_person(demo):
    assert not Task.objects.filter(leader=None).exists() and not Task.objects.filter(owner=None).exists()
    assert not Task.objects.exclude(responsibility_note="").exists()
    assert not Task.objects.filter(leader__isnull=True).exists()
    assert not Task.objects.filter(owner__isnull=True).exists()
    assert not Task.objects.filter(title__icontains="lorem").exists()


def test_township_subtasks_are_handed_down_by_their_county(demo):
    sub = Task.objects.filter(lead_unit__kind="township").select_related("issuer", "lead_unit").first()
    assert sub.issuer == sub.lead_unit.parent
    event = AuditEvent.objects.get(action="task.decompose", object_id=str(sub.pk))
    assert User.objects.get(pk=event.actor_id).unit == sub.issuer


def test_work_due_before_today_is_mostly_done_and_some_is_overdue(demo):
    past = Task.objects.filter(due__lt=TODAY)
    done = past.filter(completed_on__isnull=False).count()
    assert 0 < past.count() - done < done


def test_every_demo_write_is_audited_and_the_chain_verifies(demo):
    assert AuditEvent.objects.filter(action="task.create").count() == Task.objects.filter(parent=None).count()
    assert AuditEvent.objects.filter(action="milestone.create").count() == Milestone.objects.count()
    seal_all()
    assert verify().ok


def test_the_demo_refuses_to_load_twice(demo):
    with pytest.raises(loader.DemoExists):
        loader.load(today=TODAY)


def test_the_demo_has_eight_weeks_of_reports_with_a_believable_mix_of_lights(demo):
    from luoshi.dispatch.models import Cycle, Report, TaskLight

    weekly = Cycle.objects.filter(cadence__frequency="weekly")
    assert weekly.count() >= 8
    assert Report.objects.filter(state="accepted").count() > 500
    assert 0 < Report.objects.filter(is_late=True).count() < Report.objects.count() // 4
    lights = dict(TaskLight.objects.values_list("light").annotate(n=Count("pk")))
    assert lights["green"] > lights["yellow"] > 0 and lights["green"] > lights["red"] > 0
    assert sum(lights.values()) == Task.objects.count()


def test_rebuilding_the_demo_citys_lights_gives_the_incremental_numbers(demo):
    from luoshi.dispatch import status
    from luoshi.dispatch.models import TaskLight

    incremental = status.rollup_numbers()
    lights = dict(TaskLight.objects.values_list("task_id", "light"))
    assert sum(sum(c.values()) for k, c in incremental.items() if k[0] == "list") == Task.objects.count()
    status.rebuild(today=TODAY)
    assert status.rollup_numbers() == incremental
    assert dict(TaskLight.objects.values_list("task_id", "light")) == lights


# The demo city's 揭榜挂帅: a decided call with three applicants, one selected with its task and signed
# pledge, and a call still open with two applications, all through the services.
def test_the_demo_has_a_decided_call_with_its_pledge_and_an_open_one(demo):
    decided = OpenCall.objects.get(state=CallState.DECIDED)
    states = sorted(decided.applications.values_list("state", flat=True))
    assert states == [ApplicationState.NOT_SELECTED, ApplicationState.NOT_SELECTED, ApplicationState.SELECTED]
    chosen = decided.applications.get(state=ApplicationState.SELECTED)
    assert chosen.task is not None and chosen.task.task_list == decided.task_list
    assert chosen.task.lead_unit == chosen.unit and chosen.task.due == chosen.committed_due
    pledge = Pledge.objects.get(task=chosen.task)
    assert pledge.signer.unit == chosen.unit and pledge.signed_at.date() < TODAY
    still_open = OpenCall.objects.get(state=CallState.PUBLISHED)
    assert still_open.closes_on > TODAY and still_open.applications.count() == 2
    assert still_open.takes_applications


def test_every_demo_call_and_application_is_audited(demo):
    assert AuditEvent.objects.filter(action="open_call.create").count() == OpenCall.objects.count()
    assert AuditEvent.objects.filter(action="call_application.submit").count() == Application.objects.count()


# The demo city's 督办件 and 领导批示: every state, one overdue, one extended, all through the services.
def test_the_demo_has_items_in_every_state_with_one_overdue_and_one_extended(demo):
    items = SupervisionItem.objects.filter(meeting_decision__isnull=True)  # the meetings' are counted below
    assert 7 <= items.count() <= 10
    assert {i.state for i in items} == set(State.values)
    assert items.overdue_items(TODAY).count() >= 1
    assert items.extended().count() == 1
    assert items.filter(feedbacks__outcome="returned").exists()
    assert items.filter(extensions__decision="pending").exists()
    assert Instruction.objects.filter(task__isnull=False).count() >= 2
    assert items.filter(instruction__isnull=False, source="instruction").exists()
    every = SupervisionItem.objects.order_by("number")
    assert [i.number for i in every] == list(range(1, every.count() + 1))


def test_the_demo_chase_took_the_long_overdue_item_up_the_ladder(demo):
    behind = SupervisionItem.objects.get(title="督促推进城北片区雨污分流改造")
    taken = list(behind.escalations.order_by("at").values_list("step__name", "at"))
    assert [name for name, _ in taken] == ["蓝色督办单", "黄色督办单"]
    assert [core_clock.local(at).date() for _, at in taken] == [
        behind.due + dt.timedelta(days=8),
        behind.due + dt.timedelta(days=15),
    ]
    late_ones = SupervisionItem.objects.overdue_items(TODAY).exclude(state="feedback")
    assert late_ones.count() >= 2
    for item in late_ones:  # every overdue item the unit still owes was told it is late
        assert Notice.objects.filter(kind="supervision_late", url=f"/supervision/{item.pk}/").exists()


def test_every_demo_item_is_audited_from_its_creation(demo):
    created = AuditEvent.objects.filter(action="supervision_item.create").count()
    assert created == SupervisionItem.objects.count()


def test_the_demo_has_three_monthly_assessment_runs_whose_ranks_move(demo):
    system = IndicatorSystem.objects.get()
    runs = list(system.runs.order_by("number"))
    assert [(r.period_start, r.period_end) for r in runs] == [
        (dt.date(2026, 8, 1), dt.date(2026, 8, 31)),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ]
    last = runs[-1].results.all()
    assert {r.category for r in last} == {"county", "department", "park"}
    assert last.filter(rank__isnull=False).count() >= 30  # 8 counties, 25 departments, 3 parks
    assert last.exclude(change=0).exclude(change__isnull=True).exists()  # 进位 and 退位
    for run in runs:  # each run is what its snapshot gives
        assert assessment.digest_of(assessment.rescore(run)) == run.digest
    awarded = {a.unit.name for a in system.awards.all()}
    assert {"青山县", "白沙县"} <= awarded


def test_the_demo_has_last_months_bulletin_published_on_the_latest_run(demo):
    from luoshi.bulletins.models import Bulletin

    bulletin = Bulletin.objects.get()
    run = IndicatorSystem.objects.get().runs.order_by("-number").first()
    assert (bulletin.state, bulletin.run, bulletin.period_end) == ("published", run, dt.date(2026, 10, 31))
    ranking = bulletin.sections.get(kind="ranking")
    assert len(ranking.rows) == run.results.filter(rank__isnull=False).count()
    assert bulletin.sections.get(kind="overview").figures[0]["count"] > 0  # the city's tasks


# The demo city's 调度会: the last meeting's decisions went their ways, and the next one opens with them.
def test_the_next_demo_meeting_opens_with_the_fate_of_the_last_ones_decisions(demo):
    last, upcoming = Meeting.objects.order_by("held_on")
    assert (last.state, upcoming.state, upcoming.previous) == ("closed", "preparing", last)
    assert last.decisions.filter(item__source="meeting").count() == last.decisions.count() == 4
    assert last.letters.count() == 4
    followups = list(upcoming.entries.filter(kind="followup").order_by("order"))
    assert followups == list(upcoming.entries.order_by("order")[: len(followups)])
    assert [e.facts["fate"] for e in followups] == ["overdue", "no_progress", "in_progress", "done"]
    assert [e.unit.name for e in followups] == ["江城区", "云溪县", "东湖区", "临港区"]
    assert AuditEvent.objects.filter(action="meeting.close_minutes").count() == 1


# 督查 and 整改: closed out after verification, one awaiting it, one returned, one overdue up the ladder.
def test_the_demo_inspection_has_rectifications_closed_asked_returned_and_overdue(demo):
    rows = Rectification.objects.filter(finding__inspection__title__startswith="安全生产和消防安全大检查")
    assert rows.filter(state=RectState.CLOSED, close_outs__outcome="verified").count() == 2
    assert rows.filter(state=RectState.REQUESTED).count() == 1
    assert rows.filter(state=RectState.IN_PROGRESS, close_outs__outcome="returned").exists()
    late = rows.overdue(TODAY).get()
    assert late.unit.name == "云溪县" and late.escalations.count() >= 2
    assert Notice.objects.filter(
        kind="rectification_late", url=f"/supervision/rectifications/{late.pk}/"
    ).exists()
    assert AuditEvent.objects.filter(action="rectification.create").count() == Rectification.objects.count()
    # Two offices' inspections on 临港区 in the same week: the calendar's overlap.
    assert Unit.objects.get(name="临港区").inspections.filter(starts__gt=TODAY).count() == 2


# 问责与容错: a commendation, an interview, and an approved exemption on a late item, through the services.
def test_the_demo_has_a_commendation_an_interview_and_an_approved_exemption_on_a_late_item(demo):
    records = AccountabilityRecord.objects.all()
    assert {r.kind for r in records} >= {"commendation", "interview", "exemption"}
    exemption = records.get(kind="exemption")
    assert exemption.state == "approved" and exemption.decided_by.username == "mayor"
    assert exemption.decided_by != exemption.recorded_by and exemption.rule
    item = SupervisionItem.objects.filter(pk=exemption.item_id).for_listing().get()
    assert item.is_late_on(TODAY) and item.is_exempted
    assert AuditEvent.objects.filter(action="accountability_record.create").count() == records.count()


def test_the_demo_cockpit_has_every_figure_and_some_red_coming(demo, client):
    leader = User.objects.filter(role=Role.LEADER, unit__parent__isnull=True).order_by("pk").first()
    client.force_login(leader)
    response = client.get("/cockpit/")
    counts = {c.light: c.count for c in response.context["counts"]}
    assert all(counts[light] > 0 for light in ("red", "yellow", "green", "done"))
    (line, *_others) = response.context["trend"]["series"]
    assert len(line["data"]) >= 6 and len({p["value"][1] for p in line["data"]}) > 1  # the share moves
    assert [r.category for r in response.context["rankings"]] == ["county", "department", "park"]
    assert response.context["likely_red"]  # a trajectory that turns red before its light does
