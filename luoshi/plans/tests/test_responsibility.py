"""抓落实: a task names its responsible leader (责任领导) and responsible person (责任人), or says why not."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from luoshi.plans import services
from luoshi.plans.models import Task
from luoshi.testing import make_task


def test_a_task_without_its_people_and_without_a_reason_is_refused(city):
    with pytest.raises(ValidationError) as err:
        make_task(city, responsibility_note="")
    assert {"leader", "owner"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError) as err:
        make_task(city, leader=city.county_head, responsibility_note="")
    assert set(err.value.message_dict) == {"owner"}
    assert not Task.objects.exists()


def test_a_task_names_both_people_or_says_why_not(city):
    named = make_task(city, leader=city.county_head, owner=city.county_liaison, responsibility_note="")
    assert not named.lacks_people
    pending = make_task(city, owner=city.county_liaison, responsibility_note="分管副县长待县政府常务会确定")
    assert pending.lacks_people and pending.responsibility_note == "分管副县长待县政府常务会确定"


def test_a_reason_is_dropped_once_both_people_are_named(city):
    task = make_task(city, leader=city.county_head, owner=city.county_liaison, responsibility_note="待指定")
    assert task.responsibility_note == ""
    pending = make_task(city, responsibility_note="待指定")
    done = services.update_task(
        task=pending,
        by=city.city_supervisor,
        expected_version=pending.version,
        changes={"leader": city.county_head, "owner": city.county_liaison},
    )
    assert done.responsibility_note == "" and not done.lacks_people


def test_an_edit_cannot_remove_a_person_without_saying_why(city):
    task = make_task(city, leader=city.county_head, owner=city.county_liaison)
    with pytest.raises(ValidationError) as err:
        services.update_task(task=task, by=city.city_supervisor, expected_version=1, changes={"owner": None})
    assert set(err.value.message_dict) == {"owner"}
    task.refresh_from_db()
    assert task.owner == city.county_liaison and task.version == 1


def test_the_database_refuses_a_task_with_neither_people_nor_reason(city):
    task = make_task(city)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(responsibility_note="")


def task_form(city, **changes):
    return {"title": "新建标准化厂房", "lead_unit": city.qingshan.pk, "start": "2026-01-01",
            "due": "2026-12-31", "weight": "1", "ms-TOTAL_FORMS": "0", "ms-INITIAL_FORMS": "0",
            **changes}  # fmt: skip


def test_the_task_form_asks_for_both_people_or_a_reason(client, city):
    client.force_login(city.city_supervisor)
    url = reverse("plans:task_create", args=[city.economy.pk])
    response = client.post(url, task_form(city, leader=city.leader.pk))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"owner"}
    assert not Task.objects.exists()
    assert (
        client.post(url, task_form(city, leader=city.leader.pk, owner=city.county_liaison.pk)).status_code
        == 302
    )
    assert client.post(url, task_form(city, responsibility_note="责任人待机构改革后明确")).status_code == 302
    assert Task.objects.count() == 2


def test_the_task_page_warns_while_people_are_still_to_be_named(client, city):
    pending = make_task(city, leader=city.leader, responsibility_note="责任人待机构改革后明确")
    named = make_task(city, leader=city.leader, owner=city.county_liaison)
    client.force_login(city.city_supervisor)
    page = client.get(reverse("plans:task_detail", args=[pending.pk])).content.decode()
    assert 'data-testid="people-missing"' in page and "责任人待机构改革后明确" in page
    page = client.get(reverse("plans:task_detail", args=[named.pk])).content.decode()
    assert 'data-testid="people-missing"' not in page
