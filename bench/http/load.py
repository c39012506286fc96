"""A bounded load generator: N client threads, each doing one operation after another until the run's
time is up; the requests in flight then finish (or time out) and the run ends by itself.

An operation answers "ok", "error" (an unexpected answer: 4xx, 5xx, a form sent back with errors), "dropped"
(the connection was refused, reset or timed out), "idle" (no work free just now: the client waits a moment,
uncounted) or "done" (the client has no work left).
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

TIMEOUT = 60  # seconds: gunicorn's own request timeout (LUOSHI_REQUEST_TIMEOUT) ends a request before this

Operation = Callable[[], str]


@dataclass
class Run:
    name: str
    clients: int
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, of the operations that went through
    errors: int = 0
    dropped: int = 0
    exhausted: bool = False

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


def run(name: str, clients: int, seconds: float, make: Callable[[int], Operation]) -> Run:
    """Run `clients` threads for `seconds`, thread i doing `make(i)()` over and over."""
    result = Run(name=name, clients=clients)
    lock = threading.Lock()
    operations = [make(i) for i in range(clients)]
    gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(op: Operation) -> None:
        gate.wait()
        while time.monotonic() < deadline[0]:
            t0 = time.monotonic()
            try:
                outcome = op()
            except (requests.ConnectionError, requests.Timeout):
                outcome = "dropped"
            took = time.monotonic() - t0
            if outcome == "idle":
                time.sleep(0.05)
            with lock:
                if outcome == "ok":
                    result.latencies.append(took)
                elif outcome == "dropped":
                    result.dropped += 1
                elif outcome == "done":
                    result.exhausted = True
                    return
                elif outcome == "idle":
                    pass
                else:
                    result.errors += 1

    threads = [threading.Thread(target=client, args=(op,), daemon=True) for op in operations]
    for t in threads:
        t.start()
    start = time.monotonic()
    deadline[0] = start + seconds
    gate.wait()
    for t in threads:
        t.join()
    result.elapsed = time.monotonic() - start
    return result


class Liaisons:
    """The liaisons' signed-in sessions and the reports each has still to send. A client takes one liaison
    at a time and sends their reports one after another, as that person would; no two clients share one."""

    def __init__(
        self, sessions: dict[str, requests.Session], queues: dict[str, list[tuple[int, int]]]
    ) -> None:
        self.sessions = sessions
        self.queues = {name: deque(q) for name, q in queues.items() if name in sessions}
        self.free = deque(name for name, q in self.queues.items() if q)
        self.lock = threading.Lock()
        self.refilled = False  # the soak opens cycles when reports run low: no client is done for good

    def take(self) -> str | None:
        with self.lock:
            return self.free.popleft() if self.free else None

    def give_back(self, name: str) -> None:
        with self.lock:
            if self.queues[name]:
                self.free.append(name)

    def add(self, queues: dict[str, list[tuple[int, int]]]) -> None:
        with self.lock:
            for name, q in queues.items():
                if name not in self.sessions:
                    continue
                idle = not self.queues.get(name)
                self.queues.setdefault(name, deque()).extend(q)
                if idle and name not in self.free:
                    self.free.append(name)

    def remaining(self) -> int:
        with self.lock:
            return sum(len(q) for q in self.queues.values())


def form_text(pk: int) -> dict[str, str]:
    """What a liaison writes: different for each report, so that the duplicate check sees no copies."""
    return {
        "percent": str(20 + pk % 80),
        "progress": f"本周完成第{pk}号项目现场踏勘{pk % 7 + 1}次，签约金额{pk % 500 + 10}万元，"
        f"累计投资完成年度计划的{20 + pk % 80}%。",
        "problems": f"用地指标尚缺{pk % 30 + 1}亩，正在协调自然资源部门。" if pk % 3 else "",
        "next_steps": f"下周召开第{pk % 9 + 1}次推进会，落实施工许可。",
        "coordination": "",
    }


class Submitter:
    """One client of the deadline surge: sends each report of the liaison it holds through the real form,
    each once, then (as a browser does, `follow=True`) loads the page the answer redirects to."""

    def __init__(self, base: str, pool: Liaisons, acknowledged: list[tuple[int, str]], follow: bool) -> None:
        self.base, self.pool, self.acknowledged, self.follow = base, pool, acknowledged, follow
        self.holding: str | None = None

    def __call__(self) -> str:
        while True:
            if self.holding is None:
                self.holding = self.pool.take()
                if self.holding is None:
                    # Every liaison with reports left is busy with another client, or none has any left.
                    return "idle" if self.pool.refilled or self.pool.remaining() else "done"
            queue = self.pool.queues[self.holding]
            if queue:
                pk, version = queue.popleft()
                break
            self.pool.give_back(self.holding)
            self.holding = None
        session = self.pool.sessions[self.holding]
        key = uuid.uuid4().hex
        fields = form_text(pk) | {
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
            "version": str(version),
            "idempotency_key": key,
            "action": "submit",
        }
        url = f"{self.base}/reports/{pk}/"
        # multipart/form-data, as the browser sends a form that can carry files
        answer = session.post(
            url, files={k: (None, v) for k, v in fields.items()}, allow_redirects=False, timeout=TIMEOUT
        )
        if answer.status_code not in (302, 303):
            return "error"
        self.acknowledged.append((pk, key))
        if self.follow:
            page = session.get(self.base + answer.headers["Location"], timeout=TIMEOUT)
            if page.status_code != 200:
                return "error"
        return "ok"

    def release(self) -> None:
        if self.holding is not None:
            self.pool.give_back(self.holding)
            self.holding = None


def page(session: requests.Session, url: str) -> Operation:
    def get() -> str:
        answer = session.get(url, timeout=TIMEOUT, allow_redirects=False)
        return "ok" if answer.status_code == 200 else "error"

    return get


def floor_insert(base: str, report: int, user: int, acknowledged: list[str]) -> Operation:
    session = requests.Session()

    def post() -> str:
        key = "floor-" + uuid.uuid4().hex[:26]
        fields = form_text(report) | {"report": str(report), "user": str(user), "key": key}
        answer = session.post(base + "/__bench__/floor/", data=fields, timeout=TIMEOUT)
        if answer.status_code != 204:
            return "error"
        acknowledged.append(key)
        return "ok"

    return post


def sign_in(base: str, username: str, password: str) -> requests.Session:
    """Sign in through the real form: the page first, for its CSRF cookie, then the POST."""
    session = requests.Session()
    session.get(base + "/accounts/login/", timeout=TIMEOUT).raise_for_status()
    answer = session.post(
        base + "/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"{username} could not sign in: {answer.status_code}")
    return session
