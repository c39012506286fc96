"""Browser fixtures: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from luoshi.core import clock
from luoshi.dispatch import calendar, services, status
from luoshi.testing import City, build_city, make_task

CHROMIUM = os.environ.get("LUOSHI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# Without these, Chromium keeps calling home and is refused many times a second on a closed network.
QUIET = ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]
# A browser scenario run at a phone's size (a parameter of 390 pixels, or named "phone") is marked
# `postgresql_pass`: `make test` runs it in its PostgreSQL pass and the desktop's in its SQLite pass, so
# each scenario meets both sizes and both databases, and the two passes share Chromium's cost.
PHONE = (390, "phone")


@pytest.hookimpl(tryfirst=True)  # before -m selects on the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and any(value in PHONE for value in callspec.params.values()):
            item.add_marker(pytest.mark.postgresql_pass)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("LUOSHI_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET)
        yield browser
        browser.close()


@pytest.fixture
def live_city(transactional_db: Any) -> City:
    return build_city()


class Browser:
    """One signed-in person's browser tab, with the helpers the tests read as sentences."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def open(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def sign_in(self, username: str, password: str = "correct-horse-9") -> None:
        self.open("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("[data-testid=whoami]", state="attached")  # folded away on a phone

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        path = str(ARTIFACTS / f"{name}.png")
        try:
            self.page.screenshot(path=path, full_page=True)
        except PlaywrightError as exc:
            # Chromium now and then fails to capture a full page ("Unable to capture screenshot") while a
            # frame is being composited; the page itself is fine. Once more; a second failure stands.
            if "Unable to capture screenshot" not in str(exc):
                raise
            self.page.wait_for_timeout(200)
            self.page.screenshot(path=path, full_page=True)


@pytest.fixture
def browse(chromium: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def open_browser(width: int = 1280, height: int = 900) -> Browser:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        return Browser(context.new_page(), live_server.url)

    yield open_browser
    for context in contexts:
        context.close()


@pytest.fixture
def open_week(live_city: City) -> tuple[Any, Any]:
    """A weekly cycle open today on the economy list; 青山县's task is due in a month, its report pending."""
    today = clock.today()
    task = make_task(
        live_city,
        title="推进青山县工业园区标准化厂房建设",
        lead_unit=live_city.qingshan,
        start=today - dt.timedelta(days=300),
        due=today + dt.timedelta(days=30),
    )
    cadence = services.create_cadence(
        by=live_city.city_supervisor, task_list=live_city.economy, name="一周一调度", frequency="weekly",
        anchor=today - dt.timedelta(days=today.weekday() + 70), due_time=dt.time(17, 0),
    )  # fmt: skip
    number = calendar.period_number_on(frequency="weekly", anchor=cadence.anchor, day=today)
    cycle = services.open_cycle(cadence=cadence, number=number, now=clock.now())
    status.refresh([task], today=today)
    return task, cycle
