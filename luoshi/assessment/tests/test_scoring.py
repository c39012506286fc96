"""The scoring and ranking rules (luoshi.assessment.scoring), one table per rule."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.assessment.scoring import (
    LOWER,
    Adjustment,
    Caps,
    Leaf,
    Method,
    Node,
    Rate,
    Ratings,
    UnitScore,
    Value,
    points,
    rank,
    score_unit,
    share_of,
    weight_errors,
)

ON_TIME = Leaf("on_time", D(30), Method.RATE)
RETURNS = Leaf("returns", D(10), Method.RATE, direction=LOWER)
GDP = Leaf("gdp", D(40), Method.ATTAINMENT, baseline=D(100), target=D(110))
PM25 = Leaf("pm25", D(10), Method.ATTAINMENT, direction=LOWER, baseline=D(40), target=D(35))
REVIEW = Leaf("review", D(10), Method.RATING)
LEAVES = [ON_TIME, RETURNS, GDP, PM25, REVIEW]


@pytest.mark.parametrize(
    ("leaf", "fact", "share"),
    [
        (ON_TIME, Rate(hits=9, of=12), D("0.75")),
        (ON_TIME, Rate(hits=12, of=12), D(1)),
        (ON_TIME, Rate(hits=0, of=12), D(0)),
        (ON_TIME, Rate(hits=9, of=12, excused=3), D(1)),  # the 3 late ones excused: 9 of 9
        (ON_TIME, Rate(hits=9, of=12, excused=1), D("0.8182")),  # 9 of 11, to four places
        (ON_TIME, Rate(hits=0, of=0), None),  # nothing was due: no facts
        (ON_TIME, Rate(hits=0, of=2, excused=2), None),  # everything due was excused
        (RETURNS, Rate(hits=2, of=20), D("0.9")),  # 2 of 20 returned: 90% of the points
        (RETURNS, Rate(hits=2, of=20, excused=2), D(1)),  # the bad rows of a lower rate are the hits
        (GDP, Value(D(105)), D("0.5")),
        (GDP, Value(D(112)), D(1)),  # beyond the target: full, never more
        (GDP, Value(D(95)), D(0)),  # below the baseline: nothing, never less
        (GDP, Value(None), None),
        (PM25, Value(D(37)), D("0.6")),  # lower is better: 40 → 37 of the way to 35
        (PM25, Value(D(41)), D(0)),
        (Leaf("x", D(5), Method.ATTAINMENT, target=D(10)), Value(D(10)), D(1)),  # no baseline: met
        (Leaf("x", D(5), Method.ATTAINMENT, target=D(10)), Value(D(9)), D(0)),  # no baseline: not met
        (Leaf("x", D(5), Method.ATTAINMENT, baseline=D(10), target=D(10)), Value(D(10)), D(1)),
        (Leaf("x", D(5), Method.ATTAINMENT), Value(D(10)), None),  # no target: nothing to score
        (REVIEW, Ratings((D(90), D(80), D(85))), D("0.85")),
        (REVIEW, Ratings(()), None),  # nobody marked it
        (REVIEW, Ratings((D(120),)), D(1)),  # a mark out of range is held to 100
        (ON_TIME, None, None),
    ],
)
def test_the_share_of_an_indicator_comes_from_its_facts(leaf, fact, share):
    assert share_of(leaf, fact) == share


@pytest.mark.parametrize(
    "fact",
    [
        Rate(hits=13, of=12),
        Rate(hits=-1, of=12),
        Rate(hits=12, of=12, excused=1),
        Rate(hits=1, of=2, excused=-1),
    ],
)
def test_an_impossible_rate_is_refused_with_its_indicator(fact):
    with pytest.raises(ValueError, match="on_time"):
        share_of(ON_TIME, fact)


FULL_FACTS = {
    "on_time": Rate(hits=9, of=12),  # 0.75 × 30 = 22.5
    "returns": Rate(hits=2, of=20),  # 0.9 × 10 = 9
    "gdp": Value(D(105)),  # 0.5 × 40 = 20
    "pm25": Value(D(37)),  # 0.6 × 10 = 6
    "review": Ratings((D(90), D(80), D(85))),  # 0.85 × 10 = 8.5
}


@pytest.mark.parametrize(
    ("facts", "adjustments", "caps", "base", "bonus", "penalty", "total"),
    [
        (FULL_FACTS, [], Caps(), D("66.00"), D(0), D(0), D("66.00")),
        # Without a rating: 57.5 earned of the 90 points it had facts for, scaled to 100.
        (
            {k: v for k, v in FULL_FACTS.items() if k != "review"},
            [],
            Caps(),
            D("63.89"),
            D(0),
            D(0),
            D("63.89"),
        ),
        ({}, [], Caps(), None, D(0), D(0), None),  # nothing to score: not ranked
        (
            FULL_FACTS,
            [Adjustment("award", D(2)), Adjustment("pilot", D(1.5))],
            Caps(),
            D(66),
            D("3.50"),
            D(0),
            D("69.50"),
        ),
        (
            FULL_FACTS,
            [Adjustment("a", D(4)), Adjustment("b", D(3))],
            Caps(bonus=D(5)),
            D(66),
            D(5),
            D(0),
            D(71),
        ),
        (
            FULL_FACTS,
            [Adjustment("accident", D(-3)), Adjustment("award", D(1))],
            Caps(),
            D(66),
            D(1),
            D(3),
            D(64),
        ),
        (
            FULL_FACTS,
            [Adjustment("a", D(-4)), Adjustment("b", D(-4))],
            Caps(penalty=D(6)),
            D(66),
            D(0),
            D(6),
            D(60),
        ),
        ({}, [Adjustment("award", D(2))], Caps(), None, D(2), D(0), None),  # points alone do not rank a unit
    ],
)
def test_a_units_total_is_its_scaled_weighted_score_with_capped_bonus_and_penalty(
    facts, adjustments, caps, base, bonus, penalty, total
):
    score = score_unit("青山县", LEAVES, facts, adjustments, caps)
    assert (score.base, score.bonus, score.penalty, score.total) == (base, bonus, penalty, total)


def test_each_indicators_points_are_kept_for_the_trace():
    score = score_unit("青山县", LEAVES, FULL_FACTS)
    assert {s.key: s.points for s in score.leaves} == {
        "on_time": D("22.50"),
        "returns": D("9.00"),
        "gdp": D("20.00"),
        "pm25": D("6.00"),
        "review": D("8.50"),
    }


def test_an_excused_late_report_is_not_counted_against_the_unit():
    late = score_unit("青山县", [ON_TIME], {"on_time": Rate(hits=10, of=12)})
    excused = score_unit("青山县", [ON_TIME], {"on_time": Rate(hits=10, of=12, excused=2)})
    assert (late.total, excused.total) == (D("25.00"), D("30.00"))


def test_category_weights_decide_what_an_indicator_is_worth():
    county = [
        Leaf("on_time", D(60), Method.RATE),
        Leaf("gdp", D(40), Method.ATTAINMENT, baseline=D(100), target=D(110)),
    ]
    department = [Leaf("on_time", D(100), Method.RATE)]
    facts = {"on_time": Rate(hits=9, of=12), "gdp": Value(D(110))}
    assert score_unit("青山县", county, facts).total == D("85.00")  # 45 + 40
    assert score_unit("市发展改革委", department, facts).total == D("75.00")  # no GDP of its own


def total(unit: str, value: str | None) -> UnitScore:
    t = None if value is None else D(value)
    return UnitScore(unit, (), t, D(0), D(0), t)


@pytest.mark.parametrize(
    ("totals", "previous", "expected"),
    [
        ([("甲", "90"), ("乙", "80"), ("丙", "70")], {}, [("甲", 1, None), ("乙", 2, None), ("丙", 3, None)]),
        # Equal totals share a rank, and the next one skips it (1, 2, 2, 4); ties are listed by name.
        (
            [("丁", "60"), ("丙", "80"), ("乙", "80"), ("甲", "90")],
            {},
            [("甲", 1, None), ("丙", 2, None), ("乙", 2, None), ("丁", 4, None)],
        ),
        # 进位 and 退位 since the previous run; a unit new to the category has no change.
        (
            [("甲", "70"), ("乙", "90"), ("丙", "80")],
            {"甲": 1, "乙": 3},
            [("乙", 1, 2), ("丙", 2, None), ("甲", 3, -2)],
        ),
        # A unit without facts is listed last, unranked.
        ([("甲", None), ("乙", "50")], {"甲": 1}, [("乙", 1, None), ("甲", None, None)]),
        ([], {}, []),
    ],
)
def test_ranks_within_a_category(totals, previous, expected):
    ranked = rank([total(u, t) for u, t in totals], previous)
    assert [(r.unit, r.rank, r.change) for r in ranked] == expected


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=50)),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.decimals(min_value=-10, max_value=10, places=1), max_size=4),
)
def test_a_total_stays_within_the_weight_and_caps_and_scores_the_same_twice(rates, adjust):
    leaves = [Leaf(f"i{n}", D(100) / len(rates), Method.RATE) for n in range(len(rates))]
    facts = {f"i{n}": Rate(hits=min(a, b), of=max(a, b)) for n, (a, b) in enumerate(rates)}
    adjustments = [Adjustment(f"a{n}", p) for n, p in enumerate(adjust)]
    score = score_unit("甲", leaves, facts, adjustments, Caps())
    assert score == score_unit("甲", leaves, dict(reversed(facts.items())), list(adjustments), Caps())
    if score.total is not None:
        assert points(D(-5)) <= score.total <= points(D(105))
        assert score.base is not None and D(0) <= score.base <= D(100)


@pytest.mark.parametrize(
    ("nodes", "errors"),
    [
        ([Node("党建", D(20)), Node("发展", D(80))], []),
        (
            [
                Node("发展", D(80)),
                Node("gdp", D(50), "发展"),
                Node("投资", D(30), "发展"),
                Node("党建", D(20)),
            ],
            [],
        ),
        ([Node("党建", D(20)), Node("发展", D(70))], ["the top level weighs 90, not the stated total 100"]),
        (
            [
                Node("发展", D(80)),
                Node("gdp", D(50), "发展"),
                Node("投资", D(20), "发展"),
                Node("党建", D(20)),
            ],
            ["发展: weighs 80 but its indicators add up to 70"],
        ),
        ([Node("党建", D(-20)), Node("发展", D(120))], ["党建: a weight below zero (-20)"]),
        (
            [Node("党建", D(20)), Node("发展", D(80)), Node("gdp", D(5), "经济")],
            ["gdp: its group 经济 is not in the system"],
        ),
    ],
)
def test_weights_must_add_up_to_the_stated_total_at_every_level(nodes, errors):
    assert [str(e) for e in weight_errors(nodes, D(100))] == errors
