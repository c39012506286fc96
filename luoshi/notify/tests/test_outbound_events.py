"""Each of the six outbound events is emitted by the service where it happens, once, about the right unit,
to the webhooks over it and to no other."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.bulletins import services as bulletins
from luoshi.bulletins.models import Bulletin, State
from luoshi.dispatch import services as dispatch
from luoshi.dispatch import status
from luoshi.dispatch.models import Report, TaskLight
from luoshi.dispatch.services import ReportData
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep, OutboundDelivery
from luoshi.notify.services import add_outbound_webhook
from luoshi.plans import deliveries
from luoshi.supervision import chasing
from luoshi.supervision.models import State as ItemState
from luoshi.supervision.tests.factory import DUE, drive, make_item
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
WEEK_46 = dt.datetime(2026, 11, 16, 9, tzinfo=TZ)
EVERY = [
    "report.submitted",
    "report.returned",
    "task.red",
    "delivery.accepted",
    "supervision.overdue",
    "bulletin.published",
]


@pytest.fixture
def hooks(city):
    """One webhook over 青山县 and one over 白沙县, each for every event."""
    by = city.city_supervisor
    return {
        "qingshan": add_outbound_webhook(
            unit=city.qingshan, url="https://hooks.example.com/qs", events=EVERY, by=by
        ),
        "baisha": add_outbound_webhook(
            unit=city.baisha, url="https://hooks.example.com/bs", events=EVERY, by=by
        ),
    }


def sent(kind):
    return list(OutboundDelivery.objects.filter(kind=kind).select_related("webhook").order_by("pk"))


def only_to_qingshan(rows, hooks):
    assert rows and {d.webhook_id for d in rows} == {hooks["qingshan"].pk}


@pytest.fixture
def report(city):
    task = make_task(city, title="青山县农村公路提档", start=dt.date(2026, 1, 1), due=dt.date(2026, 12, 31))
    cycle = dispatch.open_cycle(cadence=make_weekly_cadence(city), number=46, now=WEEK_46)
    return Report.objects.get(cycle=cycle, task=task)


def test_a_submitted_and_then_returned_report(city, hooks, report):
    submitted = dispatch.submit_report(
        report=report, by=city.county_liaison, data=ReportData(percent=40, progress="主体施工"),
        expected_version=report.version, idempotency_key="hooks-1",
    )  # fmt: skip
    [delivery] = sent("report.submitted")
    only_to_qingshan([delivery], hooks)
    data = delivery.payload["data"]
    assert data["report"] == report.pk and data["task"]["title"] == "青山县农村公路提档"
    assert data["state"] == submitted.state and data["url"] == f"/reports/{report.pk}/"
    assert delivery.payload["unit"] == {"id": city.qingshan.pk, "name": city.qingshan.name}

    dispatch.return_report(report=submitted, by=city.city_supervisor, comment="请补充现场照片")
    [returned] = sent("report.returned")
    only_to_qingshan([returned], hooks)
    assert returned.payload["data"]["state"] == "returned" and returned.event_id != delivery.event_id
    assert "请补充现场照片" not in str(returned.payload)  # small payloads: ids, titles, the state, a path


def test_a_task_turning_red(city, clock, hooks):
    task = make_task(
        city, title="青山县工业园区标准化厂房", start=dt.date(2026, 12, 1), due=dt.date(2026, 12, 31)
    )
    light = TaskLight.objects.get(task=task).light
    assert light != "red" and sent("task.red") == []
    clock.set(
        dt.date(2027, 1, 6)
    )  # the deadline has passed, nothing reported: the nightly sweep turns it red
    status.sweep(today=clock.today())
    assert TaskLight.objects.get(task=task).light == "red"
    [delivery] = sent("task.red")
    only_to_qingshan([delivery], hooks)
    assert delivery.payload["data"]["task"] == {"id": task.pk, "code": task.code, "title": task.title}
    assert delivery.payload["data"]["state"] == "red"
    status.sweep(today=clock.today())  # still red: not told again
    assert len(sent("task.red")) == 1


def test_a_delivery_accepted(city, clock, hooks):
    task = make_task(city, start=dt.date(2026, 1, 1), due=dt.date(2026, 10, 31))
    declared = deliveries.submit_delivery(task=task, by=city.county_liaison, statement="厂房已建成投用")
    assert sent("delivery.accepted") == []
    deliveries.accept_delivery(delivery=declared, by=city.city_supervisor)
    [delivery] = sent("delivery.accepted")
    only_to_qingshan([delivery], hooks)
    assert delivery.payload["data"]["delivery"] == declared.pk
    assert delivery.payload["data"]["state"] == "accepted"


def test_a_supervision_item_overdue(city, clock, hooks):
    install_default_ladder(EscalationStep)
    item = drive(city, make_item(city), ItemState.SIGNED)
    clock.set(DUE)
    chasing.chase_items(now=clock.now())
    assert sent("supervision.overdue") == []  # due today: not yet late
    clock.set(DUE + dt.timedelta(days=1))
    chasing.chase_items(now=clock.now())
    chasing.chase_items(now=clock.now())  # a second run tells nobody twice
    [delivery] = sent("supervision.overdue")
    only_to_qingshan([delivery], hooks)
    assert delivery.payload["data"]["item"]["id"] == item.pk and delivery.payload["data"]["due"] == str(DUE)


def test_a_bulletin_published(city, clock, hooks):
    bulletin = Bulletin.objects.create(
        title="关于青山县重点任务落实情况的通报", issuer=city.city, scope=city.qingshan,
        number="临督通〔2026〕9号",
        period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), state=State.READY,
        created_by=city.city_supervisor,
    )  # fmt: skip
    bulletins.publish(bulletin=bulletin, by=city.city_supervisor)
    [delivery] = sent("bulletin.published")
    only_to_qingshan([delivery], hooks)
    assert delivery.payload["data"]["bulletin"]["number"] == "临督通〔2026〕9号"
    assert delivery.payload["data"]["url"] == bulletin.get_absolute_url()
