"""The document's own sections (一、二、（一）…), so the review follows the document's outline."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

HEADING = re.compile(
    r"^[ \t\u3000]*(?:(?P<top>[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}(?:部分|章))"
    r"|(?P<sub>[（(][一二三四五六七八九十]{1,3}[）)]))(?P<rest>[^\n]*)",
    re.M,
)
TITLE_END = re.compile(r"[。；;！!？?]")
MAX_TITLE = 40


def find_sections(text: str) -> list[dict[str, Any]]:
    """Section 0 is what comes before the first heading; each heading then opens one, up to the next.

    A title is the heading up to its first full stop (（一）突出扩大内需战略基点，…。 runs on into its text).
    """
    sections: list[dict[str, Any]] = [{"title": "", "level": 0, "start": 0}]
    for m in HEADING.finditer(text):
        line = m.group().strip()
        end = TITLE_END.search(line)
        title = line[: end.start()] if end else line
        if len(title) > MAX_TITLE:
            title = title[:MAX_TITLE] + "…"
        sections.append({"title": title, "level": 1 if m.group("top") else 2, "start": m.start()})
    return sections


def section_of(sections: list[dict[str, Any]], starts: list[int], position: int) -> int:
    """The index of the section holding `position` (`starts` are the sections' starts, in order)."""
    return max(bisect_right(starts, position) - 1, 0)
