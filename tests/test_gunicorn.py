"""Luoshi's gunicorn settings in a real gunicorn process: limits, the time limit, no Server header."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def real_time(environ: dict[str, str]) -> dict[str, str]:
    """The environment without Debian's faketime (make test-dates), which holds the system clock still.

    What these tests check is gunicorn's own watchdog, which counts real seconds: under a frozen clock its
    timeout and its graceful shutdown would never come. Luoshi's rules read luoshi.core.clock, not this.
    """
    kept = {k: v for k, v in environ.items() if not k.startswith("FAKETIME")}
    preload = [lib for lib in kept.get("LD_PRELOAD", "").split(":") if lib and "faketime" not in lib]
    kept.pop("LD_PRELOAD", None)
    return kept | ({"LD_PRELOAD": ":".join(preload)} if preload else {})


def gunicorn(app: str, var: Path, **env: str) -> Iterator[int]:
    port = free_port()
    environ = real_time({**os.environ, "LUOSHI_VAR_DIR": str(var), **env})
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "-c", "python:luoshi.web.gunicorn_conf"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=environ, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):  # wait until it listens, polling: how long it takes is not what is tested
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def luoshi_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    var = tmp_path_factory.mktemp("var")
    env = {**os.environ, "LUOSHI_VAR_DIR": str(var)}
    collected = [sys.executable, "-m", "luoshi", "collectstatic", "--noinput", "-v0"]
    subprocess.run(collected, env=env, check=True, timeout=300)  # the error page links its stylesheet
    yield from gunicorn("luoshi.wsgi", var)


def raw_request(port: int, head: str, body: bytes = b"") -> bytes:
    """Send a request as written and read the answer until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


def test_responses_carry_no_server_header(luoshi_port):
    answer = raw_request(
        luoshi_port, "GET /accounts/login/?q=x HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n"
    )
    head = answer.split(b"\r\n\r\n", 1)[0].decode().lower()
    assert head.startswith("http/1.1 ") and "\r\nserver:" not in head


def test_a_huge_content_length_is_answered_413_without_waiting_for_the_body(luoshi_port):
    # With a CSRF cookie the form would be read; the body promised is 300 MB and 5 bytes come. An answer at
    # all shows nobody waited for the rest (before, the worker waited and the socket's timeout fired).
    login = raw_request(luoshi_port, "GET /accounts/login/ HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n")
    token = re.search(rb"csrftoken=(\w+)", login)
    assert token
    head = (
        "POST /accounts/login/ HTTP/1.1\nHost: 127.0.0.1\nContent-Type: multipart/form-data; boundary=x\n"
        f"Cookie: csrftoken={token[1].decode()}\nX-CSRFToken: {token[1].decode()}\n"
        f"Content-Length: {300 * MB}\n"
    )
    answer = raw_request(luoshi_port, head, b"a=bcd")
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"25 MB" in answer


def test_an_address_longer_than_gunicorns_old_limit_gets_luoshis_414_page(luoshi_port):
    connection = http.client.HTTPConnection("127.0.0.1", luoshi_port, timeout=60)
    connection.request("GET", "/tasks/?q=" + "a" * 6000)
    response = connection.getresponse()
    page = response.read().decode()
    assert response.status == 414
    assert 'data-status="414"' in page  # Luoshi's page, not gunicorn's bare "URI Too Long"
    assert "4096" in page


def test_a_request_past_the_time_limit_ends_with_its_worker(tmp_path):
    for port in gunicorn("tests.slow_app:app", tmp_path, LUOSHI_REQUEST_TIMEOUT="2"):
        # The master aborts the worker: gunicorn answers 500 (or the connection just closes). Under gthread
        # workers (before) the request ran on for its hour, and the socket's 60 s timeout fired instead.
        answer = raw_request(port, "GET / HTTP/1.1\nHost: 127.0.0.1\n")
        assert answer == b"" or answer.startswith(b"HTTP/1.1 500 ")
