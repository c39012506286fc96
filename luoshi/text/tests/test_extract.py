"""The extractor on the three work reports and on small cases of each phenomenon. No database."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.text.extract import Item, extract, short_forms

REPORTS = Path(__file__).parent / "corpus" / "reports"
DOCS = ("gwr2026_beijing.txt", "gwr2026_guangdong.txt", "gwr2026_sichuan.txt")
EXPECTED = json.loads((REPORTS / "expected-targets.json").read_text(encoding="utf-8"))


@cache
def report(name: str) -> tuple[str, tuple[Item, ...]]:
    text = (REPORTS / name).read_text(encoding="utf-8")
    return text, tuple(extract(text))


def only(items: list[Item], kind: str) -> list[Item]:
    return [i for i in items if i.kind == kind]


def target(text: str) -> Item:
    (found,) = only(extract(text), "target")
    return found


# The three reports


@pytest.mark.parametrize(
    "expected",
    EXPECTED,
    ids=[
        f"{e['doc'][8:-4]}-{n}-{e['value'].replace('—', '-')}{e['unit'] * e['unit'].isascii()}"
        for n, e in enumerate(EXPECTED, 1)
    ],
)
def test_every_annual_target_of_the_report_is_found_with_its_value_and_unit(expected):
    _, items = report(expected["doc"])
    matches = [
        i
        for i in items
        if i.kind == "target"
        and expected["text"] in i.text
        and (i.value, i.unit) == (expected["value"], expected["unit"])
    ]
    assert matches, [(i.text, i.value, i.unit) for i in items if i.kind == "target"]


@pytest.mark.parametrize("name", DOCS)
def test_every_item_of_a_report_is_a_true_span_of_it(name):
    text, items = report(name)
    assert items
    for item in items:
        assert 0 <= item.start < item.end <= len(text)
        assert text[item.start : item.end] == item.text


@pytest.mark.parametrize("name", DOCS)
def test_a_report_yields_tasks_and_targets(name, capsys):
    _, items = report(name)
    counts = Counter(i.kind for i in items)
    with capsys.disabled():
        print(f"\n{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    assert counts["task"] > 100 and counts["target"] >= 5


def test_the_review_of_last_year_is_not_read_as_promises():
    text = (
        "一、2025年工作回顾\n地区生产总值增长5.2%，建成5G基站3万个。\n"
        "二、2026年工作安排\n新建5G基站2万个以上。\n"
    )
    assert [i.value for i in only(extract(text), "target")] == ["2"]
    assert {i.value for i in only(extract(text, include_review=True), "target")} == {"5.2", "3", "2"}


def test_the_goals_paragraph_is_found_across_a_line_break():
    text = (
        "今年经济社会发展的\n主要预期目标\n"
        "是：地区生产总值增长5%左右；城镇新增就业八十五万人；粮食产量稳定在730亿斤以上。"
    )
    got = [(i.text, i.value, i.unit, i.qualifier) for i in only(extract(text), "target")]
    assert got == [
        ("地区生产总值增长5%左右", "5", "%", "左右"),
        ("城镇新增就业八十五万人", "85", "万人", None),
        ("粮食产量稳定在730亿斤以上", "730", "亿斤", "以上"),
    ]


# Targets


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("地区生产总值增长4.5%—5%。", "4.5—5", "%"),
        ("地区生产总值增长4.5%-5%。", "4.5—5", "%"),
        ("地区生产总值增长4.5—5%。", "4.5—5", "%"),
        ("地区生产总值增长百分之四点五至五。", "4.5—5", "%"),
    ],
    ids=["em dash", "hyphen", "unit once", "chinese"],
)
def test_a_range_is_one_target_with_both_ends(text, value, unit):
    found = target(text)
    assert (found.value, found.unit, found.direction) == (value, unit, "higher")


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("城镇新增就业一千二百万人以上。", "1200", "万人"),
        ("城镇新增就业八十五万人。", "85", "万人"),
        ("城镇新增就业85万人。", "85", "万人"),
        ("新建保障性住房两千套。", "2000", "套"),
        ("外贸进出口总额达到1.2万亿元。", "1.2", "万亿元"),
        ("研发经费投入增长百分之八。", "8", "%"),
    ],
    ids=["chinese-with-wan", "chinese-85-wan", "arabic-85-wan", "chinese-counter", "wanyi", "baifenzhi"],
)
def test_numbers_are_normalised_and_a_magnitude_stays_in_the_unit(text, value, unit):
    found = target(text)
    assert (found.value, found.unit) == (value, unit)


@pytest.mark.parametrize(
    ("text", "qualifier", "direction"),
    [
        ("地区生产总值增长5%左右。", "左右", "higher"),
        ("城镇调查失业率控制在5.5%以内。", "以内", "lower"),
        ("粮食产量730亿斤以上。", "以上", "higher"),
        ("研发投入强度不低于3%。", "不低于", "higher"),
        ("力争规上工业增加值增长6%。", "力争", "higher"),
        ("单位地区生产总值能耗下降2.5%。", None, "lower"),
        ("城镇调查失业率5.5%左右。", "左右", "lower"),
        ("居民消费价格涨幅2%左右。", "左右", None),
    ],
    ids=["about", "within", "at-least", "not-below", "strive", "decline", "unemployment", "cpi-no-direction"],
)
def test_qualifier_and_direction(text, qualifier, direction):
    found = target(text)
    assert (found.qualifier, found.direction) == (qualifier, direction)


def test_a_baseline_is_not_a_target_but_the_goal_is():
    found = target("常住人口城镇化率由60%提高到65%。")
    assert (found.text, found.value) == ("常住人口城镇化率由60%提高到65%", "65")


def test_what_a_counter_counts_is_part_of_the_target():
    found = target("新建社区食堂20个以上，新建5个区域医疗中心。".split("，")[1])
    assert (found.text, found.value, found.unit) == ("新建5个区域医疗中心", "5", "个")


@pytest.mark.parametrize(
    "text",
    ["2026年是“十五五”开局之年。", "重点做好以下10个方面工作。", "推进5G基站建设。", "落实“四个出新出彩”。"],
    ids=["year", "the-following-ten", "5g", "slogan-count"],
)
def test_years_ordinals_and_names_are_not_targets(text):
    assert only(extract(text), "target") == []


# Tasks


def test_each_committing_clause_is_a_task_and_lead_ins_are_not():
    text = "以数字化转型为抓手，加快建设全国统一大市场，推进基础设施互联互通；各区要压实属地责任。"
    assert [i.text for i in only(extract(text), "task")] == [
        "加快建设全国统一大市场",
        "推进基础设施互联互通",
        "各区要压实属地责任",
    ]


def test_an_enumerated_item_loses_its_marker():
    tasks = only(extract("一是完善考核评价机制；二是建立健全督查问责制度。"), "task")
    assert [t.text for t in tasks] == ["完善考核评价机制", "建立健全督查问责制度"]


def test_a_statement_of_past_work_is_not_a_task():
    assert only(extract("过去五年，我们推进了一批重大项目。"), "task") == []


# Deadlines


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("6月底前完成老旧小区改造。", "6月底前"),
        ("年底前建成投用。", "年底前"),
        ("一季度出台实施方案。", "一季度"),
        ("上半年启动试点。", "上半年"),
        ("到2027年，基本建成现代化产业体系。", "2027年"),
        ("2025年底前完成全部整改。", "2025年底前"),
        ("长期坚持，久久为功。", "长期坚持"),
    ],
    ids=["end-of-june", "year-end", "first-quarter", "first-half", "by-2027", "end-of-2025", "ongoing"],
)
def test_deadlines_are_found_and_given_to_the_task(text, deadline):
    items = extract(text)
    assert [d.deadline for d in only(items, "deadline")] == [deadline]
    assert all(t.deadline == deadline for t in only(items, "task"))


def test_dates_and_years_in_passing_are_not_deadlines():
    text = "2026年1月25日在第十六届人民代表大会上。2026年是“十五五”开局之年。比2020年增长一倍。"
    assert only(extract(text), "deadline") == []


# Cadences, lists, task forces


def test_cadences():
    items = only(extract("实行一周一调度、两周一汇报，每季度通报进展，月调度、季通报。"), "cadence")
    assert [i.text for i in items] == ["一周一调度", "两周一汇报", "每季度通报", "月调度", "季通报"]


def test_a_rate_per_person_is_not_a_cadence():
    assert only(extract("标准从每人每月2375元提高到2423元。"), "cadence") == []


def test_named_lists_with_and_without_a_count():
    items = only(extract("建立问题清单、任务清单和责任清单“三张清单”，实行清单化管理。"), "list")
    assert [(i.text, i.value, i.unit) for i in items] == [
        ("问题清单", None, None),
        ("任务清单", None, None),
        ("责任清单", None, None),
        ("三张清单", "3", "张"),
    ]


def test_task_forces():
    items = only(extract("组建五个专班，成立工作专班，强化专班推进。"), "task_force")
    assert [(i.text, i.value) for i in items] == [("五个专班", "5"), ("工作专班", None)]


# Units of the unit tree

UNITS = ["市发展改革委", "青山县", "市教育局", "县政府办公室", "区政府办公室"]


def test_short_forms_follow_the_rule():
    assert short_forms("市发展改革委") == {"发展改革委", "发改委", "市发改委"}
    assert "发改委" in short_forms("市发展和改革委员会")
    assert "工信局" in short_forms("市工业和信息化局")
    assert short_forms("市教育局") == {"教育局"}
    assert short_forms("青山县") == set()
    assert short_forms("市政府") == set()


def test_units_are_matched_by_name_and_short_form():
    (task,) = only(extract("发改委牵头，推进青山县产业园建设。", unit_names=UNITS), "task")
    assert task.units == ["市发展改革委", "青山县"]


def test_a_unit_that_leads_and_a_deadline_that_opens_a_clause_still_make_tasks():
    tasks = only(extract("市发改委牵头，青山县配合，6月底前完成。", unit_names=UNITS), "task")
    assert [(t.text, t.deadline) for t in tasks] == [("市发改委牵头，青山县配合，6月底前完成", "6月底前")]
    assert tasks[0].units == ["市发展改革委", "青山县"]


def test_a_short_form_of_another_level_or_two_units_is_not_matched():
    text = "对接国家发改委，加强政府办统筹。"
    assert all(i.units == [] for i in extract(text, unit_names=UNITS))


# Properties

REPORT_ALPHABET = st.sampled_from(
    list("增长下降控制在以内上左右力争不低于万亿元人个张清单专班月底前年季度一二三四五六七八九十百千两点零")
    + list("0123456789.%％—-～至到，。；、：（）“”\n 要加快推进完善机制建立每周调度回顾主要预期目标是")
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.text(REPORT_ALPHABET, max_size=300)))
def test_extract_never_raises_and_every_span_is_true(text):
    for item in extract(text, unit_names=UNITS):
        assert 0 <= item.start < item.end <= len(text)
        assert text[item.start : item.end] == item.text
        assert item.kind in {"task", "target", "deadline", "cadence", "list", "task_force"}
