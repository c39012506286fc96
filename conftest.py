"""Every app's tests share the fixtures of `luoshi.testing` (the city, its personas, the clock)."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytest_plugins = ["luoshi.testing.fixtures", "luoshi.testing.outside"]

# No test asserts a duration (performance is measured in bench/): Hypothesis's per-example deadline would
# be one, failing the first example that pays for a lazy load (the cleaner's word list, about a second).
from hypothesis import settings  # noqa: E402

settings.register_profile("luoshi", deadline=None)
settings.load_profile("luoshi")
