"""The pytest fixtures of every app's tests (loaded by the root conftest as a plugin)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from luoshi.core import clock as core_clock
from luoshi.testing import DEFAULT_NOW, City, Clock, build_city


def pytest_configure(config: pytest.Config) -> None:
    """Compile the catalogs before any test runs, and make Django read them afresh if one was written:
    pytest-django has set Django up already and Django keeps a catalog it found missing for the whole run
    (on a fresh checkout, the first run would fail every test that reads a translation)."""
    from luoshi.i18n import compile_catalogs

    if compile_catalogs():
        from django.test.signals import language_changed

        language_changed(setting="LOCALE_PATHS")  # what a test's change of the catalogs' places does


@pytest.fixture(scope="session", autouse=True)
def _audit_anchor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Blocks sealed outside a test (a module's demo city) are anchored here, never in var/ of a real run."""
    from django.conf import settings

    saved = settings.AUDIT_ANCHOR
    settings.AUDIT_ANCHOR = tmp_path_factory.mktemp("audit") / "audit_anchor.log"
    yield
    settings.AUDIT_ANCHOR = saved


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    # Static files come straight from the app folders, without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    # Found when asked for, as under `luoshi serve` with LUOSHI_DEBUG: otherwise every new test Client (a
    # new middleware chain) first lists and stats every static file, about 25 ms, more than most requests
    # take; the permission matrix makes a Client per request.
    settings.WHITENOISE_AUTOREFRESH = True
    # Argon2 is slow on purpose; the tests make dozens of people and check sign-in, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test's database starts without blocks, so each gets its own audit anchor file as well.
    settings.AUDIT_ANCHOR = tmp_path / "audit_anchor.log"


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    """Every test runs at DEFAULT_NOW, whatever the system's date, unless it moves the clock."""
    hand = Clock(DEFAULT_NOW)
    yield hand
    core_clock.set_now(None)


@pytest.fixture
def city(db: Any) -> City:
    return build_city()
