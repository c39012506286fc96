"""Precision and recall of the report checker's flags on the labelled set (`python -m bench.report_quality`).

No Django: the checker is plain Python (luoshi/text/quality.py).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from luoshi.text.quality import check_report

DATA = Path(__file__).resolve().parent.parent / "luoshi" / "text" / "data" / "report_quality.jsonl"
FLAGS = ("near_duplicate", "no_facts", "slogans")


def load(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def run(*, verbose: bool = True) -> dict:
    """Check every labelled report and return per-flag counts with precision, recall and F1."""
    reports = load()
    check_report("本周完成3项", previous="本周完成2项")  # loads datasketch, apart from the timing
    start = time.perf_counter()
    predicted = [{flag.code for flag in check_report(r["text"], previous=r["previous"])} for r in reports]
    seconds = time.perf_counter() - start
    result: dict = {"reports": len(reports), "seconds": round(seconds, 3)}
    for code in FLAGS:
        tp = sum(1 for r, p in zip(reports, predicted, strict=True) if r["labels"][code] and code in p)
        fp = sum(1 for r, p in zip(reports, predicted, strict=True) if not r["labels"][code] and code in p)
        fn = sum(1 for r, p in zip(reports, predicted, strict=True) if r["labels"][code] and code not in p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[code] = {
            "positives": tp + fn,
            "negatives": len(reports) - tp - fn,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
        }
    if verbose:
        print(f"report quality: {len(reports)} labelled reports checked in {seconds:.2f} s")
        for code in FLAGS:
            m = result[code]
            print(
                f"  {code:<15} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}"
                f"  (positives {m['positives']}, negatives {m['negatives']};"
                f" tp {m['tp']} fp {m['fp']} fn {m['fn']})"
            )
    return result


if __name__ == "__main__":
    run()
