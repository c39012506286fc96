"""The figures of a run: `latest.json` (a list of {name, value, unit, floor, ratio}) and the table in
bench/README.md between its two markers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.http.load import Run

README = Path(__file__).resolve().parent.parent / "README.md"

# What each workload's figure is compared with, and what bounds it.
FLOORS = {
    "raw_commit": "the database alone: one INSERT and COMMIT per transaction, from the bench process",
    "floor": "the framework floor: gunicorn, Django's middleware and one ORM insert of a Submission row in "
    "its own transaction (no sign-in, no checks, no audit); floor = the raw commit rate",
    "read_floor": "the framework floor for a read: the same stack, one indexed SELECT of one row",
    "submit": "a liaison's POST of the report form (sign-in, CSRF, scope, validation, the locked report, "
    "submission, audit event, notices); floor = the framework floor at the same clients",
    "submit_browser": "the same POST and the GET of the page it redirects to, as a browser does (a pair "
    "counts once); floor = the framework floor",
    "task_list": "a city supervisor or leader loading /tasks/ (100 rows of all the city's tasks); "
    "floor = the read floor",
    "home": "a city supervisor or leader loading the home page; floor = the read floor",
}


def entry(name: str, value: float, unit: str, floor: float | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "value": round(value, 2),
        "unit": unit,
        "floor": None if floor is None else round(floor, 2),
        "ratio": round(value / floor, 3) if floor else None,
    }


def figures(runs: dict[tuple[str, int], Run], clients: list[int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in clients:
        raw, floor, read = runs[("raw_commit", c)], runs[("floor", c)], runs[("read_floor", c)]
        out.append(entry(f"raw_commit_s_c{c}", raw.rate, "commits/s"))
        out.append(entry(f"floor_req_s_c{c}", floor.rate, "req/s", raw.rate))
        out.append(entry(f"floor_p99_ms_c{c}", floor.percentile_ms(99), "ms"))
        out.append(entry(f"read_floor_req_s_c{c}", read.rate, "req/s"))
        out.append(entry(f"read_floor_p99_ms_c{c}", read.percentile_ms(99), "ms"))
        for name, base in (("submit", floor), ("submit_browser", floor), ("task_list", read), ("home", read)):
            r = runs[(name, c)]
            out.append(entry(f"{name}_req_s_c{c}", r.rate, "req/s", base.rate))
            if name.startswith("submit"):
                out.append(entry(f"{name}_req_s_c{c}_vs_raw", r.rate, "req/s", raw.rate))
            for p in (50, 95, 99):
                out.append(entry(f"{name}_p{p}_ms_c{c}", r.percentile_ms(p), "ms", base.percentile_ms(p)))
            out.append(entry(f"{name}_errors_c{c}", r.errors, "requests"))
            out.append(entry(f"{name}_dropped_c{c}", r.dropped, "connections"))
    return out


def write(results: list[dict[str, Any]], folder: Path, name: str = "latest.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def table(runs: dict[tuple[str, int], Run], clients: list[int], about: str) -> str:
    """The Markdown table of a run: one row per workload and client count."""
    lines = [
        about,
        "",
        "| workload | clients | req/s | p50 ms | p95 ms | p99 ms | errors | dropped | floor req/s | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("raw_commit", "floor", "read_floor", "submit", "submit_browser", "task_list", "home"):
        for c in clients:
            r = runs[(name, c)]
            base = _floor_of(name, c, runs)
            ratio = f"{r.rate / base.rate:.2f}" if base is not None and base.rate else "—"
            floor = f"{base.rate:.0f}" if base is not None else "—"
            note = " (ran out of reports)" if r.exhausted else ""
            p50, p95, p99 = (f"{r.percentile_ms(p):.0f}" for p in (50, 95, 99))
            lines.append(
                f"| {name}{note} | {c} | {r.rate:.0f} | {p50} | {p95} | {p99} | {r.errors} | {r.dropped} "
                f"| {floor} | {ratio} |"
            )
    return "\n".join(lines)


def _floor_of(name: str, c: int, runs: dict[tuple[str, int], Run]) -> Run | None:
    base = {"floor": "raw_commit", "submit": "floor", "submit_browser": "floor"}.get(name)
    if name in ("task_list", "home"):
        base = "read_floor"
    return runs[(base, c)] if base else None


def update_readme(text: str, vendor: str) -> None:
    """Replace the figures between the README's markers for this database with `text`."""
    begin, end = f"<!-- bench-http:{vendor}:begin -->", f"<!-- bench-http:{vendor}:end -->"
    readme = README.read_text(encoding="utf-8")
    if begin not in readme:
        return
    head, _, rest = readme.partition(begin)
    _, _, tail = rest.partition(end)
    README.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")
