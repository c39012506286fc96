"""The job queue on Redis (LUOSHI_REDIS_URL), as a second machine would run it: a real Redis server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from luoshi.testing import sqlite_pass_only

REDIS_URL = os.environ.get("LUOSHI_TEST_REDIS_URL", "")
LUOSHI = str(Path(sys.executable).parent / "luoshi")

ROUND_TRIP = """
from huey.contrib.djhuey import HUEY
from luoshi.audit.jobs import seal_audit_events
from luoshi.audit.models import AuditBlock
from luoshi.orgs.services import create_unit
from huey import PriorityRedisHuey
assert isinstance(HUEY, PriorityRedisHuey), type(HUEY)
from unittest import mock
HUEY.flush()
with mock.patch("luoshi.audit.services.seal_all"):  # the writer's own seal after commit fails (dies)
    create_unit(name="临江市", kind="city", parent=None, by=None)
seal_audit_events()                     # the worker's catch-up: enqueued in Redis, not run here
assert HUEY.pending_count() == 1 and AuditBlock.objects.count() == 0
HUEY.execute(HUEY.dequeue())            # what a consumer on any machine does
assert HUEY.pending_count() == 0
print("sealed", AuditBlock.objects.count())
from luoshi.ingest.jobs import read_document
seal_audit_events()
read_document(10**9)                    # a page waits on it: it goes first
print("first", HUEY.dequeue().name)
HUEY.flush()
"""


@sqlite_pass_only("its `luoshi` process runs on a SQLite file of its own, in either pass")
@pytest.mark.skipif(not REDIS_URL, reason="set LUOSHI_TEST_REDIS_URL (CI does) to test the Redis job queue")
def test_jobs_round_trip_through_redis(tmp_path):
    env = {
        **os.environ,
        "LUOSHI_REDIS_URL": REDIS_URL,
        "LUOSHI_VAR_DIR": str(tmp_path),
        "LUOSHI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    assert subprocess.run([LUOSHI, "migrate", "-v0"], env=env, timeout=300).returncode == 0
    done = subprocess.run(
        [LUOSHI, "shell", "-c", ROUND_TRIP], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "sealed 1" in done.stdout
    assert "first read_document" in done.stdout
