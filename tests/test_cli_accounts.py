"""A production start (issue 8, item 1): `luoshi serve` makes a first administrator instead of loading the
demo city, and `luoshi check --deploy` fails while any account has the demo password."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from luoshi.testing import sqlite_pass_only
from tests.test_cli import LUOSHI, luoshi

pytestmark = sqlite_pass_only("a real `luoshi` process on a fresh SQLite file, in either pass")

DEMO_PASSWORD = "luoshi-demo-2026"


def _env(var: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "LUOSHI_VAR_DIR": str(var),
        "LUOSHI_DATABASE_URL": f"sqlite:///{var / 'luoshi.sqlite3'}",
        **extra,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rows(var: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(var / "luoshi.sqlite3") as db:
        return db.execute(sql).fetchall()


def serve_until_ready(var: Path, *args: str) -> str:
    """Run `luoshi serve` until it says where it listens, stop it, and return what it printed."""
    command = [LUOSHI, "serve", "--bind", f"127.0.0.1:{_free_port()}", "--workers", "1", *args]
    proc = subprocess.Popen(
        command, env=_env(var), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    deadline = time.monotonic() + 240
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "Luoshi is at" in line or time.monotonic() > deadline:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    # Stopped the moment it said so, it stopped its worker and web server with it: none is left orphaned.
    assert _started_with(var) == []
    return "".join(lines)


def _started_with(var: Path) -> list[str]:
    """The command lines of the live processes started with `var` as their LUOSHI_VAR_DIR."""
    mark = f"LUOSHI_VAR_DIR={var}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and mark in (proc / "environ").read_bytes().split(b"\0"):
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    var = tmp_path_factory.mktemp("prod")
    return var, serve_until_ready(var)


def test_a_production_start_on_an_empty_database_loads_no_demo_city(served):
    var, output = served
    assert "Luoshi is at" in output
    assert "Demo city" not in output and DEMO_PASSWORD not in output
    assert _rows(var, "SELECT count(*) FROM orgs_unit") == [(0,)]


def test_a_production_start_makes_a_first_admin_with_a_one_time_password_printed_once(served):
    var, output = served
    [(username, must_change, is_superuser, password_hash)] = _rows(
        var, "SELECT username, must_change_password, is_superuser, password FROM orgs_user"
    )
    assert (username, must_change, is_superuser) == ("admin", 1, 1)
    [line] = [line for line in output.splitlines() if "one-time password" in line]
    secret = line.split("one-time password")[1].split()[0]
    assert len(secret) >= 16 and secret not in password_hash
    again = serve_until_ready(var)
    assert "one-time password" not in again and "Luoshi is at" in again
    assert _rows(var, "SELECT count(*) FROM orgs_user") == [(1,)]


def test_the_operator_may_choose_the_first_admins_password(tmp_path):
    assert luoshi("migrate", "-v0", var=tmp_path).returncode == 0
    weak = subprocess.run(
        [LUOSHI, "first_admin"], env=_env(tmp_path, LUOSHI_ADMIN_PASSWORD=DEMO_PASSWORD), capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert weak.returncode != 0 and "演示密码" in weak.stderr  # commands speak the interface language
    chosen = subprocess.run(
        [LUOSHI, "first_admin"], env=_env(tmp_path, LUOSHI_ADMIN_PASSWORD="a-river-of-lanterns-7"),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert chosen.returncode == 0, chosen.stderr
    assert "a-river-of-lanterns-7" not in chosen.stdout
    assert _rows(tmp_path, "SELECT username, must_change_password FROM orgs_user") == [("admin", 1)]


def test_check_deploy_fails_while_an_account_has_the_demo_password(served):
    var, _ = served
    clean = luoshi("check", "--deploy", var=var)
    assert "luoshi.E001" not in clean.stdout + clean.stderr
    set_demo = (
        "from luoshi.orgs.models import User; u = User.objects.get(username='admin'); "
        f"u.set_password('{DEMO_PASSWORD}'); u.save()"
    )
    assert luoshi("shell", "-c", set_demo, var=var).returncode == 0
    flagged = luoshi("check", "--deploy", var=var)
    assert flagged.returncode != 0
    assert "luoshi.E001" in flagged.stderr and "admin" in flagged.stderr


def test_make_run_asks_for_the_demo_city():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "luoshi serve --demo" in makefile
