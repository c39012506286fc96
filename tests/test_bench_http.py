"""`python -m bench http` end to end in its smallest form: a tiny city, two clients, half a second a figure.

What is measured is not checked here (no timed assertions): only that the harness runs against a real
`luoshi serve`, writes every required figure with its floor and ratio, and that its correctness check ran
and found every acknowledged submit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from bench.http import data
from luoshi.testing import sqlite_pass_only
from tests.test_gunicorn import real_time

ROOT = Path(__file__).resolve().parent.parent


@sqlite_pass_only(
    "the harness makes its own SQLite database and server whatever the pass; `make bench` with "
    "LUOSHI_DATABASE_URL runs it on PostgreSQL"
)
def test_http_bench_runs_end_to_end_and_checks_every_acknowledged_submit(tmp_path: Path) -> None:
    env = real_time(dict(os.environ)) | {
        "BENCH_HTTP_CITY": "tiny",
        "BENCH_HTTP_TASKS": "200",
        "BENCH_HTTP_CLIENTS": "2",
        "BENCH_HTTP_SECONDS": "0.5",
        "BENCH_RESULTS_DIR": str(tmp_path),
        "LUOSHI_WEB_WORKERS": "2",
    }
    env.pop("LUOSHI_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "http"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = {f["name"]: f for f in json.loads((tmp_path / "latest.json").read_text())}
    for name in ("submit_req_s_c2", "submit_p99_ms_c2", "task_list_req_s_c2", "submit_browser_req_s_c2"):
        assert figures[name]["value"] > 0, name
        assert figures[name]["floor"] > 0, name
        assert figures[name]["ratio"] is not None, name
    acknowledged = figures["submits_acknowledged"]["value"]
    assert acknowledged > 0
    assert figures["submits_verified"]["value"] == acknowledged
    assert "acknowledged submits found exactly once with their audit event" in done.stdout
    assert figures["submit_errors_c2"]["value"] == 0


@pytest.mark.django_db
def test_the_correctness_check_reports_an_acknowledged_submit_that_is_not_there() -> None:
    verdict = data.verify([(987654, "a-key-never-stored")], ["floor-never-stored"])
    assert verdict.acknowledged == 1
    assert verdict.verified == 0
    assert any("report 987654" in p and "0 audit events" in p for p in verdict.problems)
    assert any("framework floor: 1 inserts acknowledged, 0 found" in p for p in verdict.problems)


@pytest.mark.django_db
def test_the_framework_floor_is_not_mounted_outside_the_bench(client: Client) -> None:
    # It writes rows with no sign-in and no check: only the server the bench starts may have it.
    assert os.environ.get("LUOSHI_BENCH_FLOOR", "") != "1"
    assert client.post("/__bench__/floor/", {"report": "1", "user": "1", "key": "x"}).status_code == 404
    assert client.get("/__bench__/floor/?report=1").status_code == 404


def test_the_scale_bench_holds_each_page_to_its_bars() -> None:
    """bench/http/scale.py's verdict: a p95 at or over 150 ms at the most clients, a p95 that grew more than
    1.2× with the history, and any error or dropped connection are each named; a run within them is not."""
    import argparse

    from bench.http.scale import verdict

    def run(p95: float, errors: int = 0) -> dict[str, float]:
        return {"rate": 50.0, "p50": p95 / 2, "p95": p95, "p99": p95 * 1.2, "errors": errors, "dropped": 0}

    def history(task_list: float, unit: float, home: float, errors: int = 0) -> dict[str, object]:
        pages = {
            "read_floor": run(5),
            "task_list": run(task_list),
            "unit": run(unit),
            "home": run(home, errors),
        }
        return {
            "vendor": "sqlite",
            "day": "2026-12-04",
            "workers": 5,
            "counts": "…",
            "runs": {f"{name}_c{c}": r for name, r in pages.items() for c in (1, 8)},
        }

    args = argparse.Namespace(clients="1,8", scale="province", seconds=10.0)
    figures, table, failed = verdict(
        {1_000_000: history(100, 90, 80), 10_000_000: history(110, 90, 80)}, args
    )
    assert failed == [] and "| task_list | 1.10 |" in table
    assert {f["name"] for f in figures} >= {"task_list_r10000000_c8_p95_ms", "home_p95_growth_c8"}

    _, _, failed = verdict(
        {1_000_000: history(100, 90, 80), 10_000_000: history(160, 120, 80, errors=2)}, args
    )
    assert failed == [
        "task_list p95 160 ms at 8 clients, 10,000,000 reports",
        "home: 2 errors, 0 dropped at 1 clients",
        "home: 2 errors, 0 dropped at 8 clients",
        "task_list p95 grew 1.60× with the history",
        "unit p95 grew 1.33× with the history",
    ]
