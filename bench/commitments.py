"""Precision and recall of the kept-by-default rule on the labelled items, and the drafting time
(`python -m bench.commitments`).

No Django: cleaning and extraction are plain Python (luoshi/text/). The labelled set is
luoshi/text/data/commitments.jsonl (guide and order of work: commitments_guide.md). Each labelled item is
found again in today's draft by its span (or, if the span moved, by its text); a labelled item the extractor
no longer drafts counts as not kept. Figures are given for the tuning part (Beijing, Sichuan, the seeds)
and the held-out part (every third item of Guangdong), which the rules were not tuned on.

`python -m bench.commitments --errors` lists the tuning items the rule gets wrong; it never lists held-out
items, so that they stay unseen while the rules are tuned.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "luoshi" / "text" / "data" / "commitments.jsonl"
CORPUS = ROOT / "luoshi" / "text" / "tests" / "corpus"
REPORTS = ("gwr2026_beijing.txt", "gwr2026_guangdong.txt", "gwr2026_sichuan.txt")
LARGE = 100_000
REPEAT = 5
ROWS = ("task", "target")
# A city's unit tree as the intake passes it to extract() (the names a supervisor can see), so that the
# drafting time includes matching the units named in the text.
UNIT_NAMES = tuple(
    f"{level}{office}"
    for level in ("市", "省")
    for office in (
        "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
        "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
        "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局",
        "统计局", "医疗保障局", "政务服务和数据管理局", "人民政府办公室", "国有资产监督管理委员会",
    )
)  # fmt: skip


def load(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predictions(records: list[dict]) -> list[tuple[bool, str, bool]]:
    """(kept, reason, found) for each labelled record, from today's clean + extract of its document."""
    from luoshi.text.clean import clean
    from luoshi.text.extract import extract

    by_doc: dict[str, dict] = {}
    out = []
    for r in records:
        if r["doc"] not in by_doc:
            text = clean((CORPUS / r["doc"]).read_text(encoding="utf-8"), simplified=True).text
            items = [i for i in extract(text) if i.kind in ROWS]
            by_doc[r["doc"]] = {
                "span": {(i.kind, i.start, i.end, i.text): i for i in items},
                "text": {(i.kind, i.text): i for i in items},
            }
        index = by_doc[r["doc"]]
        item = index["span"].get((r["kind"], r["start"], r["end"], r["text"])) or index["text"].get(
            (r["kind"], r["text"])
        )
        if item is None:
            out.append((False, "missing", False))
        else:
            out.append((item.commitment, item.reason, True))
    return out


def scores(records: list[dict], predicted: list[tuple[bool, str, bool]]) -> dict:
    tp = sum(1 for r, p in zip(records, predicted, strict=True) if r["label"] and p[0])
    fp = sum(1 for r, p in zip(records, predicted, strict=True) if not r["label"] and p[0])
    fn = sum(1 for r, p in zip(records, predicted, strict=True) if r["label"] and not p[0])
    tn = len(records) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    kept_all = (tp + fn) / len(records) if records else 0.0  # precision of "everything starts kept"
    return {
        "items": len(records),
        "commitments": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "precision_if_all_kept": round(kept_all, 3),
        "missing": sum(1 for p in predicted if not p[2]),
    }


def drafting_time() -> dict:
    """Best-of-REPEAT seconds to clean and extract (matching UNIT_NAMES) the reports joined to 100,000
    characters.

    Each run is timed whole; the best of REPEAT is kept, so that another process on the machine does not
    count against the text core."""
    from luoshi.text.clean import clean
    from luoshi.text.extract import extract
    from luoshi.text.extraction.commitment import Judge
    from luoshi.text.extraction.text import Layout

    joined = "\n".join((CORPUS / "reports" / name).read_text(encoding="utf-8") for name in REPORTS)
    raw = (joined * (LARGE // len(joined) + 1))[:LARGE]
    extract(
        clean("城镇新增就业八十五万人以上。", simplified=True).text, unit_names=UNIT_NAMES
    )  # loads libraries
    best_clean = best_extract = float("inf")
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        cleaned = clean(raw, simplified=True).text
        t1 = time.perf_counter()
        items = extract(cleaned, unit_names=UNIT_NAMES)
        t2 = time.perf_counter()
        best_clean, best_extract = min(best_clean, t1 - t0), min(best_extract, t2 - t1)
    rows = [i for i in items if i.kind in ROWS]
    judge = Judge(cleaned, Layout(cleaned))
    best_judge = float("inf")
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        for i in rows:
            judge.judge(i.kind, i.start, i.end, deadline=i.deadline, units=i.units)
        best_judge = min(best_judge, time.perf_counter() - t0)
    return {
        "judge_ms": round(best_judge * 1000, 1),
        "chars": len(raw),
        "clean_ms": round(best_clean * 1000, 1),
        "extract_ms": round(best_extract * 1000, 1),
        "draft_ms": round((best_clean + best_extract) * 1000, 1),
        "rows": len(rows),
        "kept": sum(1 for i in rows if i.commitment),
    }


def run(*, verbose: bool = True) -> dict:
    records = load()
    predicted = predictions(records)
    result: dict = {}
    for split in ("tuning", "held_out"):
        idx = [i for i, r in enumerate(records) if r["split"] == split]
        result[split] = scores([records[i] for i in idx], [predicted[i] for i in idx])
    result["all"] = scores(records, predicted)
    result["reasons"] = dict(sorted(Counter(p[1] for p in predicted).items()))
    result["drafting"] = drafting_time()
    if verbose:
        print(
            f"commitment default on {len(records)} labelled items"
            " (guide: luoshi/text/data/commitments_guide.md)"
        )
        for split in ("tuning", "held_out", "all"):
            m = result[split]
            print(
                f"  {split:<9} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}"
                f"  ({m['items']} items, {m['commitments']} commitments; tp {m['tp']} fp {m['fp']}"
                f" fn {m['fn']} tn {m['tn']}; all kept would be P {m['precision_if_all_kept']:.3f})"
            )
        print("  reasons: " + ", ".join(f"{k} {v}" for k, v in result["reasons"].items()))
        d = result["drafting"]
        print(
            f"drafting {d['chars']:,} characters (clean + extract, best of {REPEAT}): {d['draft_ms']:.0f} ms"
            f" (clean {d['clean_ms']:.0f} ms, extract {d['extract_ms']:.0f} ms,"
            f" of which the kept/dropped rule {d['judge_ms']:.0f} ms); {d['rows']} rows,"
            f" {d['kept']} start kept; {len(UNIT_NAMES)} unit names"
        )
    return result


def errors() -> None:
    """The tuning items where the default disagrees with the label (held-out items are never shown)."""
    records = load()
    predicted = predictions(records)
    idx = [i for i, r in enumerate(records) if r["split"] == "tuning"]
    m = scores([records[i] for i in idx], [predicted[i] for i in idx])
    print(f"tuning: P {m['precision']:.3f} R {m['recall']:.3f} (tp {m['tp']} fp {m['fp']} fn {m['fn']})")
    for r, (kept, reason, _) in zip(records, predicted, strict=True):
        if r["split"] == "tuning" and kept != r["label"]:
            print(f"{r['id']} label {r['code']} kept {kept!s:<5} {reason:<8} {r['text'][:90]}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if "--errors" in sys.argv[1:]:
        errors()
    else:
        run()
