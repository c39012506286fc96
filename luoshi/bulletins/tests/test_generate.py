"""Generating a bulletin: every section drafted from the facts, the rows behind each figure kept, the
progress counted, the generation audited; a generation that breaks is shown as failed."""

from __future__ import annotations

import pytest

from luoshi.audit.models import AuditEvent
from luoshi.bulletins import drafting, services
from luoshi.bulletins.models import Kind, Section, State

from .conftest import new_bulletin


def sections(bulletin):
    return {s.kind: s for s in bulletin.sections.all()}


def figures(section):
    return {f["key"]: f["count"] for f in section.figures}


def test_the_job_drafts_every_section_in_order_and_the_bulletin_is_ready(ready):
    assert ready.state == State.READY
    assert (ready.steps_done, ready.steps_total) == (7, 7)
    assert [s.kind for s in ready.sections.order_by("order")] == list(Kind.values)
    assert ready.generated_at is not None


def test_the_overview_counts_reports_due_on_time_late_and_missing(ready, october_world):
    overview = sections(ready)[Kind.OVERVIEW]
    sent = len(october_world["sent"])
    assert figures(overview)["reports:late"] == 1
    assert figures(overview)["reports:missing"] == 1
    due = sent + 2
    assert f"{due}份" in overview.text and f"按时报送{sent}份" in overview.text, overview.text
    assert "迟报1份" in overview.text and "漏报1份" in overview.text
    by_unit = {r["cells"][0]: r["cells"] for r in overview.rows}
    assert sum(cells[5] for cells in by_unit.values()) == due


def test_late_and_missing_reports_are_listed_with_links_to_them(ready, october_world):
    reports = sections(ready)[Kind.REPORTS]
    rows = {r["group"]: r for r in reports.rows}
    assert rows["late"]["url"] == f"/reports/{october_world['late'].pk}/"
    assert rows["missing"]["url"] == f"/reports/{october_world['missing'].pk}/"
    assert rows["missing"]["cells"][3] == ""  # never sent


def test_the_ranking_comes_from_the_run_with_links_to_each_units_trace(ready, october_world, city):
    run = october_world["run"]
    ranking = sections(ready)[Kind.RANKING]
    counties = [r for r in ranking.rows if r["group"] == "county"]
    ranked = list(run.results.filter(category="county").order_by("rank").values_list("unit__name", "rank"))
    assert [(r["cells"][1], r["cells"][0]) for r in counties] == ranked
    assert counties[0]["url"] == f"/assessment/runs/{run.pk}/units/{city.qingshan.pk}/"
    assert "青山县" in ranking.text


def test_overdue_items_and_commendations_and_criticisms_are_there(ready, october_world):
    overdue = sections(ready)[Kind.OVERDUE]
    assert figures(overdue)["overdue:items"] == 1
    assert overdue.rows[0]["url"] == f"/supervision/{october_world['overdue'].pk}/"
    records = sections(ready)[Kind.RECORDS]
    assert figures(records) == {"records:commendations": 1, "records:criticisms": 1}
    assert "青山县" in records.text and "白沙县" in records.text


def test_a_bulletin_without_a_run_says_so(generated):
    bulletin = generated(run=None)
    ranking = Section.objects.get(bulletin=bulletin, kind=Kind.RANKING)
    assert ranking.rows == [] and ranking.text


def test_a_county_bulletin_covers_only_the_county(city, generated):
    bulletin = generated(scope=city.qingshan)
    units = {r["cells"][0] for s in bulletin.sections.all() for r in s.rows if s.kind != Kind.RANKING}
    units |= {r["cells"][1] for r in Section.objects.get(bulletin=bulletin, kind=Kind.RANKING).rows}
    assert "白沙县" not in units and "青山县" in units


def test_generation_is_audited_with_its_figures(ready):
    event = AuditEvent.objects.get(action="bulletin.generate", object_id=str(ready.pk))
    assert event.after["figures"]["reports"] == {"reports:late": 1, "reports:missing": 1}


def test_a_generation_that_breaks_is_marked_failed_with_why(city, october_world, monkeypatch):
    bulletin = new_bulletin(city, october_world)  # not run: the test runs it

    def broken(facts):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(drafting, "BUILDERS", (drafting.overview, broken))
    done = services.generate(bulletin)
    assert done.state == State.FAILED and "went away" in done.error
    assert done.steps_done == 1


@pytest.mark.parametrize(
    "n, said", [(1, "一"), (7, "七"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五")]
)
def test_sections_are_numbered_in_chinese(n, said):
    assert drafting.chinese_number(n) == said


def test_generation_reads_the_facts_in_the_same_number_of_queries_however_many_rows(city, october_world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.testing import make_task

    def queries() -> int:
        bulletin = new_bulletin(city, october_world)
        with CaptureQueriesContext(connection) as ctx:
            assert services.generate(bulletin).state == State.READY
        return len(ctx.captured_queries)

    few = queries()
    for unit in (city.fgw, city.baisha, city.qingshan_town, city.longquan_town):
        make_task(city, lead_unit=unit, title=f"{unit.name}的新任务")
    assert queries() == few
