"""Review controls appear only to those who may use them: each page shows accept, return, approve and
confirm by the very policy check its POST makes, so no persona sees a button that answers 403."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import services
from luoshi.dispatch.models import Report, ReportState
from luoshi.dispatch.services import ReportData
from luoshi.plans.models import Milestone
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
PERSONAS = (
    "city_supervisor", "county_supervisor", "county_liaison", "county_head", "township_liaison",
    "other_township_liaison", "outsider", "department_liaison", "leader", "admin",
)  # fmt: skip


class Undone(Exception):
    """Raised to roll a trial POST back, carrying its status."""


@pytest.fixture
def week(city):
    """Week 46 with two sent reports: the city's task led by 青山县, and 青山县's share handed to 青山镇."""
    city_task = make_task(
        city,
        title="青山县工业园区标准化厂房建设",
        lead_unit=city.qingshan,
        milestones=[MilestoneSpec("完成主体工程", dt.date(2026, 6, 30), 60)],
    )
    make_task(
        city,
        by=city.county_supervisor,
        parent=city_task,
        lead_unit=city.qingshan_town,
        title="青山镇片区厂房",
    )
    cycle = services.open_cycle(
        cadence=make_weekly_cadence(city), number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ)
    )
    for report in Report.objects.filter(cycle=cycle).select_related("unit"):
        writer = city.county_liaison if report.unit == city.qingshan else city.township_liaison
        services.submit_report(
            report=report,
            by=writer,
            data=ReportData(percent=60, progress="主体完工"),
            expected_version=report.version,
            idempotency_key=f"key-{report.pk}",
        )
    return cycle


def trial_post(client, url, data=None):
    """The status a POST answers with, its writes undone."""
    try:
        with transaction.atomic():
            raise Undone(client.post(url, data or {}).status_code)
    except Undone as done:
        return done.args[0]


def signed_in(client, city, name):
    client.force_login(getattr(city, name))
    return client


def test_a_county_liaison_on_the_city_cycle_sees_no_review_controls(client, city, week):
    signed_in(client, city, "county_liaison")
    page = client.get(reverse("dispatch:cycle_detail", args=[week.pk])).content.decode()
    assert "青山县工业园区标准化厂房建设" in page
    assert reverse("dispatch:cycle_accept", args=[week.pk]) not in page
    assert 'name="report"' not in page and "data-select-all" not in page
    report = Report.objects.get(cycle=week, unit=city.qingshan)
    page = client.get(reverse("dispatch:report_detail", args=[report.pk])).content.decode()
    assert reverse("dispatch:report_accept", args=[report.pk]) not in page
    assert reverse("dispatch:report_return", args=[report.pk]) not in page
    # and what it was not shown, it could not have done
    assert (
        trial_post(client, reverse("dispatch:cycle_accept", args=[week.pk]), {"report": [report.pk]}) == 403
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_cycle_page_offers_to_accept_exactly_what_the_persona_may_accept(client, city, week, persona):
    signed_in(client, city, persona)
    response = client.get(reverse("dispatch:cycle_detail", args=[week.pk]))
    if response.status_code == 404:
        return
    offered = {
        r.pk
        for r in response.context["reports"]
        if f'name="report" value="{r.pk}"' in response.content.decode()
    }
    accept_url = reverse("dispatch:cycle_accept", args=[week.pk])
    for report in response.context["reports"]:
        status = trial_post(client, accept_url, {"report": [report.pk]})
        assert (status == 302) == (report.pk in offered), (persona, report.unit.name, status)
    assert (accept_url in response.content.decode()) == bool(offered)


# Who sees each control of the report page, by persona: the office that issued the task reviews the report
# sent to it; the unit head approves (or sends back) the one awaiting approval.
SHOWN = {
    ("city_supervisor", "sent"): {"accept", "return"},
    ("admin", "sent"): {"accept", "return"},
    ("county_supervisor", "sent"): {"accept", "return"},  # 青山县 handed this share down to 青山镇
    ("county_head", "awaiting"): {"approve", "return"},
}
CONTROLS = {  # name: (what marks it on the page, where it posts, what a user of it sends)
    "accept": ('data-testid="review"', "dispatch:report_accept", {}),
    "approve": ('data-testid="approval"', "dispatch:report_approve", {}),
    "return": (None, "dispatch:report_return", {"comment": "请补充数据"}),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_report_page_shows_review_and_approval_only_to_who_may_use_them(client, city, week, persona):
    week.cadence.needs_head_approval = True
    week.cadence.save()
    awaiting = Report.objects.get(cycle=week, unit=city.qingshan)
    services.return_report(report=awaiting, by=city.city_supervisor, comment="请补充数据")
    awaiting.refresh_from_db()
    services.submit_report(
        report=awaiting,
        by=city.county_liaison,
        data=ReportData(percent=65, progress="主体完工，补充数据"),
        expected_version=awaiting.version,
        idempotency_key="again",
    )
    assert Report.objects.get(pk=awaiting.pk).state == ReportState.AWAITING_APPROVAL
    reports = {"awaiting": awaiting, "sent": Report.objects.get(cycle=week, unit=city.qingshan_town)}
    signed_in(client, city, persona)
    for which, report in reports.items():
        response = client.get(reverse("dispatch:report_detail", args=[report.pk]))
        if response.status_code == 404:
            continue
        page = response.content.decode()
        shown = set()
        for name, (mark, url_name, data) in CONTROLS.items():
            url = reverse(url_name, args=[report.pk])
            if (mark or url) in page:
                shown.add(name)
                assert trial_post(client, url, data) == 302, (persona, which, name)
        assert shown == SHOWN.get((persona, which), set()), (persona, which)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_task_page_offers_to_confirm_a_milestone_only_to_who_may(client, city, week, persona):
    milestone = Milestone.objects.get(title="完成主体工程")
    signed_in(client, city, persona)
    response = client.get(reverse("plans:task_detail", args=[milestone.task_id]))
    if response.status_code == 404:
        return
    url = reverse("plans:milestone_confirm", args=[milestone.pk])
    shown = url in response.content.decode()
    assert shown == (trial_post(client, url) == 302), persona


def test_accepting_with_nothing_ticked_says_so_and_writes_nothing(client, city, week):
    signed_in(client, city, "city_supervisor").cookies["django_language"] = "en"
    events = AuditEvent.objects.count()
    response = client.post(reverse("dispatch:cycle_accept", args=[week.pk]), follow=True)
    assert response.redirect_chain == [(reverse("dispatch:cycle_detail", args=[week.pk]), 302)]
    [message] = response.context["messages"]
    assert message.level_tag == "warning" and str(message).startswith("Nothing is selected")
    assert AuditEvent.objects.count() == events
    assert not Report.objects.filter(cycle=week, state=ReportState.ACCEPTED).exists()
    page = client.get(reverse("dispatch:cycle_detail", args=[week.pk])).content.decode()
    assert "data-select-all" in page and "data-nothing-selected" in page
