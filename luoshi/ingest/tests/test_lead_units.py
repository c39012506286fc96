"""The lead unit of a drafted item is the one the text says leads (牵头, 负责, 牵头单位：…), not the first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from luoshi.ingest import services
from luoshi.ingest.roles import Role, assignment_end, roles
from luoshi.ingest.units import find_mentions
from luoshi.testing import make_unit

CORPUS = Path(__file__).resolve().parents[2] / "text" / "tests" / "corpus" / "reports"
TASK = "加快推进老旧小区改造"


@pytest.fixture
def offices(city):
    """The city's offices under their full names; the documents call them 市发改委, 市财政局, 市住建局."""
    return {
        "市发改委": city.fgw,
        "市财政局": make_unit("临江市财政局", "department", city.city),
        "市住建局": make_unit("临江市住房和城乡建设局", "department", city.city),
    }


def _row(city, text):
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="方案.txt", raw_text=text
    )
    return draft.rows.get(text__startswith=TASK)


@pytest.mark.parametrize(
    ("text", "lead", "co"),
    [
        (
            f"{TASK}（牵头单位：市发改委；配合单位：市财政局、市住建局）。",
            "市发改委",
            ["市财政局", "市住建局"],
        ),
        (f"{TASK}，市发改委牵头，市财政局、市住建局配合。", "市发改委", ["市财政局", "市住建局"]),
        (f"{TASK}，市财政局、市住建局配合，市发改委牵头。", "市发改委", ["市财政局", "市住建局"]),
        (f"{TASK}，责任单位：市发改委（牵头）、市财政局。", "市发改委", ["市财政局"]),
        (f"{TASK}（责任单位：市财政局、市发改委（牵头））。", "市发改委", ["市财政局"]),
        (f"{TASK}（配合单位：市财政局；牵头单位：市住建局）。", "市住建局", ["市财政局"]),
        (f"{TASK}，市财政局参与，市住建局负责。", "市住建局", ["市财政局"]),
        (f"{TASK}，市财政局协同，由市发改委会同市住建局负责。", "市发改委", ["市财政局", "市住建局"]),
        (f"{TASK}，年底前完成。（市财政局配合，市住建局牵头）", "市住建局", ["市财政局"]),
        (f"{TASK}，年底前完成。责任单位：市住建局、市财政局。", "市住建局", ["市财政局"]),
        (f"{TASK}，市住建局、市财政局按职责分工负责。", "市住建局", ["市财政局"]),
        (f"{TASK}，由市发改委会同市财政局、市住建局负责。", "市发改委", ["市财政局", "市住建局"]),
        (f"{TASK}。（市住建局会同市发改委、市财政局）", "市住建局", ["市发改委", "市财政局"]),
    ],
)
def test_the_unit_the_text_says_leads_is_the_lead_unit_wherever_it_is_named(city, offices, text, lead, co):
    row = _row(city, f"一、城市更新\n{text}\n")
    assert row.lead_unit == offices[lead]
    assert sorted(u.pk for u in row.co_units.all()) == sorted(offices[name].pk for name in co)


def test_without_a_role_word_the_first_unit_named_leads(city, offices):
    row = _row(
        city,
        "一、城市更新\n加快推进老旧小区改造，市住建局和市财政局年底前完成。责任单位：市住建局、市财政局。\n",
    )
    assert row.lead_unit == offices["市住建局"]
    assert [u.pk for u in row.co_units.all()] == [offices["市财政局"].pk]


def test_units_that_only_assist_get_no_lead_and_nothing_is_guessed(city, offices):
    row = _row(city, "一、城市更新\n加快推进老旧小区改造，市财政局、市住建局配合，年底前完成。\n")
    assert row.lead_unit is None
    assert {u.pk for u in row.co_units.all()} == {offices["市财政局"].pk, offices["市住建局"].pk}


def test_a_lead_the_tree_does_not_know_leaves_the_lead_to_the_supervisor(city, offices):
    row = _row(city, "一、城市更新\n加快推进老旧小区改造，市财政局配合，市城管委牵头。\n")
    assert row.lead_unit is None and row.unmatched == ["市城管委"]
    assert [u.pk for u in row.co_units.all()] == [offices["市财政局"].pk]
    services.resolve_mention(draft=row.draft, by=city.city_supervisor, name="市城管委", unit=city.qingshan)
    row.refresh_from_db()
    assert row.lead_unit == city.qingshan  # chosen, and it is the one the text said leads


def test_the_assignment_after_an_item_is_read_but_not_the_next_item():
    text = "加快推进老旧小区改造。（市财政局配合，市住建局牵头）推进垃圾分类，市城管委负责。"
    end = assignment_end(text, text.index("。"))
    assert text[:end] == "加快推进老旧小区改造。（市财政局配合，市住建局牵头）"


def _sentences_with(word):
    for path in sorted(CORPUS.glob("*.txt")):
        for sentence in re.split(r"[。；\n]", path.read_text(encoding="utf-8")):
            if word in sentence:
                yield sentence


def test_the_corpus_lead_words_name_no_unit_so_they_lead_nothing():
    """The reports say 牵头 of enterprises and of "a department" (由一个部门牵头、多个部门协同): no unit."""
    sentences = list(_sentences_with("牵头"))
    assert len(sentences) >= 4
    assert any("由一个部门牵头、多个部门协同" in s for s in sentences)
    assert any("支持企业牵头组建创新联合体" in s for s in sentences)
    for sentence in sentences:
        assert find_mentions(sentence) == [], sentence


def test_a_corpus_sentence_with_units_put_in_leads_by_its_role_words(city, offices):
    """A real 牵头…协同 sentence of the Guangdong report, with the city's offices in the place of 部门."""
    [sentence] = [s for s in _sentences_with("由一个部门牵头、多个部门协同")]
    text = sentence.replace("由一个部门牵头、多个部门协同", "由市财政局协同，市住建局牵头")
    mentions = find_mentions(text)
    assert [name for _at, name in mentions] == ["市财政局", "市住建局"]
    assert roles(text, mentions) == [Role.ASSISTS, Role.LEADS]
