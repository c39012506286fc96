"""The report checker: near-duplicates, reports without facts, slogan-heavy reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.report_quality import FLAGS, run
from luoshi.text.quality import Flag, check_report, count_facts, similarity

DATA = Path(__file__).resolve().parent.parent / "data" / "report_quality.jsonl"

LAST_WEEK = (
    "截至10月20日，二期标准化厂房累计完成投资1.85亿元，占年度计划的62%。本周3号厂房钢结构吊装完成40%，"
    "4号厂房开始柱脚螺栓预埋；协调供电公司完成10千伏临时用电接入。下周计划完成5号厂房桩基检测。"
)
THIS_WEEK_NEW_WORK = (
    "截至10月27日，二期标准化厂房累计完成投资2.07亿元，占年度计划的69%。本周5号厂房桩基检测合格，3号厂房"
    "屋面檩条安装过半；与2家意向入驻企业就租赁面积完成初步对接，合计需求1.1万平方米。"
)
SLOGANS = (
    "我局高度重视招商引资工作，认真贯彻落实县委县政府决策部署，统筹谋划、精心组织、强力推进，"
    "各项工作取得明显成效。下一步，我们将进一步加强组织领导，持续发力、久久为功，确保取得实效。"
)


def codes(text: str, previous: str | None = None) -> set[str]:
    return {flag.code for flag in check_report(text, previous=previous)}


# --- near_duplicate ---------------------------------------------------------------------------------------


def test_last_weeks_report_sent_again_is_a_near_duplicate() -> None:
    flags = [f for f in check_report(LAST_WEEK, previous=LAST_WEEK) if f.code == "near_duplicate"]
    assert flags == [Flag("near_duplicate", 1.0, {"similarity": 1.0, "repeated": 1.0})]


def test_a_report_that_only_moves_its_numbers_is_a_near_duplicate() -> None:
    moved = LAST_WEEK.replace("1.85亿元", "2.07亿元").replace("62%", "69%").replace("10月20日", "10月27日")
    assert "near_duplicate" in codes(moved, LAST_WEEK)


def test_last_weeks_report_with_a_closing_line_added_is_a_near_duplicate() -> None:
    assert "near_duplicate" in codes(LAST_WEEK + "下一步将继续跟踪推进，确保按期完成。", LAST_WEEK)


def test_a_near_duplicate_carries_its_similarity_and_the_share_repeated() -> None:
    longer = LAST_WEEK + "下一步将继续跟踪推进，确保按期完成。另外，本周还组织了安全生产专项检查。"
    (flag,) = [f for f in check_report(longer, previous=LAST_WEEK) if f.code == "near_duplicate"]
    assert set(flag.numbers) == {"similarity", "repeated"}
    assert flag.numbers["similarity"] == round(flag.score, 3)
    assert flag.numbers["similarity"] < flag.numbers["repeated"] <= 1.0


def test_same_template_with_new_work_is_not_a_near_duplicate() -> None:
    assert "near_duplicate" not in codes(THIS_WEEK_NEW_WORK, LAST_WEEK)


def test_a_first_report_has_nothing_to_duplicate() -> None:
    assert "near_duplicate" not in codes(LAST_WEEK, None)


# --- no_facts ---------------------------------------------------------------------------------------------


def test_a_report_that_says_work_is_under_way_has_no_facts() -> None:
    assert codes("工作正在推进中，下一步继续抓好落实。") == {"no_facts"}


def test_plans_and_undated_deadlines_are_not_facts() -> None:
    assert "no_facts" in codes("计划下周开始铺沥青，力争年底前全线完工。")


def test_short_report_with_a_number_and_unit_has_facts() -> None:
    assert codes("本周新签约项目2个，总投资5.6亿元。") == set()


def test_chinese_numerals_with_measure_words_are_facts() -> None:
    assert count_facts("走访小区五个，更换分类桶三十个。") == 2


def test_a_named_document_is_a_fact() -> None:
    assert codes("印发《工程建设项目审批容缺受理清单》。") == set()


def test_list_markers_and_set_phrases_are_not_facts() -> None:
    assert count_facts("1. 加强领导。2. 进一步压实责任，第一时间处置，5G网络建设。") == 0


def test_the_no_facts_flag_is_a_code_without_numbers() -> None:
    (flag,) = check_report("项目按计划施工，无异常情况。")
    assert flag == Flag("no_facts", 0.0)


# --- slogans ----------------------------------------------------------------------------------------------


def test_a_report_made_of_stock_phrases_is_slogans_and_has_no_facts() -> None:
    assert codes(SLOGANS) == {"slogans", "no_facts"}


def test_one_number_buried_in_slogans_is_still_slogans() -> None:
    text = SLOGANS.replace("各项工作取得明显成效", "本周签约项目1个，各项工作取得明显成效")
    assert codes(text) == {"slogans"}


def test_enumerated_exhortations_are_slogans() -> None:
    assert "slogans" in codes(
        "一是加强领导，二是压实责任，三是强化督导，四是注重宣传，确保各项工作落细落实。"
    )


def test_a_stock_opening_before_many_facts_is_not_slogans() -> None:
    text = "我局高度重视，精心组织，本周检查危化品企业9家，发现隐患23项，已整改18项，对1家企业罚款3万元。"
    assert codes(text) == set()


def test_a_plain_vague_report_is_not_slogans() -> None:
    assert "slogans" not in codes("对企业进行了检查，存在的问题已经要求整改，下周再去看看。")


def test_the_slogans_flag_reports_its_share() -> None:
    (flag,) = [f for f in check_report(SLOGANS) if f.code == "slogans"]
    assert 0.5 < flag.score <= 1.0
    assert flag.numbers == {"share": flag.score, "facts": 0}


# --- similarity -------------------------------------------------------------------------------------------


def test_identical_texts_are_fully_similar() -> None:
    assert similarity(LAST_WEEK, LAST_WEEK) == 1.0


def test_whitespace_punctuation_and_width_do_not_count() -> None:
    spaced = LAST_WEEK.replace("，", ", ").replace("。", "。\n").replace("3号", "３号")
    assert similarity(spaced, LAST_WEEK) == 1.0


def test_unrelated_reports_are_not_similar() -> None:
    other = (
        "本周对全县52所中小学校食堂开展检查，检查覆盖率100%，发现问题19个，主要是留样记录不全和防蝇设施破损。"
    )
    assert similarity(other, LAST_WEEK) < 0.2


def test_similarity_is_symmetric_and_deterministic() -> None:
    assert similarity(THIS_WEEK_NEW_WORK, LAST_WEEK) == pytest.approx(
        similarity(LAST_WEEK, THIS_WEEK_NEW_WORK)
    )
    assert similarity(THIS_WEEK_NEW_WORK, LAST_WEEK) == similarity(THIS_WEEK_NEW_WORK, LAST_WEEK)


def test_numbers_count_only_when_asked() -> None:
    a, b = "累计完成投资2.3亿元，主体结构完工", "累计完成投资2.5亿元，主体结构完工"
    assert similarity(a, b) == 1.0
    assert similarity(a, b, mask_numbers=False) < 1.0


def test_empty_texts() -> None:
    assert similarity("", "") == 1.0
    assert similarity("", LAST_WEEK) == 0.0
    assert check_report("", previous="") == [Flag("no_facts", 0.0)]


@settings(max_examples=200, deadline=None)
@given(st.text(), st.one_of(st.none(), st.text()))
def test_check_report_never_raises(text: str, previous: str | None) -> None:
    for flag in check_report(text, previous=previous):
        assert flag.code in FLAGS
        assert flag.score >= 0.0


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet="本周完成项目投资亿元万个家，。、1234567890.高度重视精心组织", max_size=80),
    st.text(max_size=80),
)
def test_similarity_stays_in_range_and_symmetric(a: str, b: str) -> None:
    ab, ba = similarity(a, b), similarity(b, a)
    assert 0.0 <= ab <= 1.0
    assert ab == pytest.approx(ba)


# --- the labelled set -------------------------------------------------------------------------------------


def test_the_labelled_set_is_well_formed() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 200
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert {"id", "task", "text", "previous", "labels"} <= row.keys()
        assert isinstance(row["text"], str) and row["text"]
        assert row["previous"] is None or isinstance(row["previous"], str)
        assert set(row["labels"]) == set(FLAGS)
        assert all(isinstance(v, bool) for v in row["labels"].values())
    for code in FLAGS:
        positives = sum(r["labels"][code] for r in rows)
        assert positives >= 25, code
        assert len(rows) - positives >= 25, code


def test_each_flag_keeps_precision_and_recall_above_the_floor() -> None:
    # A regression guard, not a target: measured at 1.00/0.86, 1.00/0.96 and 1.00/1.00 when written.
    result = run(verbose=False)
    for code in FLAGS:
        assert result[code]["precision"] >= 0.7, code
        assert result[code]["recall"] >= 0.7, code
