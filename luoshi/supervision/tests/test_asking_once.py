"""最多报一次: a unit is asked a thing once. An item on a task shows what the unit already reported; an office
about to ask a unit again what an open item asks sees that item first."""

from __future__ import annotations

from django.urls import reverse

from luoshi.dispatch import services as dispatch
from luoshi.dispatch.models import Report
from luoshi.dispatch.services import ReportData
from luoshi.supervision.models import SupervisionItem
from luoshi.supervision.tests.factory import DUE, make_item
from luoshi.testing import make_task, make_weekly_cadence


def test_an_item_on_a_task_shows_what_the_unit_already_reported_instead_of_asking_again(city, clock, client):
    task = make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    cycle = dispatch.open_cycle(cadence=make_weekly_cadence(city), number=47, now=clock.now())
    report = Report.objects.get(task=task, cycle=cycle)
    dispatch.submit_report(
        report=report,
        by=city.county_liaison,
        data=ReportData(percent=60, progress="3号厂房主体封顶，4号厂房完成基础施工"),
        expected_version=1,
        idempotency_key="qs-47",
    )
    on_task = make_item(city, task=task, source="instruction")
    elsewhere = make_item(city)
    client.force_login(city.city_supervisor)
    page = client.get(reverse("supervision:item_detail", args=[on_task.pk])).content.decode()
    assert page.count('data-testid="latest-report"') == 1
    assert "3号厂房主体封顶" in page
    assert (
        'data-testid="latest-reports"'
        not in client.get(reverse("supervision:item_detail", args=[elsewhere.pk])).content.decode()
    )
    client.force_login(city.outsider)  # outside 青山县: neither the item nor the task's reports
    assert client.get(reverse("supervision:item_detail", args=[on_task.pk])).status_code == 404


def _post(city, **changes):
    return {
        "title": "督促解决园区企业用电报装难问题",
        "content": "请于时限内完成排查。",
        "source": "other",
        "urgency": "ordinary",
        "due": DUE.isoformat(),
        "lead_unit": city.qingshan.pk,
        **changes,
    }


def test_asking_a_unit_again_shows_the_open_item_first_and_issues_only_when_confirmed(city, clock, client):
    first = make_item(city)  # open, led by 青山县, the same title
    client.force_login(city.city_supervisor)
    url = reverse("supervision:item_create")
    page = client.post(url, _post(city))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="asking-again"' in body
    assert first.code in body
    assert 'name="asking_again" value="on"' in body  # the form comes back ready to issue anyway
    assert SupervisionItem.objects.count() == 1  # nothing written yet
    done = client.post(url, _post(city, asking_again="on"))
    assert done.status_code == 302
    assert SupervisionItem.objects.count() == 2


def test_a_different_unit_or_subject_or_a_closed_item_is_not_asking_again(city, clock, client):
    make_item(city)
    client.force_login(city.city_supervisor)
    url = reverse("supervision:item_create")
    other_unit = client.post(url, _post(city, lead_unit=city.fgw.pk))
    assert other_unit.status_code == 302
    other_title = client.post(url, _post(city, title="督促落实园区道路亮化工程"))
    assert other_title.status_code == 302
    assert SupervisionItem.objects.count() == 3


def test_an_item_on_the_same_task_is_asking_again_whatever_its_title(city, clock, client):
    task = make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    make_item(city, task=task, title="督促加快厂房建设进度")
    client.force_login(city.city_supervisor)
    page = client.post(reverse("supervision:item_create"), _post(city, task=task.pk, title="厂房建设再督办"))
    assert 'data-testid="asking-again"' in page.content.decode()
    assert SupervisionItem.objects.count() == 1
