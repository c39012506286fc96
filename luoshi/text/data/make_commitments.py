"""Write commitments.jsonl, the labelled set of drafted items for the commitment default (issue 10).

Two steps, in this order (see commitments_guide.md):

1. `--dump` wrote commitments_sheet.tsv: every task and target item the extractor drafted from the three
   corpus reports and the three seed texts, *before* the commitment rules existed (Guangdong: every third
   item, the held-out part). The sheet is data now; it is not rewritten by a later extractor.
2. The items were labelled by hand against the guide into commitments_labels.txt (`id code [note]`).
   Running this script with no argument joins the sheet and the labels into commitments.jsonl, one
   `{id, doc, section, text, start, end, kind, split, label, code, note}` per line.

Run: python luoshi/text/data/make_commitments.py [--dump]
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "corpus"
SHEET = HERE / "commitments_sheet.tsv"
LABELS = HERE / "commitments_labels.txt"
OUT = HERE / "commitments.jsonl"
DOCS = {
    "bj": "reports/gwr2026_beijing.txt",
    "sc": "reports/gwr2026_sichuan.txt",
    "gd": "reports/gwr2026_guangdong.txt",
    "s0": "seeds/000_ed23dcf7e8e282a0.txt",
    "s1": "seeds/001_25db228a1a640b76.txt",
    "s2": "seeds/002_cbb223353e170aad.txt",
}
HELD_OUT = {"gd"}
HELD_OUT_STEP = 3  # the held-out report is sampled: every third drafted item
COMMITMENT_CODES = set("tdom")
NOT_CODES = set("sfpgh")
CN = "[一二三四五六七八九十]{1,3}"
HEADING = re.compile(rf"^[ \t\u3000]*(?:{CN}、|[（(]{CN}[）)]|第{CN}部分)[^\n]*", re.M)


def document(key: str) -> str:
    """The text as the intake app drafts from it: read, cleaned, in Simplified script."""
    from luoshi.text.clean import clean

    return clean((CORPUS / DOCS[key]).read_text(encoding="utf-8"), simplified=True).text


def section_of(text: str, pos: int, headings: list[tuple[int, str]]) -> str:
    name = ""
    for start, heading in headings:
        if start > pos:
            break
        name = heading.strip()[:40]
    return name


def dump() -> None:
    """Write the sheet of items to label. Refused once the sheet exists: it was written before the rules and
    labelled by hand, and a sheet written by a later extractor would no longer match its labels."""
    from luoshi.text.extract import extract

    if SHEET.exists() and "--force" not in sys.argv[1:]:
        raise SystemExit(
            f"{SHEET.name} exists and is labelled; --dump --force rewrites it (labels then need redoing)"
        )

    with SHEET.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n")
        out.writerow(["id", "doc", "split", "start", "end", "kind", "section", "text"])
        for key, path in DOCS.items():
            text = document(key)
            headings = [(m.start(), m.group()) for m in HEADING.finditer(text)]
            rows = [i for i in extract(text) if i.kind in ("task", "target")]
            for n, item in enumerate(rows):
                if key in HELD_OUT and n % HELD_OUT_STEP:
                    continue
                split = "held_out" if key in HELD_OUT else "tuning"
                section = section_of(text, item.start, headings)
                out.writerow(
                    [f"{key}-{n:04d}", path, split, item.start, item.end, item.kind, section, item.text]
                )


def read_labels() -> dict[str, tuple[str, str]]:
    """The hand labels: `@bj` starts a document's labels; then `12m 13s 14g …` (item number and code) or
    `15m | note` for one item with a note."""
    labels: dict[str, tuple[str, str]] = {}
    prefix = ""
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            prefix = line[1:].strip()
            continue
        body, _, note = line.partition("|")
        for token in body.split():
            m = re.fullmatch(r"(\d+)([a-z])", token)
            if not m or m.group(2) not in COMMITMENT_CODES | NOT_CODES:
                raise ValueError(f"bad label {token!r} in {line!r}")
            labels[f"{prefix}-{int(m.group(1)):04d}"] = (m.group(2), note.strip())
    return labels


def build() -> None:
    labels = read_labels()
    with SHEET.open(encoding="utf-8", newline="") as f:
        sheet = list(csv.DictReader(f, delimiter="\t"))
    missing = [row["id"] for row in sheet if row["id"] not in labels]
    if missing:
        raise SystemExit(f"{len(missing)} items have no label, first {missing[:5]}")
    with OUT.open("w", encoding="utf-8") as f:
        for row in sheet:
            code, note = labels[row["id"]]
            record = {
                "id": row["id"],
                "doc": row["doc"],
                "section": row["section"],
                "text": row["text"],
                "start": int(row["start"]),
                "end": int(row["end"]),
                "kind": row["kind"],
                "split": row["split"],
                "label": code in COMMITMENT_CODES,
                "code": code,
                "note": note,
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[2]))
    if "--dump" in sys.argv[1:]:
        dump()
    else:
        build()
