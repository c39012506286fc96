"""The `luoshi` command as a user runs it: a real process on a fresh SQLite file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from luoshi.testing import sqlite_pass_only

# Each test starts its own process on its own SQLite file, whichever database the suite runs on.
pytestmark = sqlite_pass_only("a real `luoshi` process on a fresh SQLite file, in either pass")

LUOSHI = shutil.which("luoshi", path=str(Path(sys.executable).parent)) or "luoshi"


def luoshi(*args: str, var: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LUOSHI_VAR_DIR": str(var),
        "LUOSHI_DATABASE_URL": f"sqlite:///{var / 'luoshi.sqlite3'}",
    }
    return subprocess.run([LUOSHI, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    var = tmp_path_factory.mktemp("var")
    assert luoshi("migrate", "-v0", var=var).returncode == 0
    return var


def test_the_entry_point_lists_luoshis_commands(fresh):
    result = luoshi("help", var=fresh)
    assert result.returncode == 0
    for command in ("demo", "audit", "serve", "migrate"):
        assert command in result.stdout


def test_demo_loads_once_then_audit_verify_passes_and_catches_tampering(fresh):
    first = luoshi("demo", var=fresh)
    assert first.returncode == 0, first.stderr
    assert "Demo city loaded" in first.stdout and "ducha" in first.stdout
    again = luoshi("demo", "--if-empty", var=fresh)
    assert again.returncode == 0 and "already loaded" in again.stdout

    verified = luoshi("audit", "verify", "--seal", var=fresh)
    assert verified.returncode == 0, verified.stderr
    assert "audit chain OK" in verified.stdout

    head = luoshi("audit", "head", var=fresh)
    assert head.returncode == 0 and "hmac-sha256" in head.stdout
    with sqlite3.connect(fresh / "luoshi.sqlite3") as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE audit_auditevent SET actor_name = '冒名者' WHERE id = 7")
        db.execute("DROP TRIGGER audit_event_update")  # as whoever can write the database file can
        db.execute("UPDATE audit_auditevent SET actor_name = '冒名者' WHERE id = 7")
    broken = luoshi("audit", "verify", var=fresh)
    assert broken.returncode != 0
    assert "BROKEN" in broken.stderr and "event 7" in broken.stderr
