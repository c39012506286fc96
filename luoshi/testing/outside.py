"""Local stand-ins for the outside world: HTTP receivers for group robots and outbound webhooks, and Huey
running inline."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest

T = TypeVar("T")

OK = {"errcode": 0, "errmsg": "ok"}


@contextmanager
def _served(
    make: Callable[[str], T], handler_for: Callable[[T], type[BaseHTTPRequestHandler]]
) -> Iterator[T]:
    """A receiver made for its base address, answered by its handler on 127.0.0.1 until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    receiver = make(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = handler_for(receiver)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Received:
    path: str
    content_type: str
    body: dict[str, Any]
    host: str = ""
    method: str = "POST"


@dataclass
class Receiver:
    """Records every POST (and GET); answers by path from `answers` ((status, JSON)), otherwise 200 with
    OK; a path in `redirects` answers 302 to its address."""

    base: str
    requests: list[Received] = field(default_factory=list)
    answers: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if urlsplit(r.path).path == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.loads(raw.decode("utf-8")) if raw else {}
                receiver.requests.append(
                    Received(
                        self.path, self.headers["Content-Type"], body, self.headers["Host"], self.command
                    )
                )
                path = urlsplit(self.path).path
                status, answer = receiver.answers.get(path, (200, OK))
                data = json.dumps(answer).encode()
                self.send_response(302 if path in receiver.redirects else status)
                if path in receiver.redirects:
                    self.send_header("Location", receiver.redirects[path])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    with _served(lambda base: Receiver(base=base), handler_for) as receiver:
        yield receiver


@pytest.fixture
def loopback_robots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let group robots be on 127.0.0.1 over http, where `receiver` listens, for this test only.

    Production has no way to this: the rules come from `channels.robot_rules`, which reads no such setting.
    """
    import ipaddress

    from luoshi.notify import channels, egress

    loopback = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
    rules = egress.Rules(schemes=frozenset({"http", "https"}), exempt=loopback)
    monkeypatch.setattr(channels, "robot_rules", lambda: rules)


@pytest.fixture
def closed_port() -> int:
    """A local port nobody listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]  # typeshed leaves socket addresses as Any
        return port


@pytest.fixture
def huey_inline() -> Iterator[Any]:  # huey ships no types
    """Run Huey jobs as they are enqueued, as the consumer would, and put the queue back afterwards."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = was


@dataclass
class Hooked:
    """One request an outbound webhook receiver got: its path, headers and body as sent."""

    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> Any:
        return json.loads(self.raw.decode("utf-8"))


@dataclass
class HookReceiver:
    """Records every POST; answers `failing` (500 unless told) to the first `fail_first`, then 204."""

    base: str
    requests: list[Hooked] = field(default_factory=list)
    fail_first: int = 0
    failing: int = 500

    def url(self, path: str = "/hook") -> str:
        return self.base + path


@pytest.fixture
def hook_receiver() -> Iterator[HookReceiver]:
    def handler_for(receiver: HookReceiver) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(Hooked(self.path, dict(self.headers.items()), raw))
                fail = len(receiver.requests) <= receiver.fail_first
                self.send_response(receiver.failing if fail else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    with _served(lambda base: HookReceiver(base=base), handler_for) as receiver:
        yield receiver


@pytest.fixture
def loopback_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let outbound webhooks be on 127.0.0.1 over http, where `hook_receiver` listens, for this test only.

    Production has no way to this: the rules come from `outbound.rules`, which reads no setting.
    """
    import ipaddress

    from luoshi.notify import egress, outbound

    loopback = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
    rules = egress.Rules(
        hosts=frozenset(), any_host=True, schemes=frozenset({"http", "https"}), exempt=loopback
    )
    monkeypatch.setattr(outbound, "rules", lambda: rules)
