"""Segmentation shared by the extractors: sentences, clause starts, and the review part of a report."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

SENTENCE = re.compile(r"[^。！？；;!?\n]+")
CLAUSE_DELIM = re.compile(r"[，,；;。：:！!？?\n]")
CJK = re.compile(r"[\u3400-\u9fff]")
# A leading enumerator or connective that is not part of the commitment itself.
LEAD = re.compile(
    r"[\s、]*(?:(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}[，,、]?"
    r"|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、](?!\d)|[①-⑳]|其中|同时|此外|另外)[\s，,、：:]*)*"
)

# 政府工作报告 open with a review of the past year (回顾, 主要成绩): what was done, not what is promised.
TOP_HEADING = re.compile(
    r"^[ \t\u3000]*(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}部分)[^\n]*", re.M
)
SHORT_REVIEW_LINE = re.compile(r"^[^\n]{0,24}(?:回顾|主要成绩)[^\n]{0,12}$", re.M)
PAST_WORDS = re.compile(r"回顾|工作总结|成就|成绩")
FORWARD_WORDS = re.compile(r"安排|任务|目标|考虑|部署|打算|计划|要求|重点工作")


def review_ranges(text: str) -> list[tuple[int, int]]:
    """The spans of the text under a heading that reviews past work, each up to the next top heading."""
    top = {m.start(): m.group() for m in TOP_HEADING.finditer(text)}
    lines = {m.start(): m.group() for m in SHORT_REVIEW_LINE.finditer(text)}
    ranges: list[tuple[int, int]] = []
    open_at: int | None = None
    for start in sorted(top.keys() | lines.keys()):
        head = (top.get(start) or lines[start])[:48]
        if start in top and open_at is not None:
            ranges.append((open_at, start))
            open_at = None
        if open_at is None and PAST_WORDS.search(head) and not FORWARD_WORDS.search(head):
            open_at = start
    if open_at is not None:
        ranges.append((open_at, len(text)))
    return ranges


class Layout:
    """Sentence and clause boundaries of one text, looked up by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = [
            (m.start() + len(g) - len(g.lstrip()), m.end() - (len(g) - len(g.rstrip())))
            for m in SENTENCE.finditer(text)
            if (g := m.group()).strip()
        ]
        self._sentence_starts = [s for s, _ in self.sentences]
        self._delims = [m.start() for m in CLAUSE_DELIM.finditer(text)]
        self.review = review_ranges(text)
        self._review_starts = [s for s, _ in self.review]

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence holding `pos` (an empty span at `pos` if none does)."""
        i = bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        return (pos, pos)

    def clause_start(self, pos: int) -> int:
        """Just after the last clause delimiter before `pos`."""
        i = bisect_left(self._delims, pos) - 1
        return self._delims[i] + 1 if i >= 0 else 0

    def in_review(self, pos: int) -> bool:
        i = bisect_right(self._review_starts, pos) - 1
        return i >= 0 and pos < self.review[i][1]


def skip_lead(text: str, start: int, end: int) -> int:
    """`start` moved past whitespace, enumerators (一是, （一）, 1.) and connectives (其中, 同时)."""
    m = LEAD.match(text, start, end)
    return m.end() if m else start


def cjk_count(s: str) -> int:
    return len(CJK.findall(s))
