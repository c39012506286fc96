"""Quantitative targets (增长5%左右, 1200万人以上, 4.5%—5%), including the 主要预期目标 paragraph."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from luoshi.text.extraction.items import Item
from luoshi.text.extraction.numbers import Quantity, scan_quantities
from luoshi.text.extraction.text import Layout, cjk_count, skip_lead
from luoshi.text.extraction.vocab import (
    HIGHER_WORDS,
    INTENT_WORDS,
    LOWER_INDICATORS,
    LOWER_WORDS,
    PAST_WORDS,
    PRE_QUALIFIERS,
)

# The annual goals of a 政府工作报告: "主要预期目标是：…", sometimes broken over lines.
GOALS_HEAD = re.compile(r"主要(?:预期)?目标\s*(?:(?:是|为|如下)\s*[：:，,]?|[：:])")
GOALS_UNIT = re.compile(r"[^。！？!?\n]*[。！？!?\n]?")
HAS_NUMBER = re.compile(r"\d|百分之|[一二两三四五六七八九十][十百千万亿]")
NOT_BEFORE = ("第", "前", "以下", "如下", "下列", "下面", "近")
NOT_AFTER = re.compile(r"[\s“”\"]*(?:方面|领域|清单|专班|坚持|必须|原则|维度|层面|重点任务)")
# From a baseline to the goal (由60%提高到65%): the first number is where things stand, not a target.
TO_GOAL = re.compile(
    r"\s*(?:提高|提升|增加|增长|下降|降低|减少|扩大|缩小|压减|缩短|压缩|调整|上调|下调)?(?:到|至)$"
)
BASELINE_MARK = re.compile(r"由|从")
MAX_INDICATOR = 80  # characters before the number that may name what it measures
GOALS_WINDOW = 3000  # characters after 主要预期目标 in which its sentences are read
# What a counter counts follows it (新建20个社区食堂): the span runs on to the end of that noun phrase.
COUNTED_END = re.compile(r"[，,；;。：:！!？?\n、（(]|$")
# A measure followed by a noun qualifies it (65岁以上老年人, 15分钟生活圈): a description, not a target.
ATTRIBUTIVE_OK = set("的和与及或等并")


def goal_zones(text: str) -> list[tuple[int, int]]:
    """Where the text states its annual goals: the sentences after 主要预期目标 that carry numbers."""
    zones: list[tuple[int, int]] = []
    scanned = 0
    for head in GOALS_HEAD.finditer(text):
        if head.start() < scanned:
            continue
        pos = end = head.end()
        limit = min(len(text), pos + GOALS_WINDOW)
        while pos < limit and (m := GOALS_UNIT.match(text, pos, limit)) and m.end() > pos:
            unit, scanned = m.group(), m.end()
            if HAS_NUMBER.search(unit):
                end = m.end()
            elif end == head.end() and not unit.strip():
                pass  # a line break straight after the heading
            elif not (unit.rstrip().endswith(("；", ";")) and len(unit) < 40):
                break
            pos = m.end()
        if end > head.end():
            zones.append((head.end(), end))
    return zones


def _direction(qualifier: str | None, indicator: str) -> str | None:
    if qualifier and LOWER_WORDS.fullmatch(qualifier):
        return "lower"
    if qualifier and HIGHER_WORDS.fullmatch(qualifier):
        return "higher"
    last = None
    for m in LOWER_WORDS.finditer(indicator):
        last = (m.start(), "lower")
    for m in HIGHER_WORDS.finditer(indicator):
        if last is None or m.start() > last[0]:
            last = (m.start(), "higher")
    if last:
        return last[1]
    return "lower" if LOWER_INDICATORS.search(indicator) else None


def _plausible(text: str, q: Quantity, *, in_goals: bool) -> bool:
    if not q.unit:
        return False
    if q.chinese and q.counter and not in_goals and float(q.value.split("—")[0]) < 10:
        return False  # 三个方面, 四个出新出彩: a small count in words names things, it sets no goal
    before = text[max(0, q.start - 2) : q.start]
    if before.endswith(NOT_BEFORE) or (before and before[-1].isascii() and before[-1].isalnum()):
        return False
    after = text[q.end : q.end + 1]
    if q.unit == q.unit.rstrip("万亿") and after.isascii() and after.isalpha():
        return False
    if NOT_AFTER.match(text, q.qualifier_end):
        return False
    after = text[q.qualifier_end : q.qualifier_end + 1]
    return in_goals or q.counter or not ("\u4e00" <= after <= "\u9fff") or after in ATTRIBUTIVE_OK


def find_targets(text: str, layout: Layout, *, include_review: bool) -> Iterator[Item]:
    zones = goal_zones(text)
    zone_starts = [s for s, _ in zones]
    quantities = scan_quantities(text)
    clause_last_end: dict[int, int] = {}
    for i, q in enumerate(quantities):
        z = bisect_right(zone_starts, q.start) - 1
        in_goals = z >= 0 and q.start < zones[z][1]
        if not in_goals and not include_review and layout.in_review(q.start):
            continue
        if not _plausible(text, q, in_goals=in_goals):
            continue
        key = layout.clause_start(q.start)
        clause = max(key, q.start - MAX_INDICATOR)
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        if (
            nxt is not None
            and layout.clause_start(nxt.start) == key
            and TO_GOAL.search(text, q.qualifier_end, nxt.start)
            and BASELINE_MARK.search(text, clause, q.start)
        ):
            continue
        start = skip_lead(text, max(clause, clause_last_end.get(key, clause)), q.start)
        if cjk_count(text[start : q.start]) < 2 and key in clause_last_end:
            start = skip_lead(text, clause, q.start)  # 分别达2050万吨、4200万吨: the clause names them
        indicator = text[start : q.start]
        if cjk_count(indicator) < 2:
            continue
        past = PAST_WORDS.search(text, clause, q.qualifier_end)
        if not in_goals and (past or not (q.qualifier or INTENT_WORDS.search(indicator))):
            continue  # in the body a number is a target only when it is promised, not reported
        qualifier = q.qualifier
        if qualifier in (None, "多", "余"):
            pre = None
            for m in PRE_QUALIFIERS.finditer(indicator):
                pre = m.group()
            qualifier = pre or qualifier
        end = q.qualifier_end
        if q.counter and not in_goals:
            found = COUNTED_END.search(text, end)  # matches at the latest at the end of the text
            stop = found.start() if found else len(text)
            end = min(stop, nxt.start) if nxt is not None and nxt.start < stop else stop
            end = max(end, q.qualifier_end)
        clause_last_end[key] = end
        yield Item(
            kind="target",
            text=text[start:end],
            start=start,
            end=end,
            value=q.value,
            unit=q.unit,
            qualifier=qualifier,
            direction=_direction(qualifier, indicator),
        )
