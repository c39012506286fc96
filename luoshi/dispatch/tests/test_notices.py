"""Everyone hears what concerns them, once: worded in the reader's language, never twice for one event."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import jobs, reminders, services
from luoshi.dispatch.models import Escalation, Report
from luoshi.dispatch.services import ReportData
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep, Notice
from luoshi.notify.services import add_webhook
from luoshi.testing import make_task, make_weekly_cadence

pytestmark = pytest.mark.usefixtures("huey_inline", "loopback_robots")
TZ = dt.timezone(dt.timedelta(hours=8))
AFTER_DUE = dt.datetime(2026, 11, 20, 18, tzinfo=TZ)  # week 46 is due Friday 17:00, grace 30 minutes


@pytest.fixture(autouse=True)
def ladder(db):
    install_default_ladder(EscalationStep)


@pytest.fixture
def week(city, clock):
    """Week 46 of the economy list: 青山县's report unsent, 白沙县's sent on Wednesday."""
    city.county_liaison.email = "qs@example.gov.cn"
    city.county_liaison.save()
    task = make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    baisha_task = make_task(city, title="白沙县农村公路提档升级", lead_unit=city.baisha)
    cadence = make_weekly_cadence(city, grace_minutes=30)
    cycle = services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))
    send(Report.objects.get(task=baisha_task, cycle=cycle), city.outsider, key="bs")
    return task, cycle


def send(report, by, key, percent=50):
    """Submit, and let the submission commit: its notices go out once it has."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.submit_report(
            report=report,
            by=by,
            data=ReportData(percent=percent, progress="路基完成"),
            expected_version=report.version,
            idempotency_key=key,
        )


def notices(user, kind):
    return list(Notice.objects.filter(recipient=user, kind=kind))


def test_a_notice_is_worded_in_the_language_of_whoever_reads_it(city, week):
    reminders.mark_late(now=AFTER_DUE)
    [notice] = notices(city.county_liaison, "report_late")
    with translation.override("en"):
        title, body = notice.words()
    assert title == "1 progress report overdue"
    assert "推进青山县工业园区标准化厂房建设" in body  # the task is data: shown as written
    with translation.override("zh-hans"):
        assert notice.words()[0] == "1项进展报告已逾期"
    assert notice.params["n"] == 1
    assert notice.title == "1项进展报告已逾期"  # the office's words, kept for the log


def test_a_notice_stored_before_notices_had_parameters_keeps_its_words(city):
    old = Notice.objects.create(recipient=city.county_liaison, kind="report_late", title="1项进展报告已逾期")
    with translation.override("en"):
        assert old.words() == ("1项进展报告已逾期", "")


def test_e_mail_goes_out_in_the_offices_language_whatever_the_senders(
    city, week, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        reminders.mark_late(now=AFTER_DUE)
    assert [m.subject for m in mailoutbox] == ["1项进展报告已逾期"]


def test_a_sent_report_tells_the_office_that_reviews_it_once(city, week):
    task, cycle = week
    report = Report.objects.get(task=task, cycle=cycle)
    sent = send(report, city.county_liaison, key="qs-1")
    assert Notice.objects.filter(recipient=city.city_supervisor, url=f"/reports/{report.pk}/").exists()
    send(report, city.county_liaison, key="qs-1")  # the same submission again: answered, not re-sent
    services._tell_supervisors(sent, by=city.county_liaison)  # the event told again: nobody hears twice
    [notice] = Notice.objects.filter(recipient=city.city_supervisor, url=f"/reports/{report.pk}/")
    assert notice.kind == "report_submitted" and notice.url == f"/reports/{report.pk}/"
    with translation.override("en"):
        assert notice.words()[0] == f"Report waiting for your review: {task}"
    # The county office did not issue the task and cannot review it; the units are not told.
    assert not Notice.objects.filter(url=f"/reports/{report.pk}/").exclude(recipient=city.city_supervisor)


def test_the_office_is_told_in_the_submissions_own_commit(city, week):
    # One transaction per submit: the notice is written before the commit, not by a second transaction after
    # it, and e-mail and robots wait for the commit (a job is queued when someone has an address to write to).
    task, cycle = week
    city.city_supervisor.email = "office@example.gov.cn"
    city.city_supervisor.save(update_fields=["email"])
    report = Report.objects.get(task=task, cycle=cycle)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        sent = services.submit_report(
            report=report,
            by=city.county_liaison,
            data=ReportData(percent=50, progress="路基完成"),
            expected_version=report.version,
            idempotency_key="qs-one-commit",
        )
        [notice] = Notice.objects.filter(url=f"/reports/{report.pk}/")
        assert notice.recipient == city.city_supervisor
        assert AuditEvent.objects.filter(action="notify.send", object_id=str(notice.pk)).exists()
    assert sent.state == "submitted"
    assert any(c.__qualname__.startswith("notify.") for c in callbacks)  # its e-mail and robots


def test_a_notice_that_cannot_be_written_leaves_the_submission_acknowledged(city, week, monkeypatch):
    task, cycle = week
    report = Report.objects.get(task=task, cycle=cycle)

    def broken(*args, **kwargs):
        raise RuntimeError("the notice table is unwell")

    monkeypatch.setattr(services, "notify", broken)
    sent = send(report, city.county_liaison, key="qs-broken")
    assert Report.objects.get(pk=report.pk).state == sent.state == "submitted"
    assert report.submissions.get().idempotency_key == "qs-broken"
    assert AuditEvent.objects.filter(action="report.submit", object_id=str(report.pk)).exists()
    assert not Notice.objects.filter(url=f"/reports/{report.pk}/").exists()


def test_a_report_waiting_for_approval_tells_the_unit_head_and_then_the_office(city, clock):
    task = make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    cadence = make_weekly_cadence(city, needs_head_approval=True)
    cycle = services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))
    report = send(Report.objects.get(task=task, cycle=cycle), city.county_liaison, key="qs-1")
    [notice] = notices(city.county_head, "report_awaiting_approval")
    assert notice.params["person"] == "county_liaison"
    assert not notices(city.city_supervisor, "report_submitted")  # not the office's yet
    services.approve_report(report=report, by=city.county_head)
    assert len(notices(city.city_supervisor, "report_submitted")) == 1


def test_the_tick_sends_each_office_one_digest_per_cycle_of_who_has_not_reported(city, week, clock):
    task, cycle = week
    county_task = make_task(
        city, by=city.county_supervisor, parent=task, title="青山镇厂房", lead_unit=city.qingshan_town
    )
    Report.objects.get_or_create(
        task=county_task, cycle=cycle, defaults={"unit": city.qingshan_town, "due_at": cycle.due_at}
    )
    clock.set(AFTER_DUE)
    first = jobs.run_tick()
    second = jobs.run_tick()
    assert (first["digests"], second["digests"]) == (1, 0)
    [city_digest] = notices(city.city_supervisor, "cycle_digest")
    [county_digest] = notices(city.county_supervisor, "cycle_digest")
    with translation.override("en"):
        title, body = city_digest.words()
    assert title == "2 units have not reported for 一周一调度, cycle 46"
    assert body.splitlines() == ["· 青山县（1）", "· 青山镇（1）"]  # 白沙县 reported
    assert county_digest.params["items"] == ["· 青山镇（1）"]  # the county office hears of what it issued
    assert not Notice.objects.filter(kind="cycle_digest").exclude(
        recipient__in=[city.city_supervisor, city.county_supervisor]
    )


def test_the_digest_waits_for_the_due_time_and_its_grace(city, week, clock):
    clock.set(dt.datetime(2026, 11, 20, 17, 20, tzinfo=TZ))
    assert jobs.run_tick()["digests"] == 0
    assert not Notice.objects.filter(kind="cycle_digest").exists()


def test_leaders_hear_of_escalations_in_their_scope_once(city, week):
    task, cycle = week
    for number, friday in ((46, 20), (47, 27)):
        if number == 47:
            services.open_cycle(cadence=cycle.cadence, number=47, now=dt.datetime(2026, 11, 23, tzinfo=TZ))
        reminders.mark_late(now=dt.datetime(2026, 11, friday, 18, tzinfo=TZ))
        reminders.mark_late(now=dt.datetime(2026, 11, friday, 19, tzinfo=TZ))
    escalation = Escalation.objects.get(task=task)
    [notice] = notices(city.leader, "escalation")  # 蓝色督办单 names no leader, yet the city's hears
    assert notice.key == f"escalation:{escalation.pk}"
    with translation.override("en"):
        assert notice.words() == (f"蓝色督办单: {task}", "2 progress reports in a row are late.")
    assert len(notices(city.county_liaison, "escalation")) == 1


def test_a_chase_reminds_each_unit_at_most_once_an_hour(
    city, week, clock, mailoutbox, receiver, django_capture_on_commit_callbacks
):
    task, cycle = week
    add_webhook(unit=city.qingshan, platform="dingtalk", url=receiver.url("/ding"), by=city.city_supervisor)
    first_at = clock.now()
    with django_capture_on_commit_callbacks(execute=True):
        done = reminders.chase_cycle(cycle=cycle, by=city.city_supervisor)
    assert (done.reminded, done.skipped) == ([city.qingshan], [])  # 白沙县 has reported
    assert [m.to for m in mailoutbox] == [["qs@example.gov.cn"]]
    assert "推进青山县工业园区标准化厂房建设" in receiver.to("/ding")[0].body["markdown"]["text"]
    assert {n.recipient for n in Notice.objects.filter(kind="report_chase")} == {
        city.county_liaison,
        city.county_head,
    }

    clock.advance(minutes=59)
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders.chase_cycle(cycle=cycle, by=city.admin)
    assert (again.reminded, again.skipped) == ([], [city.qingshan])
    assert again.next_at == first_at + dt.timedelta(hours=1)
    assert len(mailoutbox) == 1

    clock.advance(minutes=2)
    assert reminders.chase_cycle(cycle=cycle, by=city.city_supervisor).reminded == [city.qingshan]
    events = AuditEvent.objects.filter(action="cycle.chase", object_id=str(cycle.pk)).order_by("pk")
    assert [e.after["skipped"] for e in events] == [[], [city.qingshan.pk], []]
    assert events[0].actor_name == city.city_supervisor.username


def test_only_an_office_that_reviews_the_cycle_may_chase_it(city, week, client):
    task, cycle = week
    with pytest.raises(PermissionDenied):
        reminders.chase_cycle(cycle=cycle, by=city.county_liaison)
    client.force_login(city.county_liaison)
    assert 'data-testid="chase"' not in client.get(f"/cycles/{cycle.pk}/").text
    assert client.post(f"/cycles/{cycle.pk}/chase/").status_code == 403
    assert not Notice.objects.filter(kind="report_chase").exists()
    client.force_login(city.city_supervisor)
    assert 'data-testid="chase"' in client.get(f"/cycles/{cycle.pk}/").text
    response = client.post(f"/cycles/{cycle.pk}/chase/", follow=True)
    assert "1" in response.text and Notice.objects.filter(kind="report_chase").count() == 2
    response = client.post(f"/cycles/{cycle.pk}/chase/", follow=True)
    assert "11:00" in response.text  # skipped: it may be reminded again from 11:00


def test_the_register_of_supervision_notices_shows_each_office_its_own(city, week, client):
    task, cycle = week
    baisha_task = Report.objects.exclude(task=task).get(cycle=cycle).task
    blue, yellow = EscalationStep.objects.order_by("order")[:2]
    Escalation.objects.create(task=task, step=blue, cycle=cycle, created_at=AFTER_DUE)
    Escalation.objects.create(task=baisha_task, step=yellow, cycle=cycle, created_at=AFTER_DUE)

    def register(user):
        client.force_login(user)
        response = client.get("/escalations/")
        assert response.status_code == 200
        return [t for t in (task.title, baisha_task.title) if t in response.text]

    assert register(city.city_supervisor) == [task.title, baisha_task.title]
    assert register(city.county_supervisor) == [task.title]
    assert register(city.outsider) == [baisha_task.title]
    assert register(city.department_liaison) == []


def test_a_supervision_notice_is_answered_once_the_unit_reports_after_it(city, week, client, clock):
    task, cycle = week
    blue = EscalationStep.objects.order_by("order").first()
    Escalation.objects.create(task=task, step=blue, cycle=cycle, created_at=clock.now())
    client.force_login(city.city_supervisor)
    page = client.get("/escalations/").text
    assert 'data-testid="escalation-state"><span class="badge text-bg-danger">' in page
    clock.advance(minutes=5)
    send(Report.objects.get(task=task, cycle=cycle), city.county_liaison, key="qs-1")
    page = client.get("/escalations/").text
    assert 'data-testid="escalation-state"><span class="badge text-bg-info">' in page
