"""Every app's tests share the fixtures of `luoshi.testing` (the city, its personas, the clock)."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytest_plugins = ["luoshi.testing.fixtures", "luoshi.testing.outside"]

# No test asserts a duration (performance is measured in bench/): Hypothesis's per-example deadline would
# be one, failing the first example that pays for a lazy load (the cleaner's word list, about a second).
from hypothesis import settings  # noqa: E402

settings.register_profile("luoshi", deadline=None)
settings.load_profile("luoshi")


# Where the suite's time goes, by file (setup, call and teardown summed): the ten slowest tests of
# --durations say little when a file's cost is a hundred tests or its module fixtures.
_file_seconds: dict[str, float] = {}


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    _file_seconds[path] = _file_seconds.get(path, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if len(_file_seconds) < 2:
        return
    terminalreporter.section("slowest files")
    for path, seconds in sorted(_file_seconds.items(), key=lambda kv: -kv[1])[:15]:
        terminalreporter.write_line(f"{seconds:8.1f}s  {path}")
