"""Every app's tests share the fixtures of `luoshi.testing` (the city, its personas, the clock)."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytest_plugins = ["luoshi.testing.fixtures", "luoshi.testing.outside"]
