"""notify() → after commit → the job e-mails people and posts to the units' robots, over real local HTTP."""

import base64
import datetime as dt
import hashlib
import hmac
import urllib.parse

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from luoshi.notify.models import Delivery
from luoshi.notify.services import add_webhook, notify, update_webhook

SECRET = "SECf00dfeed"

pytestmark = pytest.mark.usefixtures("huey_inline", "loopback_robots")


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def people(city):
    city.county_liaison.email = "qs@example.gov.cn"
    city.county_liaison.save()
    city.county_head.email = "head@example.gov.cn"
    city.county_head.save()
    return [city.county_liaison, city.county_head, city.township_liaison]  # the last one has no address


def send(city, people, **kwargs):
    fields = {
        "recipients": people,
        "kind": "report_due",
        "title": "第12期进展报告将于明天截止",
        "body": "请于5月20日18:00前报送。",
        "url": "/tasks/7/",
        "units": [city.qingshan],
        "by": city.city_supervisor,
        **kwargs,
    }
    return notify(**fields)


def test_people_with_an_address_get_one_email_each(
    city, people, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://luoshi.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        send(city, people)
    assert sorted(m.to[0] for m in mailoutbox) == ["head@example.gov.cn", "qs@example.gov.cn"]
    message = mailoutbox[0]
    assert message.subject == "第12期进展报告将于明天截止"
    assert "请于5月20日18:00前报送。" in message.body
    assert "https://luoshi.example.gov.cn/tasks/7/" in message.body
    emails = Delivery.objects.filter(channel="email")
    assert sorted(emails.values_list("target", "status", "kind")) == [
        ("head@example.gov.cn", "sent", "report_due"),
        ("qs@example.gov.cn", "sent", "report_due"),
    ]
    assert all(d.sent_at and d.notice.recipient.email == d.target for d in emails)


def test_nothing_is_sent_before_the_callers_transaction_commits(
    city, people, mailoutbox, receiver, django_capture_on_commit_callbacks
):
    add_webhook(unit=city.qingshan, platform="wecom", url=receiver.url("/wecom"), by=city.city_supervisor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(city, people)
    # The one delivery, besides the audit trail's seal of the events the send recorded.
    assert [c.__module__ for c in callbacks].count("luoshi.notify.services") == 1
    assert mailoutbox == [] and receiver.requests == [] and not Delivery.objects.exists()


def test_a_job_is_queued_only_when_there_is_something_to_send(
    city, people, mailoutbox, django_capture_on_commit_callbacks
):
    # No address among the recipients and no unit's robots: the notices are written, and no job is queued.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (notice,) = send(city, [city.township_liaison], units=[], key="k:1")
    assert [c.__module__ for c in callbacks].count("luoshi.notify.services") == 0
    assert notice.recipient == city.township_liaison and mailoutbox == []
    # One recipient with an address is enough for the job, and the e-mail goes to them.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send(city, [city.township_liaison, city.county_liaison], units=[], key="k:2")
    assert [c.__module__ for c in callbacks].count("luoshi.notify.services") == 1
    assert [m.to for m in mailoutbox] == [["qs@example.gov.cn"]]
    # And so is a unit (its robots), whoever the recipients.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(city, [city.township_liaison], key="k:3")
    assert [c.__module__ for c in callbacks].count("luoshi.notify.services") == 1


def test_every_active_robot_of_the_named_units_gets_its_platforms_message(
    city, people, receiver, clock, django_capture_on_commit_callbacks
):
    now = clock.set(dt.datetime(2026, 1, 1, 0, 0, 0, 250_000, tzinfo=dt.UTC)).timestamp()
    add_webhook(
        unit=city.qingshan,
        platform="dingtalk",
        url=receiver.url("/ding?access_token=t1"),
        secret=SECRET,
        by=city.city_supervisor,
    )
    add_webhook(
        unit=city.qingshan, platform="wecom", url=receiver.url("/wecom?key=k1"), by=city.city_supervisor
    )
    add_webhook(
        unit=city.qingshan,
        platform="feishu",
        url=receiver.url("/feishu"),
        secret=SECRET,
        by=city.city_supervisor,
    )
    off = add_webhook(unit=city.qingshan, platform="wecom", url=receiver.url("/off"), by=city.city_supervisor)
    update_webhook(endpoint=off, is_active=False, by=city.city_supervisor)
    add_webhook(unit=city.baisha, platform="wecom", url=receiver.url("/baisha"), by=city.city_supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        send(city, people)

    assert sorted(urllib.parse.urlsplit(r.path).path for r in receiver.requests) == [
        "/ding",
        "/feishu",
        "/wecom",
    ]
    assert {r.content_type for r in receiver.requests} == {"application/json; charset=utf-8"}

    (ding,) = receiver.to("/ding")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(ding.path).query)
    ms = str(int(now * 1000))
    expected = hmac.new(SECRET.encode(), f"{ms}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert query["access_token"] == ["t1"] and query["timestamp"] == [ms]
    assert base64.b64decode(query["sign"][0]) == expected
    assert ding.body == {
        "msgtype": "markdown",
        "markdown": {
            "title": "第12期进展报告将于明天截止",
            "text": "#### [第12期进展报告将于明天截止](/tasks/7/)\n\n请于5月20日18:00前报送。",
        },
    }

    (wecom,) = receiver.to("/wecom")
    assert wecom.body == {
        "msgtype": "markdown",
        "markdown": {"content": "**[第12期进展报告将于明天截止](/tasks/7/)**\n请于5月20日18:00前报送。"},
    }

    (feishu,) = receiver.to("/feishu")
    seconds = str(int(now))
    expected = hmac.new(f"{seconds}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert feishu.body["timestamp"] == seconds
    assert base64.b64decode(feishu.body["sign"]) == expected
    assert feishu.body["msg_type"] == "text"
    assert feishu.body["content"] == {
        "text": "第12期进展报告将于明天截止\n请于5月20日18:00前报送。\n/tasks/7/"
    }

    robots = Delivery.objects.filter(channel="webhook")
    assert robots.count() == 3 and set(robots.values_list("status", flat=True)) == {"sent"}


def test_a_failing_robot_is_logged_and_the_others_still_get_the_message(
    city, people, receiver, closed_port, mailoutbox, django_capture_on_commit_callbacks
):
    gone = add_webhook(
        unit=city.qingshan, platform="wecom", url=f"http://127.0.0.1:{closed_port}/x", by=city.city_supervisor
    )
    refusing = add_webhook(
        unit=city.qingshan, platform="dingtalk", url=receiver.url("/refuse"), by=city.city_supervisor
    )
    broken = add_webhook(
        unit=city.qingshan, platform="feishu", url=receiver.url("/broken"), by=city.city_supervisor
    )
    good = add_webhook(
        unit=city.qingshan, platform="feishu", url=receiver.url("/good"), by=city.city_supervisor
    )
    receiver.answers["/refuse"] = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    receiver.answers["/broken"] = (502, {"error": "bad gateway"})
    with django_capture_on_commit_callbacks(execute=True):
        send(city, people)

    log = {int(d.target): d for d in Delivery.objects.filter(channel="webhook")}
    assert log[good.pk].status == "sent" and len(receiver.to("/good")) == 1
    assert log[gone.pk].status == "failed" and log[gone.pk].attempts == 2
    assert "refused" in log[gone.pk].error.lower()
    assert log[refusing.pk].status == "failed" and log[refusing.pk].attempts == 1
    assert "310000" in log[refusing.pk].error and "keywords" in log[refusing.pk].error
    assert log[broken.pk].status == "failed" and log[broken.pk].attempts == 2
    assert len(receiver.to("/broken")) == 2
    assert len(mailoutbox) == 2


def test_a_mail_server_failure_is_logged_and_the_robots_still_get_the_message(
    city, people, receiver, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    add_webhook(unit=city.qingshan, platform="wecom", url=receiver.url("/wecom"), by=city.city_supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        send(city, people)
    emails = Delivery.objects.filter(channel="email")
    assert emails.count() == 2
    assert set(emails.values_list("status", flat=True)) == {"failed"}
    assert "mail server down" in emails.first().error
    assert len(receiver.to("/wecom")) == 1
