"""交账: the lead unit declares a task done, the office accepts it (done, or done late) or rejects it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.plans import deliveries
from luoshi.plans.history import task_history
from luoshi.plans.models import Delivery, Task, overdue_q
from luoshi.testing import make_task


def overdue_count(today):
    return Task.objects.filter(overdue_q(today)).count()


@pytest.fixture
def due_task(city, clock):
    """Led by 青山县, issued by the city, due 2026-10-31: overdue on the fixture's 2026-11-18."""
    return make_task(city, start=dt.date(2026, 1, 1), due=dt.date(2026, 10, 31))


def test_the_lead_units_liaison_delivers_and_the_office_accepts_it_late(city, clock, due_task):
    today = clock.set(dt.date(2026, 11, 18)).date()
    assert due_task.is_overdue and overdue_count(today) == 1
    delivery = deliveries.submit_delivery(task=due_task, by=city.county_liaison, statement="厂房已建成投用")
    assert delivery.state == Delivery.State.SUBMITTED
    assert AuditEvent.objects.filter(action="delivery.submit", object_id=str(delivery.pk)).exists()
    due_task.refresh_from_db()
    assert due_task.is_overdue  # declared, not yet accepted: still overdue

    clock.set(dt.date(2026, 11, 20))
    deliveries.accept_delivery(delivery=delivery, by=city.city_supervisor)
    due_task.refresh_from_db()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.ACCEPTED and delivery.decided_by == city.city_supervisor
    assert due_task.completed_on == dt.date(2026, 11, 18)  # the day it was declared, after the deadline
    assert due_task.progress == 100
    assert not due_task.is_overdue and overdue_count(dt.date(2026, 11, 20)) == 0
    assert AuditEvent.objects.filter(action="delivery.accept", object_id=str(delivery.pk)).exists()
    assert AuditEvent.objects.filter(action="task.complete", object_id=str(due_task.pk)).exists()


def test_a_delivery_declared_before_the_deadline_is_done_on_time_whenever_accepted(city, clock):
    clock.set(dt.date(2026, 11, 18))
    task = make_task(city, start=dt.date(2026, 1, 1), due=dt.date(2026, 11, 30))
    delivery = deliveries.submit_delivery(task=task, by=city.county_head, statement="提前完成")
    clock.set(dt.date(2026, 12, 5))
    deliveries.accept_delivery(delivery=delivery, by=city.city_supervisor)
    task.refresh_from_db()
    assert task.completed_on == dt.date(2026, 11, 18) <= task.due
    assert overdue_count(dt.date(2026, 12, 5)) == 0


def test_a_rejection_reopens_the_task_and_stays_in_its_history(city, clock, due_task):
    delivery = deliveries.submit_delivery(task=due_task, by=city.county_liaison, statement="已完成")
    with pytest.raises(ValidationError):
        deliveries.reject_delivery(delivery=delivery, by=city.city_supervisor, reason="  ")
    deliveries.reject_delivery(delivery=delivery, by=city.city_supervisor, reason="缺少竣工验收材料")
    due_task.refresh_from_db()
    assert due_task.completed_on is None and due_task.is_overdue
    assert deliveries.open_delivery(due_task) is None
    entries = task_history(due_task)
    assert [e.reason for e in entries if e.reason] == ["缺少竣工验收材料"]
    assert any(e.detail == "已完成" for e in entries)
    # The unit may deliver again; the rejected one stays on record.
    again = deliveries.submit_delivery(task=due_task, by=city.county_liaison, statement="补充了验收材料")
    assert list(due_task.deliveries.values_list("state", flat=True)) == ["rejected", "submitted"]
    deliveries.accept_delivery(delivery=again, by=city.city_supervisor)
    due_task.refresh_from_db()
    assert due_task.is_done


def test_a_task_has_at_most_one_open_delivery(city, clock, due_task):
    deliveries.submit_delivery(task=due_task, by=city.county_liaison, statement="已完成")
    with pytest.raises(ValidationError):
        deliveries.submit_delivery(task=due_task, by=city.county_head, statement="再报一次")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            task=due_task, statement="绕过服务", by=city.county_head, at=due_task.created_at
        )


def test_a_decided_delivery_cannot_be_decided_again_nor_a_done_task_delivered(city, clock, due_task):
    delivery = deliveries.submit_delivery(task=due_task, by=city.county_liaison, statement="已完成")
    deliveries.accept_delivery(delivery=delivery, by=city.city_supervisor)
    with pytest.raises(ValidationError):
        deliveries.reject_delivery(delivery=delivery, by=city.city_supervisor, reason="改主意")
    with pytest.raises(ValidationError):
        deliveries.submit_delivery(task=due_task, by=city.county_liaison, statement="又一次")


def test_a_delivery_needs_a_statement(city, clock, due_task):
    with pytest.raises(ValidationError):
        deliveries.submit_delivery(task=due_task, by=city.county_liaison, statement=" ")
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    "persona", ["township_liaison", "other_township_liaison", "outsider", "city_supervisor", "leader"]
)
def test_only_the_lead_units_liaisons_and_heads_deliver(city, clock, due_task, persona):
    with pytest.raises(PermissionDenied):
        deliveries.submit_delivery(task=due_task, by=getattr(city, persona), statement="已完成")


@pytest.mark.parametrize("persona", ["county_supervisor", "county_liaison", "county_head", "outsider"])
def test_only_the_office_that_may_edit_the_task_decides(city, clock, due_task, persona):
    delivery = deliveries.submit_delivery(task=due_task, by=city.county_liaison, statement="已完成")
    with pytest.raises(PermissionDenied):
        deliveries.accept_delivery(delivery=delivery, by=getattr(city, persona))
    with pytest.raises(PermissionDenied):
        deliveries.reject_delivery(delivery=delivery, by=getattr(city, persona), reason="不行")
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SUBMITTED


def signed_in(client, person):
    client.force_login(person)
    return client


def test_the_page_offers_the_delivery_form_to_the_lead_units_liaison_only(city, clock, client, due_task):
    url = reverse("plans:task_detail", args=[due_task.pk])
    page = signed_in(client, city.county_liaison).get(url).content.decode()
    assert 'data-testid="delivery-submit"' in page
    assert 'data-testid="delivery-accept"' not in page
    client.logout()
    page = signed_in(client, city.city_supervisor).get(url).content.decode()
    assert 'data-testid="delivery"' not in page  # nothing to decide yet, and not theirs to deliver


def test_the_office_accepts_from_the_task_page(city, clock, client, due_task):
    signed_in(client, city.county_liaison)
    response = client.post(reverse("plans:delivery_submit", args=[due_task.pk]), {"statement": "厂房已投用"})
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    url = reverse("plans:task_detail", args=[due_task.pk])
    page = client.get(url).content.decode()
    assert "厂房已投用" in page and 'data-testid="delivery-accept"' not in page
    client.logout()
    signed_in(client, city.city_supervisor)
    page = client.get(url).content.decode()
    assert 'data-testid="delivery-accept"' in page and 'data-testid="delivery-reject"' in page
    client.post(reverse("plans:delivery_accept", args=[delivery.pk]))
    due_task.refresh_from_db()
    assert due_task.is_done
    page = client.get(url).content.decode()
    assert 'data-testid="delivery-accept"' not in page and 'data-testid="delivery-done"' in page


def test_a_rejection_without_reason_from_the_page_changes_nothing(city, clock, client, due_task):
    delivery = deliveries.submit_delivery(task=due_task, by=city.county_liaison, statement="已完成")
    signed_in(client, city.city_supervisor)
    client.post(reverse("plans:delivery_reject", args=[delivery.pk]), {"reason": ""})
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SUBMITTED
    client.post(reverse("plans:delivery_reject", args=[delivery.pk]), {"reason": "材料不全"})
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.REJECTED and delivery.reason == "材料不全"
