"""The pytest fixtures of every app's tests (loaded by the root conftest as a plugin)."""

from __future__ import annotations

import copy
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


def _commits(item: pytest.Item) -> bool:
    """Does the test commit for real (a live server, threads, TransactionTestCase)?"""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker is not None and marker.kwargs.get("transaction"))
    )


def _shares_city(item: pytest.Item) -> bool:
    """Can the test run in the module's city: it asks for the city, or for no database at all?"""
    names = getattr(item, "fixturenames", ())
    if _commits(item):
        return False
    return "city" in names or not ("db" in names or item.get_closest_marker("django_db"))


@pytest.fixture(scope="module")
def _module_city(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[City | None]:
    """The city built once for a module, as Django's setUpTestData does: in a transaction open around the
    module's tests, each of which runs in a savepoint of it and gets a copy of the models; the transaction is
    rolled back after the last one. Built at DEFAULT_NOW with the tests' password hasher, as each test's own
    city was. A module with a test that commits for real (nothing it commits may sit inside an open
    transaction) or one that uses the database without the city (it must not find the city's rows there)
    builds the city for each test instead."""
    from django.db import transaction
    from django.test import override_settings

    if not all(
        _shares_city(item)
        for item in request.session.items
        if getattr(item, "module", None) is request.module
    ):
        yield None
        return
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            with (
                core_clock.frozen(DEFAULT_NOW),
                override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
            ):
                built = build_city()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
        # Nothing the building asked to run on commit may run, or stand in for a test's own callbacks.
        transaction.get_connection().run_on_commit.clear()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def city(_module_city: City | None, db: Any) -> City:
    if _module_city is None:
        return build_city()
    return copy.deepcopy(_module_city)
