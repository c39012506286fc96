"""`python -m bench scale`: the pages leaders read, at province scale over real HTTP, and how their cost moves
with the size of the history behind them (issue 11, item 3).

For each report count of BENCH_SCALE_REPORTS (by default 1,000,000 and 10,000,000), in a process of its own:
a fresh database (as `bench http`: SQLite, or PostgreSQL when LUOSHI_DATABASE_URL names a server), the data of
`luoshi demo --scale` (BENCH_SCALE, by default `province`: 3,000 units, 30,000 people, 200,000 tasks) with
that many reports, `luoshi serve`, and the province's leaders and supervisors signed in through the real
form. Then, at each client count of BENCH_SCALE_CLIENTS (1 and 8) for BENCH_HTTP_SECONDS each: the read
floor, the task list (`/tasks/`, 100 rows of all the province's tasks), a unit page (the first county's:
its townships' tasks and people) and the home page.

The bars: p95 under 150 ms at 8 clients; and at the largest history, each page's p95 within 1.2× of its p95
at the smallest (the cost flat in the history's size). Figures go to `bench/results/scale-<vendor>.json`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench.http import data, load, results
from bench.http.server import Server

DEFAULT_RESULTS = Path(__file__).resolve().parent.parent / "results"
P95_BAR_MS, FLAT_BAR = 150.0, 1.2
PAGES = ("task_list", "unit", "home")


def arguments(argv: list[str]) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m bench scale")
    parser.add_argument("--scale", default=env("BENCH_SCALE", "province"))
    parser.add_argument("--reports", default=env("BENCH_SCALE_REPORTS", "1000000,10000000"))
    parser.add_argument("--clients", default=env("BENCH_SCALE_CLIENTS", "1,8"))
    parser.add_argument("--seconds", type=float, default=float(env("BENCH_HTTP_SECONDS", "10")))
    parser.add_argument("--results", type=Path, default=Path(env("BENCH_RESULTS_DIR", str(DEFAULT_RESULTS))))
    parser.add_argument(
        "--one", type=int, default=0, help=argparse.SUPPRESS
    )  # a single history, this process
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = arguments(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.one:
        return one(args)
    counts = [int(r) for r in args.reports.split(",")]
    runs: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-scale-") as folder:
        for reports in counts:
            out = Path(folder) / f"{reports}.json"
            command = [
                sys.executable,
                "-m",
                "bench.http.scale",
                *argv,
                "--one",
                str(reports),
                "--out",
                str(out),
            ]
            if subprocess.run(command).returncode != 0:
                print(f"the run with {reports:,} reports failed", file=sys.stderr)
                return 1
            runs[reports] = json.loads(out.read_text(encoding="utf-8"))
    figures, text, failed = verdict(runs, args)
    vendor = next(iter(runs.values()))["vendor"]
    path = results.write(figures, args.results, f"scale-{vendor}.json")
    print("\n" + text + f"\n\n  figures written to {path}")
    if failed:
        print("short of the bars: " + "; ".join(failed))
    return 0


def verdict(
    runs: dict[int, dict[str, Any]], args: argparse.Namespace
) -> tuple[list[dict[str, Any]], str, list[str]]:
    """The figures and the table of all the runs, and the bars each page falls short of."""
    clients = sorted({int(c) for c in args.clients.split(",")})
    smallest, largest = min(runs), max(runs)
    figures: list[dict[str, Any]] = []
    failed: list[str] = []
    first = runs[smallest]
    lines = [
        f"{first['day']}, {first['vendor']}, {os.cpu_count()} cores, {first['workers']} gunicorn workers, "
        f"`luoshi demo --scale {args.scale}`: {first['counts']}; {args.seconds:g} s per figure.",
        "",
        "| page | reports | clients | req/s | p50 ms | p95 ms | p99 ms | errors | dropped | floor req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("read_floor", *PAGES):
        for reports in sorted(runs):
            for c in clients:
                r = runs[reports]["runs"][f"{name}_c{c}"]
                floor = runs[reports]["runs"][f"read_floor_c{c}"]
                tag = f"{name}_r{reports}_c{c}"  # each figure against the read floor, as in `bench http`
                figures.append(results.entry(f"{tag}_req_s", r["rate"], "req/s", floor["rate"]))
                figures.append(results.entry(f"{tag}_p95_ms", r["p95"], "ms", floor["p95"]))
                figures.append(results.entry(f"{tag}_errors", r["errors"] + r["dropped"], "requests"))
                lines.append(
                    f"| {name} | {reports:,} | {c} | {r['rate']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} "
                    f"| {r['p99']:.0f} | {r['errors']} | {r['dropped']} | {floor['rate']:.0f} |"
                )
                if name != "read_floor" and c == max(clients) and r["p95"] >= P95_BAR_MS:
                    failed.append(f"{name} p95 {r['p95']:.0f} ms at {c} clients, {reports:,} reports")
                if r["errors"] or r["dropped"]:
                    failed.append(f"{name}: {r['errors']} errors, {r['dropped']} dropped at {c} clients")
    if largest != smallest:
        lines += [
            "",
            f"| page | p95 at {largest:,} reports ÷ p95 at {smallest:,}, {max(clients)} clients |",
            "|---|---:|",
        ]
        for name in PAGES:
            key = f"{name}_c{max(clients)}"
            small, large = runs[smallest]["runs"][key]["p95"], runs[largest]["runs"][key]["p95"]
            figures.append(results.entry(f"{name}_p95_growth_c{max(clients)}", large, "ms", small))
            lines.append(f"| {name} | {large / small:.2f} |")
            if large > FLAT_BAR * small:
                failed.append(f"{name} p95 grew {large / small:.2f}× with the history")
    return figures, "\n".join(lines), failed


def one(args: argparse.Namespace) -> int:
    """Generate the scale with `args.one` reports in a fresh database, serve it and measure the pages."""
    clients = sorted({int(c) for c in args.clients.split(",")})
    var = Path(tempfile.mkdtemp(prefix="luoshi-bench-scale-"))
    db = data.fresh_database(var)
    data.use(var, db)
    server: Server | None = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from luoshi.core import clock
        from luoshi.demo import scale
        from luoshi.dispatch.models import Report
        from luoshi.orgs.models import Role, Unit, UnitKind, User
        from luoshi.orgs.passwords import DEMO_PASSWORD
        from luoshi.plans.models import Task

        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        size = dataclasses.replace(scale.SCALES[args.scale], reports=args.one)
        made = scale.generate(size)
        root = Unit.objects.get(pk=made["root"])
        county = (
            Unit.objects.filter(parent=root, kind=UnitKind.COUNTY)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        readers = list(
            User.objects.filter(role__in=(Role.LEADER, Role.SUPERVISOR), unit=root, is_active=True)
            .order_by("id")
            .values_list("username", flat=True)
        )
        floor_report = Report.objects.order_by("id").values_list("id", flat=True)[0]
        counts = (
            f"{Unit.objects.count():,} units, {User.objects.count():,} people, "
            f"{Task.objects.count():,} tasks, {Report.objects.count():,} reports"
        )
        connections.close_all()
        print(f"\n{counts}: ready in {time.monotonic() - t0:.0f} s (generation {made['seconds']})")
        server = Server(env=dict(os.environ), log=var / "serve.log")
        server.wait_ready()
        workers = len(server.workers())
        sessions = [
            load.sign_in(server.base, readers[i % len(readers)], DEMO_PASSWORD) for i in range(max(clients))
        ]
        urls = {
            "task_list": server.base + "/tasks/",
            "unit": f"{server.base}/units/{county or root.pk}/",
            "home": server.base + "/",
        }
        for url in urls.values():  # every worker loads its templates and code once before measuring
            load.run(
                "warm", 4, min(args.seconds, 3), lambda i, u=url: load.page(sessions[i % len(sessions)], u)
            )
        measured: dict[str, dict[str, float]] = {}
        read_url = f"{server.base}/__bench__/floor/?report={floor_report}"
        for c in clients:
            floor = load.run("read_floor", c, args.seconds, lambda i: load.page(requests.Session(), read_url))
            measured[f"read_floor_c{c}"] = _summary(floor)
            for name, url in urls.items():
                r = load.run(name, c, args.seconds, lambda i, u=url: load.page(sessions[i], u))
                measured[f"{name}_c{c}"] = _summary(r)
            print(
                f"  {args.one:,} reports, {c} clients: "
                + ", ".join(
                    f"{k[: -len(f'_c{c}')]} p95 {v['p95']:.0f} ms"
                    for k, v in measured.items()
                    if k.endswith(f"_c{c}")
                )
            )
        args.out.write_text(
            json.dumps(
                {
                    "vendor": db.vendor,
                    "day": clock.today().isoformat(),
                    "workers": workers,
                    "counts": counts,
                    "runs": measured,
                }
            ),
            encoding="utf-8",
        )
        return 0
    finally:
        if server is not None:
            server.stop()
        data.clean_up(var, db)


def _summary(r: load.Run) -> dict[str, float]:
    return {
        "rate": r.rate,
        "p50": r.percentile_ms(50),
        "p95": r.percentile_ms(95),
        "p99": r.percentile_ms(99),
        "errors": r.errors,
        "dropped": r.dropped,
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
