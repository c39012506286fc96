"""The job worker knows every job the pages queue, and takes first those someone is waiting on.

`luoshi run_huey` (what `luoshi serve` starts) only sets Django up: a job is known to it when an app's
ready() imports its module. A web process that imports a job module on first use can queue a job the
worker then drops ("not found in TaskRegistry"), which no test running jobs in-process would see. Found
trying main as an operator: bulletins and long documents queued, never run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, json, pkgutil
import django
django.setup()
from huey.contrib.djhuey import HUEY
import luoshi
at_start = sorted(HUEY._registry._registry)
for module in pkgutil.iter_modules(luoshi.__path__):
    if (pkgutil.importlib.util.find_spec(f"luoshi.{module.name}.jobs") if module.ispkg else None):
        importlib.import_module(f"luoshi.{module.name}.jobs")
print(json.dumps({"at_start": at_start, "declared": sorted(HUEY._registry._registry)}))
"""


def test_every_job_is_registered_when_the_worker_starts(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_VAR_DIR": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert any("read_document" in name for name in found["declared"])  # the probe found the modules
    assert found["at_start"] == found["declared"]


def test_a_job_someone_waits_on_goes_before_the_deliveries_queued_ahead_of_it(db):
    """After a deadline the queue holds thousands of deliveries; a document read, which a page shows the
    progress of, must not wait behind them (the embedded queue here; tests/test_jobs_redis.py, Redis)."""
    from huey.contrib.djhuey import HUEY

    from luoshi.bulletins.jobs import generate_bulletin
    from luoshi.ingest.jobs import check_sheet, read_document
    from luoshi.notify.jobs import deliver

    assert not HUEY.immediate
    HUEY.flush()
    try:
        for n in range(3):
            deliver([n], [])
        read_document(10**9)
        deliver([3], [])
        generate_bulletin(10**9)
        check_sheet(10**9)
        order = [HUEY.dequeue().name.rsplit(".", 1)[-1] for _ in range(HUEY.pending_count())]
    finally:
        HUEY.flush()
    assert order[:3] == ["read_document", "generate_bulletin", "check_sheet"]
    assert order[3:] == ["deliver"] * 4
