"""Outbound event webhooks: a real receiver on 127.0.0.1 checks every signature, sees retries after its
failures and a replay from the log; a subscription hears only of its unit's subtree; bad addresses are
refused with a field error; the six events are emitted by the services where they happen."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.notify import outbound
from luoshi.notify.models import OutboundDelivery, OutboundWebhook
from luoshi.notify.services import (
    add_outbound_webhook,
    delete_outbound_webhook,
    replay_outbound_delivery,
    set_outbound_webhook_active,
)

pytestmark = pytest.mark.urls("luoshi.notify.tests.urls")

ALL = [
    "report.submitted",
    "report.returned",
    "task.red",
    "delivery.accepted",
    "supervision.overdue",
    "bulletin.published",
]


def verify(secret, request):
    """What the README tells a receiver to do, word for word."""
    timestamp = request.headers["X-Luoshi-Timestamp"]
    expected = (
        "sha256="
        + hmac.new(secret.encode(), timestamp.encode() + b"." + request.raw, hashlib.sha256).hexdigest()
    )
    return hmac.compare_digest(expected, request.headers["X-Luoshi-Signature"])


@pytest.fixture
def hook(city, hook_receiver, loopback_hooks):
    return add_outbound_webhook(
        unit=city.qingshan, url=hook_receiver.url(), events=ALL, by=city.city_supervisor
    )


@pytest.fixture
def fire(city, huey_inline, django_capture_on_commit_callbacks):
    """Emit an event as a service does, and let the job's first try run once it commits."""

    def emit(unit=None, kind="report.submitted", **data):
        with django_capture_on_commit_callbacks(execute=True):
            return outbound.emit(kind, unit=unit or city.qingshan_town, data={"report": 1, **data})

    return emit


def test_a_delivery_is_signed_with_the_secret_and_the_timestamp_and_carries_the_event(
    city, clock, hook, hook_receiver, fire
):
    [delivery] = fire(title="推进重点项目建设")
    [got] = hook_receiver.requests
    assert verify(hook.secret, got)
    assert not verify(hook.secret + "x", got)
    assert got.headers["X-Luoshi-Event"] == "report.submitted"
    assert got.headers["X-Luoshi-Delivery"] == str(delivery.event_id)
    assert got.headers["X-Luoshi-Timestamp"] == str(int(clock.now().timestamp()))
    assert got.headers["Content-Type"].startswith("application/json")
    assert got.body == {
        "id": str(delivery.event_id),
        "event": "report.submitted",
        "occurred_at": clock.now().isoformat(),
        "unit": {"id": city.qingshan_town.pk, "name": city.qingshan_town.name},
        "data": {"report": 1, "title": "推进重点项目建设"},
    }
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 204)
    assert delivery.delivered_at == clock.now()


def test_the_secret_is_made_by_the_server_and_only_its_fingerprint_is_audited(city, hook):
    assert hook.secret.startswith("whsec_") and len(hook.secret) > 40
    other = add_outbound_webhook(
        unit=city.qingshan, url="https://hooks.example.com/x", events=["task.red"], by=city.city_supervisor
    )
    assert other.secret != hook.secret
    event = AuditEvent.objects.get(action="outbound_webhook.create", object_id=str(hook.pk))
    assert hook.secret not in json.dumps(event.after) and event.after["secret"].startswith("#")


def test_after_failures_the_delivery_is_retried_with_backoff_and_then_delivered(
    city, clock, hook, hook_receiver, fire
):
    hook_receiver.fail_first = 2
    [delivery] = fire()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at == clock.now() + dt.timedelta(minutes=1)
    assert outbound.send_due() == 0  # not yet due
    assert len(hook_receiver.requests) == 1

    clock.advance(minutes=1)
    assert outbound.send_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 2)
    assert delivery.next_attempt_at == clock.now() + dt.timedelta(minutes=2)  # twice as long

    clock.advance(minutes=2)
    assert outbound.send_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 3, 204)
    first, second, third = hook_receiver.requests
    # The same event every time, each try signed afresh at its own time.
    assert first.raw == second.raw == third.raw
    assert len({r.headers["X-Luoshi-Timestamp"] for r in hook_receiver.requests}) == 3
    assert {r.headers["X-Luoshi-Delivery"] for r in hook_receiver.requests} == {str(delivery.event_id)}
    assert all(verify(hook.secret, r) for r in hook_receiver.requests)
    assert outbound.send_due() == 0


def test_a_delivery_gives_up_as_failed_after_the_last_attempt(city, clock, hook, hook_receiver, fire):
    hook_receiver.fail_first = 100
    [delivery] = fire()
    for _ in range(outbound.MAX_ATTEMPTS - 1):
        clock.advance(hours=1)
        assert outbound.send_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (
        "failed",
        outbound.MAX_ATTEMPTS,
        None,
    )
    assert delivery.last_status == 500 and delivery.last_error.startswith("HTTP 500")
    clock.advance(days=1)
    assert outbound.send_due() == 0
    assert len(hook_receiver.requests) == outbound.MAX_ATTEMPTS


def test_the_waits_double_up_to_an_hour():
    assert [outbound.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_an_unreachable_receiver_is_retried(city, clock, hook, closed_port, fire):
    OutboundWebhook.objects.filter(pk=hook.pk).update(url=f"http://127.0.0.1:{closed_port}/hook")
    [delivery] = fire()
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.last_status is None
    assert "ConnectionRefusedError" in delivery.last_error


def test_a_replay_from_the_log_sends_the_same_event_with_a_new_signature_and_is_audited(
    client, city, clock, hook, hook_receiver, fire
):
    [delivery] = fire()
    clock.advance(hours=3)
    client.force_login(city.county_supervisor)
    page = client.get(reverse("notify:hook_detail", args=[hook.pk]))
    assert page.status_code == 200 and str(delivery.event_id) in page.content.decode()
    response = client.post(reverse("notify:hook_replay", args=[delivery.pk]))
    assert response.status_code == 302
    first, again = hook_receiver.requests
    assert again.raw == first.raw and verify(hook.secret, again)
    assert again.headers["X-Luoshi-Delivery"] == str(delivery.event_id)
    assert again.headers["X-Luoshi-Timestamp"] == str(int(clock.now().timestamp()))
    assert again.headers["X-Luoshi-Signature"] != first.headers["X-Luoshi-Signature"]
    event = AuditEvent.objects.get(action="outbound_webhook.replay")
    assert event.actor_id == city.county_supervisor.pk
    assert event.after["event_id"] == str(delivery.event_id) and event.before["state"] == "delivered"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 1)


def test_a_failed_delivery_replayed_once_the_receiver_is_back_is_delivered(
    city, clock, hook, hook_receiver, fire
):
    hook_receiver.fail_first = 100
    [delivery] = fire()
    OutboundDelivery.objects.filter(pk=delivery.pk).update(state="failed", next_attempt_at=None)
    hook_receiver.fail_first = 0
    hook_receiver.requests.clear()
    replayed = replay_outbound_delivery(delivery=delivery, by=city.city_supervisor)
    assert replayed.state == "delivered" and len(hook_receiver.requests) == 1


def test_a_subscription_never_hears_of_units_outside_its_subtree(city, hook, hook_receiver, fire):
    assert fire(unit=city.baisha) == []
    assert fire(unit=city.city) == []  # above it is outside too
    assert fire(unit=city.longquan_town) != []  # below it, inside
    assert fire(unit=city.qingshan) != []
    assert [r.body["unit"]["id"] for r in hook_receiver.requests] == [city.longquan_town.pk, city.qingshan.pk]
    assert not OutboundDelivery.objects.filter(payload__unit__id=city.baisha.pk).exists()


def test_only_chosen_events_of_active_subscriptions_are_sent(city, hook, hook_receiver, fire):
    chosen = add_outbound_webhook(
        unit=city.city, url=hook_receiver.url("/red"), events=["task.red"], by=city.city_supervisor
    )
    fire(kind="report.submitted")
    assert [r.path for r in hook_receiver.requests] == ["/hook"]
    set_outbound_webhook_active(hook=hook, by=city.city_supervisor, is_active=False)
    fire(kind="task.red")
    assert [r.path for r in hook_receiver.requests] == ["/hook", "/red"]
    assert OutboundDelivery.objects.filter(webhook=chosen).count() == 1
    assert AuditEvent.objects.filter(action="outbound_webhook.update", object_id=str(hook.pk)).exists()


def test_one_event_is_sent_to_a_webhook_once_per_key(city, hook, hook_receiver, huey_inline):
    first = outbound.emit("task.red", unit=city.qingshan, data={}, key="task.red:1:2026-11-18")
    again = outbound.emit("task.red", unit=city.qingshan, data={}, key="task.red:1:2026-11-18")
    assert len(first) == 1 and again == []


BAD = [
    ("http://hooks.example.com/x", "must start with https://"),
    ("https://127.0.0.1/hook", "not a numeric address"),
    ("https://10.0.0.8/hook", "not a numeric address"),
    ("https://169.254.169.254/latest/meta-data/", "not a numeric address"),
    ("https://[::1]/hook", "not a numeric address"),
    ("https://2130706433/hook", "not a numeric address"),
    ("https://hooks.example.com@127.0.0.1/hook", "user name or password"),
]


@pytest.mark.parametrize(("url", "why"), BAD)
def test_a_non_https_or_private_address_is_refused_with_a_field_error(client, city, url, why, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as refused:
        add_outbound_webhook(unit=city.qingshan, url=url, events=["task.red"], by=city.city_supervisor)
    assert why in refused.value.message_dict["url"][0]
    client.force_login(city.county_supervisor)
    form = {"unit": city.qingshan.pk, "url": url, "events": ["task.red"]}
    response = client.post(reverse("notify:hook_add"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    said = " ".join(response.context["form"].errors["url"])
    assert why in said or said == "Enter a valid URL."  # Django's own check may speak first
    assert not OutboundWebhook.objects.exists()


def test_a_name_that_resolves_to_a_private_address_is_not_sent_to(city, monkeypatch, fire):
    hook = add_outbound_webhook(
        unit=city.qingshan, url="https://hooks.example.com/x", events=ALL, by=city.city_supervisor
    )
    monkeypatch.setattr(outbound.egress, "system_resolver", lambda host, port: ["10.1.2.3"])
    [delivery] = fire()
    delivery.refresh_from_db()
    assert delivery.webhook_id == hook.pk and delivery.state == "failed"
    assert "not a public address" in delivery.last_error


def test_the_production_rules_allow_https_on_any_host_and_no_private_address():
    rules = outbound.rules()
    assert rules.schemes == {"https"} and rules.exempt == () and rules.any_host


def test_the_pages_add_show_the_secret_once_list_and_delete(client, city, loopback_hooks):
    client.force_login(city.county_supervisor)
    assert client.get(reverse("notify:hook_list")).status_code == 200
    form = {"unit": city.qingshan_town.pk, "url": "https://hooks.example.com/in", "events": ALL[:2]}
    created = client.post(reverse("notify:hook_add"), form)
    hook = OutboundWebhook.objects.get()
    assert created.status_code == 200 and hook.secret in created.content.decode()
    assert hook.created_by == city.county_supervisor and hook.events == ALL[:2]
    for page in ("notify:hook_list", "notify:hook_detail"):
        args = [hook.pk] if page == "notify:hook_detail" else []
        shown = client.get(reverse(page, args=args))
        assert shown.status_code == 200 and hook.secret not in shown.content.decode()
    # Not an office: no webhooks.
    client.force_login(city.township_liaison)
    assert client.get(reverse("notify:hook_list")).status_code == 403
    client.force_login(city.county_supervisor)
    assert client.post(reverse("notify:hook_delete", args=[hook.pk])).status_code == 302
    assert not OutboundWebhook.objects.exists()
    assert AuditEvent.objects.filter(action="outbound_webhook.delete", object_id=str(hook.pk)).exists()


def test_an_office_cannot_subscribe_to_a_unit_outside_its_jurisdiction(client, city):
    client.force_login(city.county_supervisor)
    form = {"unit": city.baisha.pk, "url": "https://hooks.example.com/in", "events": ["task.red"]}
    response = client.post(reverse("notify:hook_add"), form)
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    with pytest.raises(PermissionDenied):
        add_outbound_webhook(
            unit=city.baisha,
            url="https://hooks.example.com/in",
            events=["task.red"],
            by=city.county_supervisor,
        )
    hook = add_outbound_webhook(
        unit=city.baisha, url="https://hooks.example.com/in", events=["task.red"], by=city.city_supervisor
    )
    assert client.get(reverse("notify:hook_detail", args=[hook.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        delete_outbound_webhook(hook=hook, by=city.county_supervisor)


def test_the_signature_check_in_the_readme_verifies_a_real_delivery(city, clock, hook, hook_receiver, fire):
    """The README's receiver example, run on what the receiver got."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```python\n# verify a Luoshi webhook\n", 1)[1].split("```", 1)[0]
    fire()
    [got] = hook_receiver.requests
    # The receiver's clock reads the test's time.
    scope = {
        "secret": hook.secret,
        "headers": got.headers,
        "body": got.raw,
        "now": int(clock.now().timestamp()),
    }
    exec(example, scope)  # noqa: S102 - our own README's example
    assert scope["ok"] is True


def test_any_host_lets_a_name_through_but_never_a_number_or_plain_http():
    rules = outbound.rules()
    assert outbound.egress.check_url("https://erp.example.org:8443/in?x=1", rules).host == "erp.example.org"
    for url in ("https://127.0.0.1/in", "http://erp.example.org/in", "https://a@erp.example.org/in"):
        with pytest.raises(outbound.egress.Blocked):
            outbound.egress.check_url(url, rules)
    robots = outbound.egress.Rules()
    with pytest.raises(outbound.egress.Blocked):  # the robots' rules keep their host list
        outbound.egress.check_url("https://erp.example.org/in", robots)


def test_many_events_are_logged_in_as_many_queries_as_one(city, hook):
    def events(n):
        return [outbound.Event(city.qingshan_town, {"task": {"id": i}}, key=f"k:{n}:{i}") for i in range(n)]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(outbound.emit_each("task.red", events(1))) == 1
    with CaptureQueriesContext(connection) as many:
        assert len(outbound.emit_each("task.red", events(40))) == 40
    assert len(many.captured_queries) == len(one.captured_queries)
