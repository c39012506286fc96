"""The review of a draft: every item reachable by section, honest counts, bulk edits, merge, split, units
matched by name, alias or close spelling, and the list created with its reporting rhythm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import services as dispatch
from luoshi.dispatch.models import Cadence, Report
from luoshi.ingest import rhythm, services
from luoshi.ingest.models import DraftItem, ImportDraft
from luoshi.ingest.units import Directory, find_mentions
from luoshi.ingest.views import review_of
from luoshi.orgs import aliases
from luoshi.orgs.models import UnitAlias
from luoshi.plans.models import Task
from luoshi.testing import make_unit

SICHUAN = (
    Path(__file__).resolve().parents[2] / "text" / "tests" / "corpus" / "reports" / "gwr2026_sichuan.txt"
)
PLAN = (
    "临江市2026年重点工作方案\n"
    "一、稳增长\n"
    "（一）扩大有效投资。加快推进青山县工业园区标准化厂房建设，6月底前完成主体工程。由市住建局牵头，"
    "市住房城乡建设局配合，推进老旧小区改造；完善项目调度机制，实行一周一调度。\n"
    "（二）促进消费。组织开展促消费活动，市城管委负责，年底前完成。\n"
    "二、保民生\n"
    "落实就业优先政策，市人社局牵头。建立健全养老服务体系，按月调度。\n"
)


@pytest.fixture
def units(city):
    """The city's offices under their full names, which the document calls by short ones."""
    return {
        "zj": make_unit("临江市住房和城乡建设局", "department", city.city),
        "rs": make_unit("临江市人力资源和社会保障局", "department", city.city),
        "county_zj": make_unit("青山县住房和城乡建设局", "department", city.qingshan),
    }


def _draft(city, text=PLAN, name="方案.txt"):
    return services.create_draft(plan=city.plan, by=city.city_supervisor, source_name=name, raw_text=text)


def test_every_task_and_target_of_the_sichuan_report_is_a_row_and_the_counts_add_up(city):
    draft = _draft(city, SICHUAN.read_text(encoding="utf-8"), "四川报告.txt")
    drafted = [i for i in draft.items if i["kind"] in ("task", "target")]
    assert len(drafted) > 700
    rows = list(draft.rows.all())
    assert sorted((r.start, r.end) for r in rows) == sorted((i["start"], i["end"]) for i in drafted)
    assert all(draft.text[r.start : r.end] == r.text for r in rows)
    review = review_of(draft)
    assert review.drafted == len(drafted)
    assert review.kept + review.dropped + review.merged == len(drafted)
    assert sum(len(s.kept) + len(s.dropped) for s in review.sections) == len(rows)
    assert [s.title[:3] for s in review.sections if s.level == 2][:3] == ["（一）", "（二）", "（三）"]

    client = _client_for(city)
    page = client.get(reverse("ingest:draft_review", args=[draft.pk])).content.decode()
    assert page.count('data-testid="review-row"') == len(rows)  # folded, but every one is on the page
    assert all(f'value="{r.pk}"' in page for r in rows)


def _client_for(city):
    from django.test import Client

    client = Client()
    client.force_login(city.city_supervisor)
    return client


def test_the_review_page_runs_the_same_queries_for_ten_items_or_eight_hundred(city):
    small, large = _draft(city), _draft(city, SICHUAN.read_text(encoding="utf-8"), "四川报告.txt")
    large.rows.first().co_units.add(city.qingshan)
    client = _client_for(city)
    counts = []
    for draft in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("ingest:draft_review", args=[draft.pk])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_rows_follow_the_documents_sections_and_units_are_matched_by_alias_or_close_spelling(city, units):
    draft = _draft(city)
    titles = [s["title"] for s in draft.sections]
    assert titles == ["", "一、稳增长", "（一）扩大有效投资", "（二）促进消费", "二、保民生"]
    by_text = {r.text[:6]: r for r in draft.rows.all()}
    renovation = by_text["推进老旧小区"]
    assert draft.sections[renovation.section]["title"] == "（一）扩大有效投资"
    named = {m["name"]: m for m in renovation.mentions}
    assert named["市住建局"]["unit"] == units["zj"].pk and named["市住建局"]["how"] == "alias"
    assert named["市住房城乡建设局"]["how"] == "fuzzy" and named["市住房城乡建设局"]["unit"] == units["zj"].pk
    assert renovation.lead_unit == units["zj"]
    jobs = by_text["落实就业优先"]
    assert jobs.lead_unit == units["rs"] and draft.sections[jobs.section]["title"] == "二、保民生"
    consumption = by_text["组织开展促消"]
    assert consumption.lead_unit is None and consumption.unmatched == ["市城管委"]  # never guessed


def test_a_close_spelling_below_the_threshold_is_not_taken(city, units):
    directory = Directory([units["zj"], units["rs"], city.fgw])
    assert directory.match("市住房城乡建设局").unit_id == units["zj"].pk
    assert directory.match("市住房保障局").unit_id is None
    assert directory.match("市教育局").how == ""
    assert directory.match("发改委").unit_id == city.fgw.pk  # by rule from 市发展改革委


def test_an_alias_shared_by_two_units_goes_to_the_one_nearer_the_top(city, units):
    directory = Directory([units["zj"], units["county_zj"]])
    assert directory.match("住建局").unit_id == units["zj"].pk
    assert directory.match("县住建局").unit_id == units["county_zj"].pk


def test_the_mentions_are_the_names_given_a_role_not_any_word_ending_in_a_suffix():
    text = "推进格局优化，统筹发展和安全。责任单位：市教育局、市卫健委。（市发改委牵头，市财政局配合）"
    assert [name for _at, name in find_mentions(text)] == ["市教育局", "市卫健委", "市发改委", "市财政局"]


def test_a_name_with_he_inside_it_is_one_name_and_he_between_two_names_parts_them():
    # 和 joins two names only where the part before it is a whole name.
    text = "由市住房和城乡建设局牵头，市发改委和市财政局配合。责任单位：市人力资源和社会保障局、市教育局"
    assert [name for _at, name in find_mentions(text)] == [
        "市住房和城乡建设局",
        "市发改委",
        "市财政局",
        "市人力资源和社会保障局",
        "市教育局",
    ]


def test_an_unmatched_name_is_resolved_by_the_supervisor_on_every_item_naming_it(city, units):
    draft = _draft(city)
    naming = [r.pk for r in draft.rows.all() if "市城管委" in r.unmatched]
    n = services.resolve_mention(draft=draft, by=city.city_supervisor, name="市城管委", unit=city.qingshan)
    assert n == len(naming) >= 1
    row = draft.rows.get(text__startswith="组织开展促消费")
    assert row.lead_unit == city.qingshan and row.unmatched == []
    assert AuditEvent.objects.filter(action="ingest.resolve_unit").count() == 1
    with pytest.raises(ValidationError):
        services.resolve_mention(draft=draft, by=city.city_supervisor, name="市城管委", unit=city.qingshan)


def test_bulk_edits_set_units_deadline_and_list_on_the_selection_and_nothing_else(city, units):
    draft = _draft(city)
    rows = list(draft.rows.all())
    chosen = [r.pk for r in rows[:2]]
    change = services.Assignment(
        lead_unit=city.qingshan,
        co_units=[city.fgw],
        due=dt.date(city.plan.year, 9, 30),
        list_name="稳增长清单",
    )
    assert services.update_items(draft=draft, by=city.city_supervisor, ids=chosen, change=change) == 2
    for row in draft.rows.filter(pk__in=chosen):
        assert (row.lead_unit, row.due, row.list_name) == (
            city.qingshan,
            dt.date(city.plan.year, 9, 30),
            "稳增长清单",
        )
        assert list(row.co_units.all()) == [city.fgw]
    untouched = draft.rows.exclude(pk__in=chosen)
    assert not untouched.filter(list_name="稳增长清单").exists()
    services.update_items(
        draft=draft, by=city.city_supervisor, ids=chosen[:1], change=services.Assignment(keep=False)
    )
    assert draft.rows.get(pk=chosen[0]).state == DraftItem.State.DROPPED
    with pytest.raises(ValidationError) as caught:
        services.update_items(
            draft=draft,
            by=city.city_supervisor,
            ids=chosen,
            change=services.Assignment(due=dt.date(2001, 1, 1)),
        )
    assert "due" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.update_items(
            draft=draft, by=city.city_supervisor, ids=[10**9], change=services.Assignment(keep=True)
        )
    with pytest.raises(PermissionDenied):
        services.update_items(
            draft=draft, by=city.county_liaison, ids=chosen, change=services.Assignment(keep=True)
        )


def test_adjacent_items_merge_into_one_span_and_split_again_at_the_sentence_end(city, units):
    draft = _draft(city)
    rows = [r for r in draft.rows.all() if r.section == 2]
    assert len(rows) >= 3
    first = services.merge_items(draft=draft, by=city.city_supervisor, ids=[rows[0].pk, rows[1].pk])
    first.refresh_from_db()
    assert (first.start, first.end) == (rows[0].start, rows[1].end)
    assert first.text == draft.text[rows[0].start : rows[1].end]
    review = review_of(draft)
    assert (review.merged, review.kept + review.dropped + review.merged) == (1, review.drafted)
    unmerged = list(draft.rows.exclude(state="merged"))
    with pytest.raises(ValidationError, match="adjacent|相邻"):
        services.merge_items(draft=draft, by=city.city_supervisor, ids=[unmerged[0].pk, unmerged[2].pk])
    cross = [r for r in draft.rows.exclude(state="merged") if r.section in (2, 3)]
    boundary = [cross[i].pk for i in range(len(cross) - 1) if cross[i].section != cross[i + 1].section]
    at = [r.pk for r in cross].index(boundary[0])
    with pytest.raises(ValidationError):
        services.merge_items(draft=draft, by=city.city_supervisor, ids=[cross[at].pk, cross[at + 1].pk])

    points = services.split_points(draft.text, first.start, first.end)
    assert points, first.text
    with pytest.raises(ValidationError):
        services.split_item(draft=draft, by=city.city_supervisor, item_id=first.pk, at=first.start + 2)
    second = services.split_item(draft=draft, by=city.city_supervisor, item_id=first.pk, at=points[0])
    first.refresh_from_db()
    assert draft.text[first.end - 1] == "。" and second.start >= first.end
    assert second.end == rows[1].end and second.lead_unit_id == first.lead_unit_id
    review = review_of(draft)
    assert review.split == 1 and review.kept + review.dropped + review.merged == review.drafted + 1
    assert AuditEvent.objects.filter(action__in=["ingest.merge", "ingest.split"]).count() == 2


def test_cadences_in_the_text_are_proposed_by_frequency():
    items = [{"kind": "cadence", "text": t} for t in ("一周一调度", "每周", "按月", "两周一汇报", "每年")]
    assert rhythm.proposals(items) == [
        ("weekly", "一周一调度", 2),
        ("monthly", "按月", 1),
        ("biweekly", "两周一汇报", 1),
    ]
    assert rhythm.frequency_of("三个月一评估") == "quarterly"
    monday = rhythm.next_period_start("weekly", dt.date(2026, 12, 2))
    assert monday == dt.date(2026, 12, 7)
    assert rhythm.next_period_start("monthly", dt.date(2026, 12, 2)) == dt.date(2027, 1, 1)
    assert rhythm.next_period_start("quarterly", dt.date(2026, 5, 2)) == dt.date(2026, 7, 1)


def test_the_list_is_created_with_a_weekly_rhythm_and_its_tasks_report_from_the_next_cycle(
    city, units, clock
):
    draft = _draft(city)
    kept = list(draft.rows.filter(state="kept"))
    services.update_items(
        draft=draft,
        by=city.city_supervisor,
        ids=[r.pk for r in kept],
        change=services.Assignment(lead_unit=city.qingshan),
    )
    lists = services.create_list_from_draft(
        draft=draft,
        by=city.city_supervisor,
        list_name="重点工作清单",
        rhythm=services.Rhythm(frequency="weekly", name="一周一调度"),
    )
    [task_list] = lists
    assert task_list.tasks.count() == len(kept)
    cadence = Cadence.objects.get(task_list=task_list)
    today = clock.today() if hasattr(clock, "today") else None
    from luoshi.core import clock as core_clock

    today = core_clock.today()
    assert cadence.anchor == rhythm.next_period_start("weekly", today) and cadence.anchor > today
    assert (
        dispatch.open_due_cycles(now=core_clock.now()) == []
        or not Report.objects.filter(task__task_list=task_list).exists()
    )
    clock.set(cadence.anchor)
    dispatch.open_due_cycles(now=core_clock.now())
    assert Report.objects.filter(task__task_list=task_list).count() == len(kept)
    draft.refresh_from_db()
    assert draft.state == ImportDraft.State.USED and draft.task_list == task_list


def test_a_kept_item_without_a_lead_unit_stops_the_list_and_nothing_is_written(city, units):
    draft = _draft(city)
    with pytest.raises(ValidationError, match="“"):
        services.create_list_from_draft(draft=draft, by=city.city_supervisor, list_name="清单")
    assert not Task.objects.exists() and not city.plan.lists.filter(name="清单").exists()


def test_one_bad_item_creates_nothing(city, units):
    draft = _draft(city)
    kept = list(draft.rows.filter(state="kept"))
    services.update_items(
        draft=draft,
        by=city.city_supervisor,
        ids=[r.pk for r in kept],
        change=services.Assignment(lead_unit=city.qingshan),
    )
    kept[-1].co_units.add(city.qingshan)  # the lead unit cannot also be a co-unit
    with pytest.raises(ValidationError, match=str(len(kept))):
        services.create_list_from_draft(draft=draft, by=city.city_supervisor, list_name="重点工作清单")
    assert not Task.objects.exists() and not Cadence.objects.filter(task_list__name="重点工作清单").exists()


def test_items_given_another_list_go_to_that_list(city, units):
    draft = _draft(city)
    kept = list(draft.rows.filter(state="kept"))
    by = city.city_supervisor
    services.update_items(
        draft=draft, by=by, ids=[r.pk for r in kept], change=services.Assignment(lead_unit=city.qingshan)
    )
    services.update_items(
        draft=draft, by=by, ids=[kept[0].pk], change=services.Assignment(list_name=city.economy.name)
    )
    lists = services.create_list_from_draft(draft=draft, by=by, list_name="重点工作清单")
    assert {tl.name for tl in lists} == {"重点工作清单", city.economy.name}
    assert city.economy.tasks.count() == 1 and not Cadence.objects.exists()


def test_the_page_does_the_bulk_edit_merge_split_and_create(client, city, units):
    draft = _draft(city)
    client.force_login(city.city_supervisor)
    url = reverse("ingest:draft_review", args=[draft.pk])
    kept = list(draft.rows.filter(state="kept"))
    response = client.post(
        url, {"action": "assign", "selected": [r.pk for r in kept], "lead_unit": city.fgw.pk}
    )
    assert response.status_code == 302
    assert set(draft.rows.filter(state="kept").values_list("lead_unit", flat=True)) == {city.fgw.pk}
    response = client.post(url, {"action": "assign", "selected": [kept[0].pk]})
    assert response.status_code == 200  # nothing chosen to set: said, nothing written
    response = client.post(url, {"split": f"{kept[0].pk}:{kept[0].start + 1}"})
    assert response.status_code == 200
    page = client.get(url)
    assert page.context["create"]["frequency"].value() == "weekly"
    response = client.post(
        url, {"action": "create", "list_name": "方案清单", "frequency": "weekly", "rhythm_name": "一周一调度"}
    )
    assert response.status_code == 302
    assert Cadence.objects.get(task_list__name="方案清单").frequency == "weekly"


def test_an_administrator_keeps_the_alias_table(city, units):
    added = aliases.generate_aliases(by=city.admin)
    assert UnitAlias.objects.filter(alias="市住建局", unit=units["zj"]).exists() and added > 0
    assert aliases.generate_aliases(by=city.admin) == 0
    informal = aliases.add_alias(alias="建设局", unit=units["zj"], by=city.admin)
    assert Directory.for_units([units["zj"], units["rs"]]).match("建设局").how == "alias"
    with pytest.raises(ValidationError) as caught:
        aliases.add_alias(alias="建设局", unit=units["zj"], by=city.admin)
    assert "alias" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        aliases.add_alias(alias="城管委", unit=units["zj"], by=city.city_supervisor)
    aliases.remove_alias(alias=informal, by=city.admin)
    assert AuditEvent.objects.filter(action__startswith="unit_alias.").count() == 3


def test_the_alias_page_is_for_administrators(client, city, units):
    client.force_login(city.city_supervisor)
    assert client.get(reverse("orgs:alias_list")).status_code == 403
    client.force_login(city.admin)
    response = client.post(reverse("orgs:alias_list"), {"alias": "城管委", "unit": units["zj"].pk})
    assert response.status_code == 302 and UnitAlias.objects.filter(alias="城管委").exists()
    response = client.post(reverse("orgs:alias_list"), {"alias": "", "unit": units["zj"].pk})
    assert response.status_code == 200 and response.context["form"].errors["alias"]


def test_the_alias_search_finds_by_alias_or_unit_and_refuses_a_nul_quietly(client, city, units):
    aliases.add_alias(alias="城管委", unit=units["zj"], by=city.admin)
    client.force_login(city.admin)
    found = client.get(reverse("orgs:alias_list"), {"q": "城管"})
    assert [row.alias for row in found.context["aliases"]] == ["城管委"]
    # PostgreSQL refuses a NUL in a query: the search field refuses it first, and the page lists everything.
    hostile = client.get(reverse("orgs:alias_list"), {"q": "城管\x00"})
    assert hostile.status_code == 200 and hostile.context["q"] == ""


def test_the_review_pages_unit_choices_are_searched_among_many_units_within_scope(city, monkeypatch):
    from luoshi.core import forms as core_forms

    monkeypatch.setattr(core_forms, "LISTED_CHOICES", 1)  # searched, not listed, as a province's units are
    draft = _draft(city)
    client = _client_for(city)
    url = reverse("ingest:draft_review", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="unmatched-row"' in page  # 市城管委 is not in the tree
    for name in ("unit", "lead_unit", "co_units"):
        assert f'data-choices="{name}"' in page
        answer = client.get(url, {"choices": name, "find": "县"}).json()
        assert [o["label"] for o in answer["options"]] == ["\u3000青山县", "\u3000白沙县"]
    assert client.get(url, {"choices": "list_name", "find": "县"}).status_code == 404
    assert "白沙县</option>" not in page
