"""Extraction speed on the work reports and a 100,000-character text (`python -m bench.ingest_extract`).

No Django: the extractor is plain Python (luoshi/text/extraction/). Each figure is the best of a few runs
after one warm-up, so the one-off import of cn2an is reported apart from the per-document time.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

REPORTS = Path(__file__).resolve().parent.parent / "luoshi" / "text" / "tests" / "corpus" / "reports"
DOCS = ("gwr2026_beijing.txt", "gwr2026_guangdong.txt", "gwr2026_sichuan.txt")
LARGE = 100_000
REPEAT = 5


def _best(text: str) -> tuple[float, list]:
    from luoshi.text.extract import extract

    best, items = float("inf"), []
    for _ in range(REPEAT):
        start = time.perf_counter()
        items = extract(text)
        best = min(best, time.perf_counter() - start)
    return best, items


def run(*, verbose: bool = True) -> dict:
    """Time extract() on each report and on the reports joined to 100,000 characters; count items per kind."""
    start = time.perf_counter()
    from luoshi.text.extract import extract

    extract("城镇新增就业八十五万人以上。")  # loads cn2an
    result: dict = {"warm_up_seconds": round(time.perf_counter() - start, 3), "documents": {}}
    texts = {name: (REPORTS / name).read_text(encoding="utf-8") for name in DOCS}
    joined = "\n".join(texts.values())
    texts[f"{LARGE:,} characters (the reports joined)"] = (joined * (LARGE // len(joined) + 1))[:LARGE]
    for name, text in texts.items():
        seconds, items = _best(text)
        result["documents"][name] = {
            "chars": len(text),
            "ms": round(seconds * 1000, 1),
            "chars_per_s": round(len(text) / seconds),
            "items": dict(sorted(Counter(i.kind for i in items).items())),
        }
    if verbose:
        print(f"extraction, best of {REPEAT} (warm-up with the cn2an import {result['warm_up_seconds']} s)")
        for name, row in result["documents"].items():
            counts = ", ".join(f"{k} {v}" for k, v in row["items"].items())
            print(
                f"  {name:<38} {row['chars']:>7} chars {row['ms']:7.1f} ms "
                f"{row['chars_per_s'] / 1e6:5.2f} M chars/s  {counts}"
            )
    return result


if __name__ == "__main__":
    run()
