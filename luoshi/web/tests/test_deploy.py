"""Deployment: request limits refused before the body is read, transport settings, no-store pages, SQLite
durability, and `check --deploy` clean with the production settings the README documents."""

from __future__ import annotations

import ast
import io
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from luoshi.testing import sqlite_pass_only
from luoshi.web.limits import RequestLimitsMiddleware

MB = 1024 * 1024
README = Path(__file__).resolve().parents[3] / "README.md"
LUOSHI = shutil.which("luoshi", path=str(Path(sys.executable).parent)) or "luoshi"

# A `luoshi` process here runs on a SQLite file of its own (LUOSHI_ variables are not passed on), in either
# pass: the subject is the settings.
SUBPROCESS = "its `luoshi` process runs on a SQLite file of its own, in either pass"


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def read(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")

    readline = readinto = read  # type: ignore[assignment]


def test_a_body_larger_than_the_limit_is_refused_from_its_content_length_unread(client):
    response = client.post(
        reverse("login"),
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * MB),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "25 MB" in page and "20 MB" in page  # the request's limit and each file's
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


@override_settings(LUOSHI_REQUEST_MAX_BYTES=1 * MB)
def test_the_body_limit_follows_its_setting(client):
    response = client.post(reverse("login"), {"username": "x" * (MB + 10)})
    assert response.status_code == 413
    assert "1 MB" in response.content.decode()


class Trickle(io.BytesIO):
    """A chunked body: no Content-Length, and the server ends the stream after the last chunk."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(min(size, 1000) if size is not None and size >= 0 else 1000)


def chunked_request(body: bytes) -> tuple[object, Trickle]:
    stream = Trickle(body)
    request = RequestFactory().post("/", **{"wsgi.input": stream, "wsgi.input_terminated": True})
    del request.META["CONTENT_LENGTH"]
    return request, stream


def read_all(request) -> HttpResponse:
    try:
        return HttpResponse(str(len(request.read())))
    except RequestDataTooBig:
        return HttpResponse(status=400)


@override_settings(LUOSHI_REQUEST_MAX_BYTES=10_000)
def test_a_chunked_body_is_read_no_further_than_one_byte_past_the_limit():
    request, stream = chunked_request(b"x" * 50_000)
    response = RequestLimitsMiddleware(read_all)(request)
    assert response.status_code == 413
    assert stream.tell() == 10_001


@override_settings(LUOSHI_REQUEST_MAX_BYTES=10_000)
def test_a_chunked_body_within_the_limit_is_read_whole():
    request, _stream = chunked_request(b"x" * 9_000)
    response = RequestLimitsMiddleware(read_all)(request)
    assert response.status_code == 200 and response.content == b"9000"


def test_an_address_longer_than_the_limit_gets_the_414_page_saying_the_limit(client):
    response = client.get(reverse("web:home"), {"q": "长" * 2000})
    assert response.status_code == 414
    assert "4096" in response.content.decode()
    assert client.get(reverse("login"), {"q": "长" * 100}).status_code == 200


def test_the_limit_pages_speak_the_language_the_user_chose(client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("web:home"), {"q": "x" * 5000})
    assert response.status_code == 414
    assert 'lang="en"' in response.content.decode()


def test_pages_for_a_signed_in_user_are_not_stored_but_static_files_are(client, city, settings, tmp_path):
    client.force_login(city.county_liaison)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]

    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    browser = Client()
    browser.force_login(city.county_liaison)
    static = browser.get("/static/luoshi/luoshi.js")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def documented_production_env() -> dict[str, str]:
    """The variables in the README's production block, with a fresh key in place of the placeholder."""
    block = re.search(r"<!-- production-env -->\n```sh\n(.*?)```", README.read_text(), re.S)
    assert block, "README has no production settings block"
    values = dict(line.split("=", 1) for line in block.group(1).splitlines() if line.strip())
    assert values["LUOSHI_SECRET_KEY"].startswith("<")
    values["LUOSHI_SECRET_KEY"] = secrets.token_urlsafe(50)
    return values


def run_luoshi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    return subprocess.run([LUOSHI, *args], env={**base, **env}, capture_output=True, text=True, timeout=300)


@sqlite_pass_only(SUBPROCESS)
def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    env = documented_production_env()
    assert env["LUOSHI_HTTPS"] == "true"
    # The documented PostgreSQL server is not here; a migrated SQLite file stands in for the checks that look.
    env |= {"LUOSHI_VAR_DIR": str(tmp_path), "LUOSHI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert run_luoshi("migrate", "-v0", env=env).returncode == 0
    checked = run_luoshi("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


@sqlite_pass_only(SUBPROCESS)
def test_https_turns_on_hsts_the_redirect_and_the_proxy_header(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE])"
    )
    env = {"LUOSHI_VAR_DIR": str(tmp_path), "LUOSHI_HTTPS": "true", "LUOSHI_HSTS_PRELOAD": "false"}
    shown = run_luoshi("shell", "-v0", "-c", code, env=env)
    assert ast.literal_eval(shown.stdout) == [
        365 * 24 * 3600, True, False, True, ("HTTP_X_FORWARDED_PROTO", "https"), True, True
    ], shown.stderr  # fmt: skip


@sqlite_pass_only(SUBPROCESS)
@pytest.mark.parametrize(("chosen", "pragma"), [(None, "1"), ("NORMAL", "1"), ("full", "2")])
def test_the_sqlite_synchronous_setting_reaches_the_connection(tmp_path, chosen, pragma):
    code = (
        "from django.db import connection as c; print(c.cursor().execute('PRAGMA synchronous').fetchone()[0])"
    )
    env = {"LUOSHI_VAR_DIR": str(tmp_path)} | ({"LUOSHI_SQLITE_SYNCHRONOUS": chosen} if chosen else {})
    shown = run_luoshi("shell", "-v0", "-c", code, env=env)
    assert shown.stdout.strip() == pragma, shown.stderr  # 1 is NORMAL, 2 is FULL


@sqlite_pass_only(SUBPROCESS)
def test_a_bad_sqlite_synchronous_value_stops_luoshi(tmp_path):
    shown = run_luoshi("check", env={"LUOSHI_VAR_DIR": str(tmp_path), "LUOSHI_SQLITE_SYNCHRONOUS": "OFF"})
    assert shown.returncode != 0 and "LUOSHI_SQLITE_SYNCHRONOUS" in shown.stderr
