"""The pytest fixtures of every app's tests (loaded by the root conftest as a plugin)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from luoshi.core import clock as core_clock
from luoshi.testing import DEFAULT_NOW, City, Clock, build_city


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs() -> None:
    from luoshi.i18n import compile_catalogs

    compile_catalogs()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # Static files come straight from the app folders, without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    # Argon2 is slow on purpose; the tests make dozens of people and check sign-in, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    """Every test runs at DEFAULT_NOW, whatever the system's date, unless it moves the clock."""
    hand = Clock(DEFAULT_NOW)
    yield hand
    core_clock.set_now(None)


@pytest.fixture
def city(db: Any) -> City:
    return build_city()
