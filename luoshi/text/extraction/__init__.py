"""Extract the commitments of a plan's text: tasks, targets, deadlines, cadences, lists and task forces.

Plain Python, no Django. Every item carries its evidence span: `item.text == text[item.start:item.end]`.
Items under a heading that reviews past work (一、2025年工作回顾) are skipped unless `include_review`:
they report what was done, not what is promised. The annual goals after 主要预期目标 are always read.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from luoshi.text.extraction.commitment import Judge
from luoshi.text.extraction.items import KINDS, Item
from luoshi.text.extraction.markers import find_cadences, find_deadlines, find_named
from luoshi.text.extraction.targets import find_targets
from luoshi.text.extraction.tasks import find_tasks
from luoshi.text.extraction.text import Layout
from luoshi.text.extraction.units import names_within, short_forms, unit_matcher

__all__ = ["KINDS", "Item", "extract", "short_forms"]


def extract(text: str, *, unit_names: Iterable[str] = (), include_review: bool = False) -> list[Item]:
    """The draft items of `text`, in document order, each with the unit names and deadline it carries."""
    if not text or not text.strip():
        return []
    layout = Layout(text)
    hits = unit_matcher(tuple(sorted(set(unit_names)))).find(text)
    hit_starts = [h[0] for h in hits]

    deadlines = [d for d in find_deadlines(text, layout) if include_review or not layout.in_review(d.start)]
    deadlines.sort(key=lambda d: (d.start, -d.end))
    deadlines = _drop_overlaps(deadlines)
    deadline_starts = [d.start for d in deadlines]

    items: list[Item] = []
    prefixes = {d.start: d.end for d in deadlines} | {start: end for start, end, _ in hits}
    items += find_tasks(text, layout, include_review=include_review, prefixes=prefixes)
    items += find_targets(text, layout, include_review=include_review)
    items += deadlines
    items += (
        i
        for finder in (find_cadences, find_named)
        for i in finder(text)
        if include_review or not layout.in_review(i.start)
    )

    out = []
    judge = Judge(text, layout)
    seen: set[tuple[str, int, int]] = set()
    for item in sorted(items, key=lambda i: (i.start, i.end, KINDS.index(i.kind))):
        key = (item.kind, item.start, item.end)
        if key in seen:
            continue
        seen.add(key)
        sentence_start, sentence_end = layout.sentence_at(item.start)
        changes: dict[str, Any] = {}
        if hits:
            lo, hi = min(item.start, sentence_start), max(item.end, sentence_end)
            if names := names_within(hits, hit_starts, lo, hi):
                changes["units"] = names
        carries_deadline = item.kind in ("task", "target") and deadlines
        if carries_deadline and (deadline := _deadline_for(item, deadlines, deadline_starts, sentence_start)):
            changes["deadline"] = deadline
        if item.kind in ("task", "target"):
            verdict = judge.judge(
                item.kind,
                item.start,
                item.end,
                deadline=changes.get("deadline"),
                units=changes.get("units") or [],
            )
            changes["commitment"], changes["reason"] = verdict.commitment, verdict.reason
        out.append(replace(item, **changes) if changes else item)
    return out


def _drop_overlaps(items: list[Item]) -> list[Item]:
    kept: list[Item] = []
    for item in items:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def _deadline_for(item: Item, deadlines: list[Item], starts: list[int], sentence_start: int) -> str | None:
    """The first deadline inside the item, else the nearest one leading its sentence up to the item."""
    lo = bisect_left(starts, item.start)
    if lo < len(deadlines) and deadlines[lo].end <= item.end:
        return deadlines[lo].deadline
    hi = bisect_right(starts, item.start) - 1
    if hi >= 0 and deadlines[hi].start >= sentence_start and deadlines[hi].end <= item.start:
        return deadlines[hi].deadline
    return None
