"""A held-out judge for the cleaner: pages it never saw, damaged by the documented mechanisms.

The seeds (tests/corpus/seeds) are the pages the cleaner was built on. The judge takes other clean Chinese
text instead, the body paragraphs of the three work reports (tests/corpus/reports; nothing of them went into
the cleaner), in two forms: as published (Simplified, full-width punctuation) and as the seeds' sites serve
text (OpenCC `s2t`, punctuation folded to half width). Pages of about PAGE_CHARS characters are damaged by
`damage_sim` with RUNS garbled runs each, about the density of the seeds (7 runs in some 4,200 characters of
000/001/002, one per 600), and cleaned; `Score` aligns output and gold.

Used by tests/test_clean_properties.py (the bar) and bench/cleaner.py (the figures).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from luoshi.text.clean import clean
from luoshi.text.tests.damage_sim import Damage, Score, damage

if TYPE_CHECKING:
    import opencc

REPORTS = Path(__file__).parent / "corpus" / "reports"
PAGE_CHARS = 1200
RUNS = 2  # garbled runs per page: one per 600 characters, as in the seeds
MIN_PARAGRAPH = 40  # shorter lines are headings and page chrome

_HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})


def paragraphs() -> list[str]:
    """The reports' body paragraphs (chrome and headings left out), in order."""
    out: list[str] = []
    for path in sorted(REPORTS.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        out += [line.strip() for line in lines if len(line) >= MIN_PARAGRAPH]
    return out


@cache
def _s2t() -> opencc.OpenCC:
    import opencc

    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    """The text as the seeds' sites serve it: Traditional script, half-width punctuation."""
    return str(_s2t().convert(text)).translate(_HALF_WIDTH)


def pages(script: str = "both") -> Iterator[str]:
    """Clean pages of about PAGE_CHARS characters, each ending with a line break."""
    source = paragraphs()
    forms = {"simplified": [source], "traditional": [[traditional(p) for p in source]]}
    chosen = forms["simplified"] + forms["traditional"] if script == "both" else forms[script]
    for paragraphs_ in chosen:
        page: list[str] = []
        size = 0
        for paragraph in paragraphs_:
            page.append(paragraph + "\n")
            size += len(paragraph) + 1
            if size >= PAGE_CHARS:
                yield "".join(page)
                page, size = [], 0


@cache
def judge(seed: int = 2026, script: str = "both", limit: int | None = None) -> tuple[Score, int]:
    """Damage every page (seeded), clean it, and score the output against the page; also the runs made."""
    rng = random.Random(seed)
    score = Score()
    runs = 0
    for n, page in enumerate(pages(script)):
        if limit is not None and n >= limit:
            break
        raw = damage(page, rng, Damage(runs=RUNS))
        runs += raw.count("?") and 1
        score.add(clean(raw).text, page)
    return score, runs
