"""`python -m bench http` (or `python -m bench.http`): Luoshi over real HTTP against its own floors.

A fresh database (SQLite, or PostgreSQL when LUOSHI_DATABASE_URL is set), the demo city plus BENCH_HTTP_TASKS
tasks with a cycle of open reports, `luoshi serve` on a free loopback port with the framework floor mounted,
then at each client count of BENCH_HTTP_CLIENTS for BENCH_HTTP_SECONDS each: the raw commit rate, the
framework floor (write and read), the deadline surge (liaisons sending their reports through the real
form; alone, and followed by the page it lands on) and city leaders loading the task list and the home page.
Then every acknowledged submit is checked in the database; the run fails if one is missing or doubled.

`--soak SECONDS` runs the surge alone for that long, opening the next cycle when the reports run low, and
checks that nothing failed and that no gunicorn worker's resident memory grew by 10% or more.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.http import data, load, results
from bench.http.rawdb import RawInserts
from bench.http.server import Server, rss_kib

DEFAULT_RESULTS = Path(__file__).resolve().parent.parent / "results"


def arguments(argv: list[str]) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m bench http")
    parser.add_argument("--clients", default=env("BENCH_HTTP_CLIENTS", "1,8,32"))
    parser.add_argument("--seconds", type=float, default=float(env("BENCH_HTTP_SECONDS", "5")))
    parser.add_argument("--tasks", type=int, default=int(env("BENCH_HTTP_TASKS", "10000")))
    parser.add_argument("--city", choices=("demo", "tiny"), default=env("BENCH_HTTP_CITY", "demo"))
    parser.add_argument("--results", type=Path, default=Path(env("BENCH_RESULTS_DIR", str(DEFAULT_RESULTS))))
    parser.add_argument("--soak", type=float, default=0, metavar="SECONDS")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = arguments(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress, also into a file
    clients = sorted({int(c) for c in args.clients.split(",")})
    var = Path(tempfile.mkdtemp(prefix="luoshi-bench-http-"))
    db = data.fresh_database(var)
    data.use(var, db)
    server: Server | None = None
    failed = True
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        city = data.populate(city=args.city, tasks=args.tasks)
        connections.close_all()
        print(f"\nHTTP bench on {db.vendor}: {_counts(city)}, ready in {time.monotonic() - t0:.0f} s")
        server = Server(env=dict(os.environ), log=var / "serve.log")
        server.wait_ready()
        workers = server.workers()
        print(
            f"  luoshi serve on {server.base}: {len(workers)} gunicorn workers, "
            f"up at {time.monotonic() - t0:.0f} s"
        )
        if args.soak:
            code = soak(server, city, db, max(clients), args.soak, args.results)
        else:
            code = measure(server, city, db, clients, args.seconds, args.results, len(workers))
        failed = code != 0
        return code
    finally:
        if server is not None:
            if failed:
                print("luoshi serve's last lines:\n" + server.tail(), file=sys.stderr)
            server.stop()
        data.clean_up(var, db)


def _today() -> str:
    from luoshi.core import clock

    return clock.today().isoformat()


def _counts(city: data.City) -> str:
    return ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in city.counts.items())


def sign_in_all(server: Server, city: data.City, leaders_needed: int) -> tuple[dict, list]:
    """Every liaison with reports to send, and `leaders_needed` sessions of the city's leaders (round the
    list), each signed in through the real form."""
    leaders = [city.leaders[i % len(city.leaders)] for i in range(leaders_needed)]
    with ThreadPoolExecutor(4) as pool:
        liaison_sessions = dict(
            zip(
                city.liaisons,
                pool.map(lambda n: load.sign_in(server.base, n, city.password), city.liaisons),
                strict=True,
            )
        )
        leader_sessions = list(pool.map(lambda n: load.sign_in(server.base, n, city.password), leaders))
    return liaison_sessions, leader_sessions


def warm(server: Server, sessions: list[requests.Session], seconds: float) -> None:
    """Load every worker's templates and code once before measuring."""
    load.run("warm", 4, seconds, lambda i: load.page(sessions[i % len(sessions)], server.base + "/tasks/"))
    load.run("warm", 4, seconds / 2, lambda i: load.page(sessions[i % len(sessions)], server.base + "/"))


def measure(
    server: Server,
    city: data.City,
    db: data.Database,
    clients: list[int],
    seconds: float,
    folder: Path,
    workers: int,
) -> int:
    liaison_sessions, leader_sessions = sign_in_all(server, city, max(clients))
    pool = load.Liaisons(liaison_sessions, city.liaisons)
    print(f"  {len(liaison_sessions)} liaisons and {len(leader_sessions)} leader sessions signed in")
    warm(server, leader_sessions, min(seconds, 2))
    runs: dict[tuple[str, int], load.Run] = {}
    acknowledged: list[tuple[int, str]] = []
    floor_keys: list[str] = []
    raw = RawInserts(db)
    read_url = f"{server.base}/__bench__/floor/?report={city.floor_report}"
    durability = raw.durability()
    try:
        for c in clients:
            runs[("raw_commit", c)] = load.run("raw_commit", c, seconds, raw.make)
            runs[("floor", c)] = load.run(
                "floor",
                c,
                seconds,
                lambda i: load.floor_insert(server.base, city.floor_report, city.floor_user, floor_keys),
            )
            runs[("read_floor", c)] = load.run(
                "read_floor", c, seconds, lambda i: load.page(requests.Session(), read_url)
            )
            for name, follow in (("submit", False), ("submit_browser", True)):
                submitters = [load.Submitter(server.base, pool, acknowledged, follow) for _ in range(c)]
                runs[(name, c)] = load.run(name, c, seconds, lambda i, s=submitters: s[i])  # type: ignore[misc]
                for s in submitters:
                    s.release()
            for name, path in (("task_list", "/tasks/"), ("home", "/")):
                url = server.base + path
                runs[(name, c)] = load.run(
                    name, c, seconds, lambda i, u=url: load.page(leader_sessions[i], u)
                )
            print(
                f"  {c} clients: " + ", ".join(f"{n} {r.rate:.0f}/s" for (n, k), r in runs.items() if k == c)
            )
        raw_stored = raw.stored()
    finally:
        raw.close()
    verdict = data.verify(acknowledged, floor_keys)
    raw_done = sum(len(r.latencies) for (name, _), r in runs.items() if name == "raw_commit")
    if raw_stored != raw_done:
        verdict.problems.append(f"raw commits: {raw_done} acknowledged, {raw_stored} rows found")
    figures = results.figures(runs, clients)
    figures.append(results.entry("submits_acknowledged", verdict.acknowledged, "submits"))
    figures.append(results.entry("submits_verified", verdict.verified, "submits", verdict.acknowledged))
    figures.append(results.entry("floor_inserts_acknowledged", len(floor_keys), "rows"))
    path = results.write(figures, folder)
    results.write(figures, folder, f"latest-{db.vendor}.json")
    about = (
        f"{_today()}, {db.vendor} ({durability}), {os.cpu_count()} cores, {workers} gunicorn workers, "
        f"{_counts(city)}; {seconds:g} s per figure."
    )
    text = results.table(runs, clients, about)
    print("\n" + text)
    print(
        f"\n  correctness: {verdict.verified} of {verdict.acknowledged} acknowledged submits found exactly "
        f"once with their audit event; {len(floor_keys)} floor inserts, {raw_stored} raw commits found"
    )
    print(f"  figures written to {path}")
    if folder.resolve() == DEFAULT_RESULTS.resolve():
        results.update_readme(text, db.vendor)
    if verdict.problems or verdict.verified != verdict.acknowledged:
        print("CORRECTNESS FAILED:\n  " + "\n  ".join(verdict.problems[:50]), file=sys.stderr)
        return 1
    return 0


def soak(
    server: Server, city: data.City, db: data.Database, clients: int, seconds: float, folder: Path
) -> int:
    liaison_sessions, leader_sessions = sign_in_all(server, city, 1)
    pool = load.Liaisons(liaison_sessions, city.liaisons)
    warm(server, leader_sessions, 2)
    acknowledged: list[tuple[int, str]] = []
    pool.refilled = True
    low = pool.remaining() // 4
    stop = threading.Event()

    def refill() -> None:
        while not stop.wait(1):
            if pool.remaining() <= low:
                pool.add(data.open_next_cycle(city))

    refiller = threading.Thread(target=refill, daemon=True)
    refiller.start()
    # Memory is measured from the end of a warm-up: by then each worker has loaded what it serves.
    warmup = [load.Submitter(server.base, pool, acknowledged, True) for _ in range(clients)]
    load.run("warm", clients, min(60, max(10, seconds / 10)), lambda i: warmup[i])
    for s in warmup:
        s.release()
    workers = server.workers()
    before = {pid: rss_kib(pid) for pid in workers}
    submitters = [load.Submitter(server.base, pool, acknowledged, True) for _ in range(clients)]
    try:
        run = load.run("soak", clients, seconds, lambda i: submitters[i])
    finally:
        stop.set()
        refiller.join()
    for s in submitters:
        s.release()
    after = {pid: rss_kib(pid) for pid in workers}
    verdict = data.verify(acknowledged, [])
    growth = {
        pid: (after[pid] - before[pid]) / before[pid] if before[pid] and after[pid] else None
        for pid in workers
    }
    report = {
        "seconds": seconds,
        "clients": clients,
        "database": db.vendor,
        "submits_per_s": round(run.rate, 1),
        "p99_ms": round(run.percentile_ms(99), 1),
        "errors": run.errors,
        "dropped": run.dropped,
        "exhausted": run.exhausted,
        "verified": f"{verdict.verified}/{verdict.acknowledged}",
        "workers": [
            {"pid": pid, "rss_kib_start": before[pid], "rss_kib_end": after[pid], "growth": growth[pid]}
            for pid in workers
        ],
    }
    results.write([report], folder, "soak.json")  # type: ignore[list-item]
    print(json.dumps(report, indent=1))
    bad = [
        *([f"{run.errors} errors, {run.dropped} dropped"] if run.errors or run.dropped else []),
        *([f"{len(verdict.problems)} correctness problems"] if verdict.problems else []),
        *[f"worker {pid}: gone" for pid, g in growth.items() if g is None],
        *[f"worker {pid}: grew {g:.1%}" for pid, g in growth.items() if g is not None and g >= 0.10],
        *(["ran out of reports"] if run.exhausted else []),
    ]
    print("soak: " + ("; ".join(bad) if bad else "no errors, every worker grew by less than 10%"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
