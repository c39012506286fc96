"""Text laid out on pages (PDF, OFD) back into paragraphs. No Django.

A page breaks a paragraph into lines as wide as its text block; the extractor reads a line as a unit, so
"由市发展改" at the end of one line and "革委牵头" at the start of the next would be two fragments, and
the unit named across them would be lost. A line as wide as the page's widest, not ending a sentence, is
joined to the line after it, unless that one opens a heading (一、 （一） 1. 第二条 …). A line that is
only a page number ("- 3 -", "第 3 页") is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

FULL = 0.85  # a line this close to the widest on its page ran on to the right margin
NARROW = 16  # a page whose widest line is narrower than this (in half-width columns) is not a text block
ENDS = tuple("。！？；：!?;:")
HEADING = re.compile(
    r"\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[)）]|\d+[.、．](?!\d)"
    r"|第[一二三四五六七八九十百零\d]+[章节条部分款项])"
)
PAGE_NUMBER = re.compile(r"[\s\-－—–]*(?:第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4})[\s\-－—–]*")


def width(line: str) -> int:
    """The line's width in half-width columns: a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.rstrip())


def unwrap(pages: Iterable[list[str]]) -> str:
    """The text of `pages` (each a list of lines, in reading order) with wrapped paragraphs rejoined."""
    out: list[str] = []
    run_on = False  # the last line kept ran on to the right margin, mid-sentence
    for lines in pages:
        kept = [line.strip() for line in lines if line.strip()]
        kept = [line for at, line in enumerate(kept) if not _page_number(at, len(kept), line)]
        widest = max((width(line) for line in kept), default=0)
        for line in kept:
            if run_on and out and not HEADING.match(line):
                out[-1] += line
            else:
                out.append(line)
            run_on = widest >= NARROW and width(line) >= FULL * widest and not line.endswith(ENDS)
    return "\n".join(out)


def _page_number(at: int, count: int, line: str) -> bool:
    return (at == 0 or at == count - 1) and count > 1 and PAGE_NUMBER.fullmatch(line) is not None
