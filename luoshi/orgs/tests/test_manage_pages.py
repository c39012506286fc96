"""The pages that manage units and people: what they do, and who may open them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.core.actions import Action
from luoshi.orgs.models import Unit, User
from luoshi.testing import make_unit

UNIT_PAGES = ["orgs:unit_create", "orgs:unit_edit", "orgs:unit_move", "orgs:person_create"]
PERSON_PAGES = ["orgs:person_edit"]
POSTS = {"orgs:unit_deactivate": "unit", "orgs:person_deactivate": "person", "orgs:person_unlock": "person"}


@pytest.mark.parametrize("name", UNIT_PAGES + PERSON_PAGES + list(POSTS))
def test_an_outsider_gets_404_and_a_liaison_in_scope_403(client, city, name):
    kind = "person" if name in PERSON_PAGES else POSTS.get(name, "unit")
    target = city.township_liaison if kind == "person" else city.qingshan_town
    url = reverse(name, args=[target.pk])
    method = client.post if name in POSTS else client.get
    events = AuditEvent.objects.exclude(action=Action.USER_SIGN_IN).count()
    client.force_login(city.outsider)
    assert method(url).status_code == 404
    client.force_login(city.county_liaison)  # sees 青山镇 and its people, manages neither
    assert method(url).status_code == 403
    assert AuditEvent.objects.exclude(action=Action.USER_SIGN_IN).count() == events


def test_the_unit_page_offers_management_to_those_who_may(client, city):
    url = reverse("orgs:unit_detail", args=[city.qingshan_town.pk])
    client.force_login(city.county_supervisor)
    page = client.get(url).content.decode()
    for link in (
        reverse("orgs:unit_edit", args=[city.qingshan_town.pk]),
        reverse("orgs:unit_create", args=[city.qingshan_town.pk]),
        reverse("orgs:person_create", args=[city.qingshan_town.pk]),
        reverse("orgs:person_edit", args=[city.township_liaison.pk]),
    ):
        assert link in page
    client.force_login(city.county_liaison)
    page = client.get(url).content.decode()
    assert reverse("orgs:unit_edit", args=[city.qingshan_town.pk]) not in page
    assert reverse("orgs:person_create", args=[city.qingshan_town.pk]) not in page


def test_an_admin_adds_a_unit_and_renames_it_from_the_pages(client, city):
    client.force_login(city.admin)
    response = client.post(
        reverse("orgs:unit_create", args=[city.qingshan.pk]),
        {"name": "青山经济开发区", "short_name": "青山开发区", "kind": "park", "category": "park"},
    )
    park = Unit.objects.get(name="青山经济开发区")
    assert response["Location"] == reverse("orgs:unit_detail", args=[park.pk])
    assert (park.parent, park.category) == (city.qingshan, "park")
    client.post(
        reverse("orgs:unit_edit", args=[park.pk]),
        {"name": "青山高新区", "short_name": "", "kind": "park", "category": "park", "sort_order": "3"},
    )
    park.refresh_from_db()
    assert (park.name, park.sort_order) == ("青山高新区", 3)


def test_the_move_page_offers_no_place_inside_the_unit_and_refuses_one(client, city):
    village = make_unit("青山村", "township", city.qingshan_town)
    client.force_login(city.county_supervisor)
    url = reverse("orgs:unit_move", args=[city.qingshan_town.pk])
    form = client.get(url).context["form"]
    choices = set(form.fields["parent"].queryset)
    assert city.longquan_town in choices and city.qingshan in choices
    assert village not in choices and city.qingshan_town not in choices and city.baisha not in choices
    response = client.post(url, {"parent": village.pk})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"parent": city.longquan_town.pk})
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.path.startswith(city.longquan_town.path)


def test_deactivating_a_unit_with_people_says_why_and_keeps_it(client, city):
    client.force_login(city.admin)
    response = client.post(reverse("orgs:unit_deactivate", args=[city.qingshan_town.pk]), follow=True)
    assert "People still work in it" in response.content.decode() or "仍有人员" in response.content.decode()
    city.qingshan_town.refresh_from_db()
    assert city.qingshan_town.is_active


def test_a_supervisor_adds_a_person_and_sees_the_one_time_password_once(client, city):
    client.force_login(city.county_supervisor)
    url = reverse("orgs:person_create", args=[city.qingshan_town.pk])
    roles = [value for value, _ in client.get(url).context["form"].fields["role"].choices]
    assert "admin" not in roles and "liaison" in roles
    response = client.post(
        url, {"username": "qingshanzhen.head", "full_name": "王芳", "role": "unit_head", "title": "镇长"}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    person = User.objects.get(username="qingshanzhen.head")
    assert person.unit == city.qingshan_town and person.must_change_password
    assert person.check_password(response.context["secret"])
    assert response.context["secret"] in response.content.decode()


def test_a_person_is_moved_to_another_unit_and_given_another_role(client, city):
    client.force_login(city.county_supervisor)
    url = reverse("orgs:person_edit", args=[city.township_liaison.pk])
    units = set(client.get(url).context["form"].fields["unit"].queryset)
    assert city.longquan_town in units and city.baisha not in units
    response = client.post(
        url,
        {
            "full_name": "李明",
            "unit": city.longquan_town.pk,
            "role": "unit_head",
            "title": "",
            "phone": "",
            "email": "",
        },
    )
    assert response.status_code == 302
    city.township_liaison.refresh_from_db()
    assert (city.township_liaison.unit, city.township_liaison.role) == (city.longquan_town, "unit_head")


def test_a_leaver_is_deactivated_from_their_page(client, city):
    client.force_login(city.county_supervisor)
    response = client.post(reverse("orgs:person_deactivate", args=[city.township_liaison.pk]))
    assert response["Location"] == reverse("orgs:unit_detail", args=[city.qingshan_town.pk])
    city.township_liaison.refresh_from_db()
    assert not city.township_liaison.is_active
    page = client.get(response["Location"]).content.decode()
    assert reverse("orgs:person_edit", args=[city.township_liaison.pk]) not in page


def test_only_an_admin_sees_and_uses_the_unlock_button(client, city):
    url = reverse("orgs:person_edit", args=[city.township_liaison.pk])
    unlock = reverse("orgs:person_unlock", args=[city.township_liaison.pk])
    client.force_login(city.county_supervisor)
    assert unlock not in client.get(url).content.decode()
    assert client.post(unlock).status_code == 403
    client.force_login(city.admin)
    assert unlock in client.get(url).content.decode()
    assert client.post(unlock)["Location"] == url
    assert AuditEvent.objects.filter(action=Action.USER_UNLOCK).count() == 1


@pytest.mark.parametrize("width", ["unit", "person"])
def test_the_forms_are_in_chinese(client, city, width):
    client.force_login(city.admin)
    client.cookies["django_language"] = "zh-hans"
    url = (
        reverse("orgs:unit_edit", args=[city.qingshan_town.pk])
        if width == "unit"
        else reverse("orgs:person_edit", args=[city.township_liaison.pk])
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "保存" in page
