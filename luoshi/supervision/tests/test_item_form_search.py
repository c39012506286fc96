"""The new item's units, among a province's, are searched within the office's own jurisdiction."""

from django.urls import reverse

from luoshi.core import forms as core_forms


def test_the_lead_and_co_units_are_searched_within_the_offices_jurisdiction(client, city, monkeypatch):
    monkeypatch.setattr(core_forms, "LISTED_CHOICES", 1)  # searched, not listed, as a province's are
    url = reverse("supervision:item_create")
    client.force_login(city.city_supervisor)
    page = client.get(url).content.decode()
    assert 'data-choices="lead_unit"' in page and 'data-choices="co_units"' in page
    assert "白沙县</option>" not in page
    for name in ("lead_unit", "co_units"):
        answer = client.get(url, {"choices": name, "find": "县"}).json()
        assert [o["label"] for o in answer["options"]] == ["青山县", "白沙县"]
    client.force_login(city.county_supervisor)  # 青山县's office: its own tree
    answer = client.get(url, {"choices": "lead_unit", "find": "县"}).json()
    assert [o["label"] for o in answer["options"]] == ["青山县"]
    assert client.get(url, {"choices": "lead_unit", "find": "白沙"}).json()["options"] == []
