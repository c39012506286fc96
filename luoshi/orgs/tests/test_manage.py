"""Managing units and people (issue 9, item 1): the services, their scope and their audit events."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.orgs import policy, services
from luoshi.orgs.models import Unit, UnitCategory, User
from luoshi.plans.models import Task
from luoshi.testing import make_task, make_unit, make_user


def signs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def actions_on(obj) -> list[str]:
    kind = f"{obj._meta.app_label}.{obj._meta.model_name}"
    events = AuditEvent.objects.filter(object_type=kind, object_id=str(obj.pk)).order_by("id")
    return list(events.values_list("action", flat=True))


# Units


def test_a_new_unit_falls_in_its_kinds_ranking_category(city):
    park = services.add_unit(parent=city.city, name="高新区", kind="park", category="", by=city.admin)
    assert park.category == ""  # the page's choice is kept, even none
    assert make_unit("临江港务集团", "enterprise", city.city).category == UnitCategory.ENTERPRISE
    assert city.qingshan.category == UnitCategory.COUNTY and city.city.category == ""


def test_a_supervisor_adds_a_unit_in_their_jurisdiction_only(city):
    village = services.add_unit(
        parent=city.qingshan, name="青山工业园", kind="park", category="park", by=city.county_supervisor
    )
    assert village.parent == city.qingshan and village.path.startswith(city.qingshan.path)
    assert Action.UNIT_CREATE in actions_on(village)
    for outside in (city.baisha, city.city):
        with pytest.raises(PermissionDenied):
            services.add_unit(
                parent=outside, name="新区", kind="park", category="", by=city.county_supervisor
            )
    with pytest.raises(PermissionDenied):
        services.add_unit(parent=city.qingshan, name="新区", kind="park", category="", by=city.county_liaison)


def test_renaming_a_unit_is_audited_with_before_and_after(city):
    services.update_unit(
        unit=city.qingshan_town, by=city.county_supervisor, name="青山街道", short_name="青山",
        kind="township", category="township", sort_order=2,
    )  # fmt: skip
    city.qingshan_town.refresh_from_db()
    assert (city.qingshan_town.name, city.qingshan_town.sort_order) == ("青山街道", 2)
    event = AuditEvent.objects.get(action=Action.UNIT_UPDATE)
    assert (event.before["name"], event.after["name"]) == ("青山镇", "青山街道")


def test_a_name_taken_by_a_sibling_is_refused(city):
    with pytest.raises(ValidationError):
        services.update_unit(
            unit=city.qingshan_town, by=city.admin, name="龙泉镇", short_name="", kind="township",
            category="township", sort_order=0,
        )  # fmt: skip


def test_a_supervisor_cannot_manage_their_own_jurisdictions_root(city):
    assert not policy.can_manage_unit(city.county_supervisor, city.qingshan)
    with pytest.raises(PermissionDenied):
        services.deactivate_unit(unit=city.qingshan, by=city.county_supervisor)


def test_a_move_rewrites_the_paths_and_depths_of_the_whole_subtree(city):
    village = make_unit("青山村", "township", city.qingshan_town)
    hamlet = make_unit("青山村一组", "township", village)
    services.move_unit(unit=city.qingshan_town, parent=city.baisha, by=city.admin)
    for unit in (city.qingshan_town, village, hamlet):
        unit.refresh_from_db()
    assert city.qingshan_town.parent == city.baisha
    assert city.qingshan_town.path == f"{city.baisha.path}{city.qingshan_town.pk:06d}."
    assert village.path == f"{city.qingshan_town.path}{village.pk:06d}."
    assert hamlet.path == f"{village.path}{hamlet.pk:06d}."
    assert [u.depth for u in (city.qingshan_town, village, hamlet)] == [2, 3, 4]
    assert list(Unit.objects.subtree_of(city.qingshan).values_list("name", flat=True)) == ["青山县", "龙泉镇"]
    assert [a.name for a in hamlet.ancestors()] == ["临江市", "白沙县", "青山镇", "青山村"]
    event = AuditEvent.objects.get(action=Action.UNIT_MOVE)
    assert event.before["parent"] == city.qingshan.pk and event.after["parent"] == city.baisha.pk


def test_after_a_move_the_new_countys_supervisor_sees_the_township_its_people_and_its_work(city):
    baisha_supervisor = make_user("baisha_supervisor", "supervisor", city.baisha)
    task = make_task(city, lead_unit=city.qingshan_town, title="青山镇的道路")
    assert not policy.can_see_person(baisha_supervisor, city.township_liaison)

    services.move_unit(unit=city.qingshan_town, parent=city.baisha, by=city.city_supervisor)

    baisha_supervisor.refresh_from_db()
    city.township_liaison.refresh_from_db()
    assert policy.can_see_person(baisha_supervisor, city.township_liaison)
    assert policy.can_manage_person(baisha_supervisor, city.township_liaison)
    assert not policy.can_see_person(city.county_supervisor, city.township_liaison)
    assert task in Task.objects.filter(policy.unit_q(baisha_supervisor, "lead_unit"))
    assert task not in Task.objects.filter(policy.unit_q(city.county_supervisor, "lead_unit"))
    client = Client()
    client.force_login(baisha_supervisor)
    assert client.get(reverse("orgs:unit_detail", args=[city.qingshan_town.pk])).status_code == 200


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_a_move_under_its_own_subtree_is_refused_and_changes_nothing(city, target):
    village = make_unit("青山村", "township", city.qingshan_town)
    grandchild = make_unit("青山村一组", "township", village)
    parent = {"itself": city.qingshan_town, "child": village, "grandchild": grandchild}[target]
    before = list(Unit.objects.values_list("pk", "path", "depth", "parent"))
    with pytest.raises(ValidationError):
        services.move_unit(unit=city.qingshan_town, parent=parent, by=city.admin)
    assert list(Unit.objects.values_list("pk", "path", "depth", "parent")) == before
    assert not AuditEvent.objects.filter(action=Action.UNIT_MOVE).exists()


def test_a_supervisor_moves_only_within_their_jurisdiction(city):
    with pytest.raises(PermissionDenied):
        services.move_unit(unit=city.qingshan_town, parent=city.baisha, by=city.county_supervisor)
    services.move_unit(unit=city.qingshan_town, parent=city.longquan_town, by=city.county_supervisor)
    city.qingshan_town.refresh_from_db()
    assert city.qingshan_town.parent == city.longquan_town


def test_a_move_next_to_a_namesake_is_refused(city):
    make_unit("青山镇", "township", city.baisha)
    with pytest.raises(ValidationError):
        services.move_unit(unit=city.qingshan_town, parent=city.baisha, by=city.admin)


def test_deactivating_a_unit_keeps_its_tasks_and_history_and_hides_it_from_pickers(city):
    from luoshi.plans.forms import assignable_units

    empty = make_unit("青山工业园", "park", city.qingshan)
    task = make_task(city, lead_unit=empty, title="园区道路")
    services.deactivate_unit(unit=empty, by=city.county_supervisor)
    empty.refresh_from_db()
    assert not empty.is_active
    assert Task.objects.filter(pk=task.pk, lead_unit=empty).exists()
    assert actions_on(empty) == [Action.UNIT_CREATE, Action.UNIT_DEACTIVATE]
    assert empty not in assignable_units(city.county_supervisor)
    assert empty not in Unit.objects.active()
    client = Client()
    client.force_login(city.county_supervisor)
    page = client.get(reverse("orgs:unit_detail", args=[empty.pk]))
    assert (
        page.status_code == 200
        and "园区道路" in client.get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    )
    add_page = client.get(reverse("orgs:unit_create", args=[city.qingshan.pk]))
    assert add_page.status_code == 200
    assert client.get(reverse("orgs:unit_create", args=[empty.pk])).status_code == 403


def test_a_unit_with_people_or_active_units_below_is_not_deactivated(city):
    for unit in (city.qingshan_town, city.qingshan):
        with pytest.raises(ValidationError):
            services.deactivate_unit(unit=unit, by=city.admin)
        unit.refresh_from_db()
        assert unit.is_active


# People


def test_a_new_person_gets_a_one_time_password_and_must_change_it(city):
    person, secret = services.add_person(
        unit=city.qingshan_town, username="qingshanzhen.head", full_name="王芳", role="unit_head",
        by=city.county_supervisor, phone="13800000000", email="wf@example.cn",
    )  # fmt: skip
    assert person.must_change_password and person.check_password(secret)
    assert actions_on(person) == [Action.USER_CREATE]
    assert signs_in("qingshanzhen.head", secret)
    assert "password" not in AuditEvent.objects.get(action=Action.USER_CREATE, object_id=str(person.pk)).after


def test_a_supervisor_cannot_create_an_administrator_or_a_person_outside(city):
    with pytest.raises(PermissionDenied):
        services.add_person(
            unit=city.qingshan, username="x", full_name="x", role="admin", by=city.county_supervisor
        )
    with pytest.raises(PermissionDenied):
        services.add_person(
            unit=city.baisha, username="x", full_name="x", role="liaison", by=city.county_supervisor
        )
    assert not User.objects.filter(username="x").exists()


def test_a_username_taken_is_refused(city):
    with pytest.raises(ValidationError):
        services.add_person(
            unit=city.qingshan, username="county_head", full_name="x", role="liaison", by=city.admin
        )


def test_changing_a_persons_unit_and_role_changes_their_scope_and_is_audited(city):
    person = city.township_liaison
    services.update_person(
        person=person, by=city.county_supervisor, unit=city.qingshan, role="unit_head", full_name="李明"
    )
    person.refresh_from_db()
    assert (person.unit, person.role, person.full_name) == (city.qingshan, "unit_head", "李明")
    assert policy.can_see_unit(person, city.longquan_town)
    event = AuditEvent.objects.get(action=Action.USER_UPDATE)
    assert event.before["unit"] == city.qingshan_town.pk and event.after["unit"] == city.qingshan.pk
    assert (event.before["role"], event.after["role"]) == ("liaison", "unit_head")


def test_nobody_manages_themselves_and_a_supervisor_not_their_colleagues(city):
    colleague = make_user("county_supervisor_2", "supervisor", city.qingshan)
    assert not policy.can_manage_person(city.county_supervisor, city.county_supervisor)
    assert not policy.can_manage_person(city.county_supervisor, colleague)
    assert not policy.can_manage_person(city.county_supervisor, city.admin)
    assert not policy.can_manage_person(city.admin, city.admin)
    assert policy.can_manage_person(city.city_supervisor, colleague)
    with pytest.raises(PermissionDenied):
        services.update_person(person=city.township_liaison, by=city.county_supervisor, unit=city.baisha,
                               role="liaison", full_name="x")  # fmt: skip


def test_a_leaver_is_deactivated_their_sessions_end_and_their_history_stays(city):
    phone = Client()
    phone.force_login(city.township_liaison)
    assert phone.get(reverse("web:home")).status_code == 200
    services.deactivate_person(person=city.township_liaison, by=city.county_supervisor)
    city.township_liaison.refresh_from_db()
    assert not city.township_liaison.is_active
    assert phone.get(reverse("web:home")).status_code == 302
    assert not signs_in("township_liaison", "correct-horse-9")
    assert actions_on(city.township_liaison)[0] == Action.USER_CREATE  # the history stays
    assert Action.USER_DEACTIVATE in actions_on(city.township_liaison)


def test_unlocking_clears_the_failures_of_that_username_only_and_is_audited(city):
    for username in ("county_liaison", "county_head"):
        AccessAttempt.objects.create(
            username=username, ip_address="10.0.0.1", user_agent="x", failures_since_start=20,
            attempt_time=clock.now(), get_data="", post_data="", http_accept="", path_info="/",
        )  # fmt: skip
    assert services.unlock_account(person=city.county_liaison, by=city.admin) == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["county_head"]
    event = AuditEvent.objects.get(action=Action.USER_UNLOCK)
    assert event.object_id == str(city.county_liaison.pk) and event.after == {"cleared": 1}
    with pytest.raises(PermissionDenied):
        services.unlock_account(person=city.county_head, by=city.city_supervisor)


def test_a_locked_out_person_signs_in_again_after_an_unlock(client, city, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "county_liaison", "password": "wrong-password-1"})
    locked = client.post(reverse("login"), {"username": "county_liaison", "password": "correct-horse-9"})
    assert locked.status_code == 429
    services.unlock_account(person=city.county_liaison, by=city.admin)
    again = client.post(reverse("login"), {"username": "county_liaison", "password": "correct-horse-9"})
    assert again.status_code == 302


def test_the_django_admin_cannot_write_any_luoshi_model(city):
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = city.admin
    ours = {m: a for m, a in admin.site._registry.items() if m.__module__.startswith("luoshi.")}
    assert User in ours and Unit in ours
    for model, model_admin in ours.items():
        allowed = [
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        ]
        assert allowed == [False, False, False], model
