"""Throughput of the text cleaner (`luoshi.text.clean`), no Django: `python -m bench.ingest_clean`.

The corpus (the three work reports, which carry little damage, and the three damaged news seeds) is
repeated to at least 20 MB of UTF-8 and cleaned in one call. The floor is 5 MB/s (issue 4). The cleaner
loads OpenCC, pypinyin and its GBK tables on first use; a warm-up pays for that apart from the rate.
"""

from __future__ import annotations

import time
from pathlib import Path

from luoshi.text.clean import clean

CORPUS = Path(__file__).resolve().parent.parent / "luoshi" / "text" / "tests" / "corpus"
TARGET_BYTES = 20_000_000


def corpus_text(kind: str = "all") -> str:
    """The raw reports and/or seeds, concatenated (gold files excluded)."""
    reports = sorted((CORPUS / "reports").glob("*.txt"))
    seeds = sorted(p for p in (CORPUS / "seeds").glob("*.txt") if ".clean" not in p.name)
    files = {"all": reports + seeds, "reports": reports, "seeds": seeds}[kind]
    return "\n".join(p.read_text(encoding="utf-8") for p in files) + "\n"


def warm_up() -> float:
    """Clean the damaged seeds once, which loads what the cleaner loads on first use; return the seconds."""
    start = time.perf_counter()
    clean(corpus_text("seeds"), simplified=True)
    return time.perf_counter() - start


def measure(kind: str = "all", *, simplified: bool = False) -> dict[str, float]:
    base = corpus_text(kind)
    copies = -(-TARGET_BYTES // len(base.encode("utf-8")))
    text = base * copies
    mb = len(text.encode("utf-8")) / 1e6
    start = time.perf_counter()
    clean(text, simplified=simplified)
    elapsed = time.perf_counter() - start
    return {"mb_per_s": round(mb / elapsed, 2), "mb": round(mb, 1)}


def run() -> dict[str, float]:
    """Clean the whole corpus repeated to ≥ 20 MB; print and return the rate."""
    print(f"{'ingest clean: warm-up (first use)':<36} {warm_up():6.2f} s")
    result = measure("all")
    print(f"{'ingest clean (reports + seeds)':<36} {result['mb']:6.1f} MB  {result['mb_per_s']:6.2f} MB/s")
    return result


def main() -> None:
    run()
    for kind in ("reports", "seeds"):
        for simplified in (False, True):
            result = measure(kind, simplified=simplified)
            label = f"ingest clean ({kind}{', simplified' if simplified else ''})"
            print(f"{label:<36} {result['mb']:6.1f} MB  {result['mb_per_s']:6.2f} MB/s")


if __name__ == "__main__":
    main()
