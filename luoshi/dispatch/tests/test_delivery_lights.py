"""An accepted delivery (交账) turns the task's stored light done, or done late, in the same transaction."""

import datetime as dt

from luoshi.dispatch.models import TaskLight
from luoshi.plans import deliveries
from luoshi.testing import make_task


def light_of(task):
    return TaskLight.objects.get(task=task)


def test_an_overdue_task_accepted_late_turns_done_late(city, clock):
    clock.set(dt.date(2026, 11, 18))
    task = make_task(city, start=dt.date(2026, 1, 1), due=dt.date(2026, 10, 31))
    assert (light_of(task).light, light_of(task).reason) == ("red", "deadline_passed")
    delivery = deliveries.submit_delivery(task=task, by=city.county_liaison, statement="已完成")
    assert light_of(task).light == "red"
    deliveries.accept_delivery(delivery=delivery, by=city.city_supervisor)
    assert (light_of(task).light, light_of(task).reason) == ("done_late", "done_late")


def test_a_task_delivered_in_time_turns_done(city, clock):
    clock.set(dt.date(2026, 11, 18))
    task = make_task(city, start=dt.date(2026, 1, 1), due=dt.date(2026, 11, 30))
    delivery = deliveries.submit_delivery(task=task, by=city.county_liaison, statement="已完成")
    clock.set(dt.date(2026, 12, 3))
    deliveries.accept_delivery(delivery=delivery, by=city.city_supervisor)
    assert light_of(task).light == "done"


def test_a_rejected_delivery_leaves_the_light_red(city, clock):
    clock.set(dt.date(2026, 11, 18))
    task = make_task(city, start=dt.date(2026, 1, 1), due=dt.date(2026, 10, 31))
    delivery = deliveries.submit_delivery(task=task, by=city.county_liaison, statement="已完成")
    deliveries.reject_delivery(delivery=delivery, by=city.city_supervisor, reason="材料不全")
    assert light_of(task).light == "red"
