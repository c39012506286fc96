"""Beyond LISTED_CHOICES rows, the task forms' unit and person selects hold the chosen rows alone and are
searched through their own page (core.forms.SearchSelect): a province's filter is not 3,000 units and
30,000 people written into every page, and a search offers nothing outside the user's scope."""

import json

import pytest
from django.urls import reverse

from luoshi.core import forms as core_forms
from luoshi.orgs.aliases import add_alias
from luoshi.orgs.models import Role, User
from luoshi.plans.models import Task
from luoshi.testing import make_task


def found(client, path, name, words):
    response = client.get(path, {"choices": name, "find": words})
    assert response.status_code == 200 and {"private", "no-store"} <= set(
        response["Cache-Control"].split(", ")
    )
    answer = json.loads(response.content)
    return [option["label"] for option in answer["options"]], answer["more"]


@pytest.fixture
def searched(monkeypatch):
    """Every unit and person select is searched (a threshold of one row), as a province's are."""
    monkeypatch.setattr(core_forms, "LISTED_CHOICES", 1)


def test_a_province_sized_choice_is_searched_and_holds_only_the_chosen_row(client, city, searched):
    make_task(city, title="青山县牵头", lead_unit=city.qingshan)
    client.force_login(city.city_supervisor)
    page = client.get(reverse("plans:task_list"), {"lead_unit": city.qingshan.pk}).content.decode()
    assert 'data-choices="lead_unit"' in page and "data-choice-search" in page
    select = page.split('name="lead_unit"')[1].split("</select>")[0]
    assert f'<option value="{city.qingshan.pk}" selected>' in select
    assert "白沙县" not in select and "市发展改革委" not in select  # not listed: found by a search


def test_up_to_the_threshold_the_select_lists_every_choice(client, city):
    client.force_login(city.city_supervisor)
    page = client.get(reverse("plans:task_list")).content.decode()
    assert "data-choice-search" not in page
    select = page.split('name="lead_unit"')[1].split("</select>")[0]
    assert "白沙县" in select and "市发展改革委" in select


def test_past_the_real_threshold_the_people_are_searched_not_listed(client, city):
    """The threshold itself, with real rows: one person more than LISTED_CHOICES in the city's scope."""
    User.objects.bulk_create(
        User(username=f"p{i:03}", full_name=f"干部{i:03}", role=Role.LIAISON, unit=city.fgw)
        for i in range(core_forms.LISTED_CHOICES)
    )
    client.force_login(city.city_supervisor)
    task_list = city.economy
    page = client.get(reverse("plans:task_create", args=[task_list.pk])).content.decode()
    owner = page.split('name="owner"')[1].split("</select>")[0]
    assert "干部000" not in owner and 'data-choices="owner"' in page
    # The leader select offers leaders and heads only: a handful, listed whole.
    assert 'data-choices="leader"' not in page and "leader（临江市）" in page.split('name="leader"')[1]
    labels, more = found(client, reverse("plans:task_create", args=[task_list.pk]), "owner", "干部01")
    assert labels == [f"干部{i:03}（市发展改革委）" for i in range(10, 20)] and not more
    labels, more = found(client, reverse("plans:task_create", args=[task_list.pk]), "owner", "干部")
    assert len(labels) == core_forms.MATCHES_SHOWN and more


def test_a_unit_is_found_by_its_name_or_its_alias(client, city, searched):
    add_alias(alias="发改委", unit=city.fgw, by=city.admin)
    client.force_login(city.city_supervisor)
    path = reverse("plans:task_list")
    assert found(client, path, "lead_unit", "青山") == (["\u3000青山县", "\u3000\u3000青山镇"], False)
    assert found(client, path, "lead_unit", "发改委")[0] == ["\u3000市发展改革委"]
    assert found(client, path, "lead_unit", "青山 镇")[0] == ["\u3000\u3000青山镇"]  # every word


def test_a_search_offers_nothing_outside_the_users_scope(client, city, searched):
    make_task(city, title="白沙县牵头", lead_unit=city.baisha, leader=city.leader, owner=city.outsider)
    make_task(city, title="青山县牵头", lead_unit=city.qingshan, owner=city.county_liaison)
    client.force_login(city.county_liaison)  # 青山县: its own tree, its own tasks
    path = reverse("plans:task_list")
    assert found(client, path, "lead_unit", "县")[0] == ["\u3000青山县"]
    assert found(client, path, "lead_unit", "白沙")[0] == []
    assert found(client, path, "owner", "")[0] == ["county_liaison（青山县）"]
    assert found(client, path, "owner", "outsider")[0] == []
    assert found(client, path, "leader", "leader")[0] == []
    # And a row found nowhere in the offer is refused when chosen, as before.
    response = client.get(path, {"lead_unit": city.baisha.pk})
    assert "lead_unit" in response.context["form"].errors


def test_the_task_form_searches_within_what_its_user_may_assign(client, city, searched):
    parent = make_task(city, title="青山县的任务", lead_unit=city.qingshan)
    client.force_login(city.county_supervisor)  # decomposes 青山县's task: its own tree only
    path = reverse("plans:task_decompose", args=[city.economy.pk, parent.pk])
    assert found(client, path, "lead_unit", "镇")[0] == ["\u3000\u3000青山镇", "\u3000\u3000龙泉镇"]
    assert found(client, path, "co_units", "白沙")[0] == []
    client.force_login(city.city_supervisor)
    page = client.get(reverse("plans:task_edit", args=[parent.pk])).content.decode()
    lead = page.split('name="lead_unit"')[1].split("</select>")[0]
    assert f'<option value="{city.qingshan.pk}" selected>' in lead and "白沙县" not in lead
    assert found(client, reverse("plans:task_edit", args=[parent.pk]), "co_units", "白沙")[0] == [
        "\u3000白沙县"
    ]


@pytest.mark.parametrize("name", ["title", "q", "completion", "sort", "nope", ""])
def test_a_search_of_a_field_that_is_not_searched_is_not_found(client, city, searched, name):
    client.force_login(city.city_supervisor)
    assert client.get(reverse("plans:task_list"), {"choices": name, "find": "x"}).status_code == 404


IN_QINGSHAN = ["\u3000青山县", "\u3000\u3000青山镇", "\u3000\u3000龙泉镇"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("%", []),  # LIKE's wildcards are matched as themselves
        ("_", []),
        ("' OR 1=1 --", []),
        ("\\", []),
        ("青" * 300, []),  # only the first 50 characters are read
        ("<script>", []),
        ("\x00", IN_QINGSHAN),  # no word at all: the first rows of the scope
    ],
)
def test_hostile_words_find_nothing_outside_the_scope(client, city, searched, words, expected):
    client.force_login(city.county_liaison)
    assert found(client, reverse("plans:task_list"), "lead_unit", words) == (expected, False)


def test_a_forged_choice_in_the_address_shows_no_row_outside_the_scope(client, city, searched):
    make_task(city, title="青山县牵头", lead_unit=city.qingshan)
    client.force_login(city.county_liaison)
    for forged in (city.baisha.pk, 10**30, "abc", -1):
        page = client.get(reverse("plans:task_list"), {"lead_unit": forged}).content.decode()
        assert "白沙县" not in page
    assert Task.objects.count() == 1  # a search and a filter write nothing
