"""Comparing two runs, as a table of cases: what moved, by how many places, and which indicators moved it
(units only in one run, ties, a unit that changed category, excused rows carried with the facts)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from luoshi.assessment.compare import Presence, biggest_movers, compare

INDICATORS = [
    {"key": "1", "name": "报告按时率", "metric": "reports_on_time", "weight": "60", "parent": None},
    {"key": "2", "name": "整改按期率", "metric": "rectifications_on_time", "weight": "40", "parent": None},
]


def rate(hits: int, of: int, excused: int = 0) -> dict[str, Any]:
    return {"kind": "rate", "hits": hits, "of": of, "excused": excused, "rows": [], "misses": []}


def snapshot(*units: tuple[int, str, str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "categories": {"county": INDICATORS, "department": INDICATORS},
        "units": [
            {"id": pk, "name": name, "category": cat, "facts": facts} for pk, name, cat, facts in units
        ],
    }


def result(
    unit: int,
    rank: int | None,
    total: str | None,
    leaves: dict[str, str | None],
    category="county",
    bonus="0",
    penalty="0",
) -> dict[str, Any]:
    return {
        "unit": unit,
        "category": category,
        "leaves": leaves,
        "total": total,
        "rank": rank,
        "bonus": bonus,
        "penalty": penalty,
    }


A, B, C, X = 1, 2, 3, 9


def test_a_unit_that_fell_is_explained_by_the_indicators_that_lost_it_points():
    before = snapshot(
        (A, "青山县", "county", {"1": rate(10, 12)}), (B, "白沙县", "county", {"1": rate(12, 12)})
    )
    after = snapshot(
        (A, "青山县", "county", {"1": rate(7, 12)}), (B, "白沙县", "county", {"1": rate(12, 12)})
    )
    moves = compare(
        before,
        [
            result(A, 1, "90.00", {"1": "50.00", "2": "40.00"}),
            result(B, 2, "80.00", {"1": "60.00", "2": "20.00"}),
        ],
        after,
        [
            result(B, 1, "82.00", {"1": "60.00", "2": "22.00"}),
            result(A, 2, "75.00", {"1": "35.00", "2": "40.00"}),
        ],
    )
    first, second = moves["county"]
    assert (first.name, first.rank_before, first.rank_after, first.move) == ("白沙县", 2, 1, 1)
    assert (second.name, second.move, second.total_delta) == ("青山县", -1, D("-15.00"))
    assert [(m.name, m.delta) for m in second.why] == [("报告按时率", D("-15.00"))]  # 整改 did not move
    line = second.lines[0]
    assert (line.fact_before["hits"], line.fact_after["hits"], line.weight) == (10, 7, D(60))
    assert [u.name for u in biggest_movers(moves["county"])] == ["白沙县", "青山县"]  # both 1: by rank


def test_the_why_line_names_the_biggest_moves_first_whichever_way():
    before = snapshot((A, "青山县", "county", {}))
    moves = compare(
        before,
        [result(A, 1, "70.00", {"1": "40.00", "2": "30.00"})],
        before,
        [result(A, 1, "68.00", {"1": "34.00", "2": "34.00"})],
    )
    assert [(m.name, m.delta) for m in moves["county"][0].why] == [
        ("报告按时率", D("-6.00")),
        ("整改按期率", D("4.00")),
    ]
    assert moves["county"][0].move == 0 and biggest_movers(moves["county"]) == []


@pytest.mark.parametrize(
    ("before_results", "after_results", "expected"),
    [
        # Only in the later run: new, no move, no earlier figures.
        ([], [result(A, 1, "80.00", {"1": "40.00"})], (Presence.NEW, None, 1, None, None)),
        # Only in the earlier run: listed as gone, with its earlier rank.
        ([result(A, 3, "80.00", {"1": "40.00"})], [], (Presence.GONE, 3, None, None, None)),
        # Unranked (no facts) before: no move, no delta for the indicator without points.
        (
            [result(A, None, None, {"1": None})],
            [result(A, 2, "50.00", {"1": "50.00"})],
            (Presence.BOTH, None, 2, None, None),
        ),
        # Moved to another category: its old rank is of another ranking, so no move.
        (
            [result(A, 1, "80.00", {"1": "40.00"}, category="department")],
            [result(A, 4, "70.00", {"1": "30.00"})],
            (Presence.BOTH, None, 4, None, None),
        ),
    ],
)
def test_units_in_one_run_only_or_unranked_have_no_move(before_results, after_results, expected):
    both = snapshot((A, "青山县", "county", {}))
    u = next(u for units in compare(both, before_results, both, after_results).values() for u in units)
    assert (u.presence, u.rank_before, u.rank_after, u.move, u.lines[0].delta) == expected


def test_tied_units_share_a_rank_and_a_tie_broken_is_a_move_of_one_place():
    both = snapshot((A, "甲县", "county", {}), (B, "乙县", "county", {}), (C, "丙县", "county", {}))
    moves = compare(
        both,
        [result(A, 1, "90.00", {}), result(B, 1, "90.00", {}), result(C, 3, "80.00", {})],
        both,
        [result(B, 1, "91.00", {}), result(A, 2, "90.00", {}), result(C, 2, "90.00", {})],
    )["county"]
    assert [(u.name, u.rank_after, u.move) for u in moves] == [
        ("乙县", 1, 0),
        ("甲县", 2, -1),
        ("丙县", 2, 1),
    ]


def test_excused_rows_and_bonus_points_are_carried_into_the_breakdown():
    before = snapshot((A, "青山县", "county", {"1": rate(3, 4)}))
    after = snapshot((A, "青山县", "county", {"1": rate(3, 4, excused=1)}))
    u = compare(
        before,
        [result(A, 1, "85.00", {"1": "45.00"}, penalty="1.00")],
        after,
        [result(A, 1, "62.00", {"1": "60.00"}, bonus="2.00")],
    )["county"][0]
    assert u.lines[0].fact_after["excused"] == 1 and u.lines[0].delta == D("15.00")
    assert (u.adjustments_before, u.adjustments_after, u.adjustments_delta) == (D(-1), D(2), D(3))


def test_units_gone_come_after_those_still_ranked():
    both = snapshot((A, "甲县", "county", {}), (X, "旧县", "county", {}))
    moves = compare(
        both, [result(X, 1, "99.00", {}), result(A, 2, "80.00", {})], both, [result(A, 1, "81.00", {})]
    )
    assert [(u.name, u.presence) for u in moves["county"]] == [
        ("甲县", Presence.BOTH),
        ("旧县", Presence.GONE),
    ]
