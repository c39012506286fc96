from django.urls import reverse

from luoshi.testing import count_queries, make_task, make_unit


def test_the_unit_tree_shows_only_the_users_subtree(client, city):
    client.force_login(city.outsider)
    page = client.get(reverse("orgs:unit_tree")).content.decode()
    assert "白沙县" in page
    assert "青山县" not in page and "临江市" not in page and "市发展改革委" not in page


def test_a_county_liaison_sees_its_townships_in_the_tree(client, city):
    client.force_login(city.county_liaison)
    page = client.get(reverse("orgs:unit_tree")).content.decode()
    assert "青山镇" in page and "龙泉镇" in page and "白沙县" not in page


def test_a_unit_page_lists_its_people_and_units_below(client, city):
    client.force_login(city.city_supervisor)
    page = client.get(reverse("orgs:unit_detail", args=[city.qingshan.pk])).content.decode()
    assert "county_liaison" in page and "county_head" in page and "青山镇" in page


def test_a_unit_outside_scope_answers_404(client, city):
    client.force_login(city.township_liaison)
    for unit in (city.qingshan, city.longquan_town, city.baisha, city.city):
        assert client.get(reverse("orgs:unit_detail", args=[unit.pk])).status_code == 404
    assert client.get(reverse("orgs:unit_detail", args=[999999])).status_code == 404


def test_the_unit_tree_runs_the_same_number_of_queries_for_few_or_many_units(client, city):
    client.force_login(city.city_supervisor)
    make_task(city)
    few = count_queries(client, reverse("orgs:unit_tree"))
    for i in range(30):
        make_unit(f"新区{i}", "county", city.city)
    assert count_queries(client, reverse("orgs:unit_tree")) == few


def test_the_admin_site_is_for_administrators_only(client, city):
    client.force_login(city.city_supervisor)
    assert client.get("/admin/").status_code == 302
    client.force_login(city.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/plans/task/add/").status_code == 403  # writes go through services
