"""Assessment runs: the facts read from the work, scored and ranked within each category, and a run that a
re-score from its snapshot reproduces to the byte."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from luoshi.assessment import services
from luoshi.assessment.models import IndicatorSystem, Metric, Result, Run
from luoshi.assessment.tests.conftest import AS_OF, END, START, indicator, results, run
from luoshi.audit.models import AuditEvent
from luoshi.plans.models import Task


def test_a_run_scores_each_unit_from_its_facts_and_ranks_it_within_its_category(city, system, october):
    first = run(city, system)
    # 青山县: tasks 3/4 × 60 = 45, item late 0 × 20, rating 90% × 20 = 18 → 63.
    # 白沙县: tasks 1/2 × 60 = 30, item on time 20, rating 70% × 20 = 14 → 64.
    # 市发展改革委 is ranked among departments on its task alone: 100.
    assert results(first) == {
        "白沙县": (D("64.00"), 1, None),
        "青山县": (D("63.00"), 2, None),
        "市发展改革委": (D("100.00"), 1, None),
    }
    tasks = indicator(system, Metric.TASKS_ON_TIME)
    qingshan = next(u for u in first.snapshot["units"] if u["name"] == "青山县")
    fact = qingshan["facts"][str(tasks.pk)]
    assert (fact["hits"], fact["of"], fact["misses"]) == (3, 4, [october["late_task"].pk])


def test_townships_without_weights_and_the_office_itself_are_not_assessed(city, system, october):
    names = {u["name"] for u in run(city, system).snapshot["units"]}
    assert names == {"青山县", "白沙县", "市发展改革委"}


def test_a_rescore_from_the_snapshot_reproduces_the_run_byte_for_byte(city, system, october):
    first = run(city, system)
    Task.objects.filter(pk=october["late_task"].pk).update(completed_on=dt.date(2026, 10, 30))
    again = services.rescore(Run.objects.get(pk=first.pk))  # read back from the database
    assert services.digest_of(again) == first.digest  # the later fix does not touch the past run
    second = run(city, system)
    assert second.digest != first.digest
    assert results(second)["青山县"] == (D("78.00"), 1, 1)  # 4/4 on time now (+15): 进位 from 2nd to 1st
    assert results(second)["白沙县"] == (D("64.00"), 2, -1)


def test_a_rater_marks_again_and_the_latest_mark_counts(city, system, october):
    rating = indicator(system, Metric.RATING)
    services.rate(
        indicator=rating, unit=city.qingshan, rater=city.leader, mark=D(100), on=dt.date(2026, 10, 31)
    )
    services.rate(
        indicator=rating, unit=city.qingshan, rater=city.city_supervisor, mark=D(80), on=dt.date(2026, 10, 31)
    )
    qingshan = next(u for u in run(city, system).snapshot["units"] if u["name"] == "青山县")
    marks = qingshan["facts"][str(rating.pk)]["marks"]
    assert sorted(D(m) for m in marks) == [D(80), D(100)]  # the leader's 90 of the 30th gave way to 100


def test_only_the_offices_over_a_unit_and_leaders_rate_it(city, system):
    rating = indicator(system, Metric.RATING)
    for person in (city.county_liaison, city.outsider, city.department_liaison):
        with pytest.raises(ValidationError):
            services.rate(indicator=rating, unit=city.qingshan, rater=person, mark=D(60), on=START)
    with pytest.raises(ValidationError, match="不是评议指标"):
        tasks = indicator(system, Metric.TASKS_ON_TIME)
        services.rate(indicator=tasks, unit=city.qingshan, rater=city.leader, mark=D(60), on=START)
    with pytest.raises(ValidationError):
        services.rate(indicator=rating, unit=city.qingshan, rater=city.leader, mark=D(101), on=START)


def test_bonus_and_penalty_points_are_capped_per_side(city, system, october):
    office = city.city_supervisor
    services.award(system=system, unit=city.qingshan, points=D(4), reason="省级试点", on=END, by=office)
    services.award(system=system, unit=city.qingshan, points=D(3), reason="国家级表彰", on=END, by=office)
    services.award(system=system, unit=city.baisha, points=D(-2), reason="安全生产事故", on=END, by=office)
    ranked = results(run(city, system))
    assert ranked["青山县"] == (D("68.00"), 1, None)  # 63 + 5 (capped from 7)
    assert ranked["白沙县"] == (D("62.00"), 2, None)  # 64 − 2


def test_an_award_to_a_unit_outside_the_system_is_refused(city, system):
    other = services.create_system(
        owner=city.qingshan, year=2026, name="青山县乡镇考核", by=city.county_supervisor
    )
    with pytest.raises(ValidationError, match="白沙县"):
        services.award(
            system=other, unit=city.baisha, points=D(1), reason="x", on=END, by=city.city_supervisor
        )


def test_weights_that_do_not_add_up_refuse_the_run_and_write_nothing(city, system):
    services.set_weight(
        indicator=indicator(system, Metric.RATING), category="county", weight=D(25), by=city.city_supervisor
    )
    with pytest.raises(ValidationError) as refused:
        run(city, system)
    assert "县（市、区）：一级指标合计105分，与总分值100分不符。" in str(refused.value)
    assert not Run.objects.exists() and not Result.objects.exists()


def test_only_the_office_over_the_units_runs_an_assessment(city, system):
    for person in (city.county_supervisor, city.county_liaison, city.leader, city.outsider):
        with pytest.raises(ValidationError):
            services.run_assessment(system=system, period_start=START, period_end=END, by=person, now=AS_OF)
    assert not Run.objects.exists()


def test_every_write_leaves_an_audit_event(city, system, october):
    done = run(city, system)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"indicator_system.create", "indicator.create", "indicator_weight.set", "assessment_rating.create",
            "assessment_run.create"} <= actions  # fmt: skip
    event = AuditEvent.objects.get(action="assessment_run.create")
    assert (event.after["digest"], event.after["units"]) == (done.digest, 3)


def test_a_system_is_seen_by_the_units_it_assesses_and_the_offices_over_its_owner(city, system):
    county = services.create_system(
        owner=city.qingshan, year=2026, name="青山县乡镇考核", by=city.county_supervisor
    )

    def seen(person):
        return set(IndicatorSystem.objects.visible_to(person))

    assert seen(city.city_supervisor) == {system, county}
    assert seen(city.county_liaison) == {system, county}  # the city's assesses 青山县; its own office's
    assert seen(city.township_liaison) == {system, county}
    assert seen(city.outsider) == {system}  # 白沙县 is assessed by the city, not by 青山县
    assert seen(city.admin) == {system, county}
