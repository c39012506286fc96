"""Measures and tasks: the clauses of a sentence that commit someone to something (加快…、推进…、要…)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from luoshi.text.extraction.items import Item
from luoshi.text.extraction.text import Layout, cjk_count, skip_lead
from luoshi.text.extraction.vocab import (
    COMMIT_HEADS,
    COMMIT_TRIGRAMS,
    MODAL,
    PAST_LEAD,
    PERFECTIVE,
    ROLE_HEADS,
)

# Within a sentence, clauses are split at commas; a colon ends a lead-in (主要任务是：).
CLAUSE = re.compile(r"[^，,：:]+[，,：:]?")
ENUMERATED = re.compile(
    r"\s*(?:[一二三四五六七八九十]{1,3}是|[（(][一二三四五六七八九十\d]{1,3}[）)]|第[一二三四五六七八九十]{1,3}[，,、])"
)
TRAIL = "，,：: \t\u3000"
MIN_TASK_CJK = 4


def _commitment(text: str, start: int, end: int, prefixes: dict[int, int]) -> str | None:
    """ "role" for 市发改委牵头 / 青山县配合, "commit" for a clause opening with a committing verb or a modal
    要, None for anything else.

    `prefixes` maps the start of a deadline or unit name to its end, so 6月底前完成… commits too.
    """
    while start in prefixes and prefixes[start] < end:
        start = prefixes[start]
        start += text.startswith(("、", "和"), start)
    head = text[start : start + 3]
    if head[:2] in ROLE_HEADS:
        return "role"
    if head[:2] in COMMIT_HEADS or head in COMMIT_TRIGRAMS or MODAL.match(text, start, end):
        return "commit"
    return None


def _groups(text: str, start: int, end: int, prefixes: dict[int, int]) -> Iterator[tuple[int, int]]:
    """Runs of clauses, each opened by a committing clause and holding the clauses that depend on it.

    Lead-in clauses before the first commitment (到2027年，以…为抓手，) are left out of the span; the
    deadline they carry is still found for the task from its sentence. Clauses that give units their
    roles (市发改委牵头，青山县配合，) open the run and keep the work they are given (…6月底前完成).
    """
    group_start: int | None = None
    roles_only = False
    group_end = start
    for m in CLAUSE.finditer(text, start, end):
        clause_start = skip_lead(text, m.start(), m.end())
        if clause_start >= m.end():
            continue
        kind = _commitment(text, clause_start, m.end(), prefixes)
        if kind is not None and not (group_start is not None and roles_only):
            if group_start is not None:
                yield group_start, group_end
            group_start, roles_only = clause_start, kind == "role"
        elif kind == "commit":
            roles_only = False
        elif kind is None and group_start is not None and ENUMERATED.match(text, m.start(), m.end()):
            yield group_start, group_end
            group_start = None
        group_end = m.end()
    if group_start is not None:
        yield group_start, group_end


def find_tasks(
    text: str, layout: Layout, *, include_review: bool, prefixes: dict[int, int]
) -> Iterator[Item]:
    for sentence_start, sentence_end in layout.sentences:
        if not include_review and layout.in_review(sentence_start):
            continue
        if PAST_LEAD.match(text, sentence_start, sentence_end) or PERFECTIVE.search(
            text, sentence_start, sentence_end
        ):
            continue
        for start, end in _groups(text, sentence_start, sentence_end, prefixes):
            while end > start and text[end - 1] in TRAIL:
                end -= 1
            if cjk_count(text[start:end]) >= MIN_TASK_CJK:
                yield Item(kind="task", text=text[start:end], start=start, end=end)
