"""One machine of tests/test_machines.py, with its clock held at LUOSHI_TEST_NOW (luoshi.core.clock).

`gunicorn tests.machines_app:application` is Luoshi's WSGI application; `python -m tests.machines_app` is
Luoshi's job worker (`luoshi run_huey`, as `luoshi serve` runs it) that also lists each job it starts, as
"<machine> <job>", in the Redis list LUOSHI_TEST_RUNS, for the test to count.
"""

import datetime as dt
import os
import sys

from luoshi.core import clock

clock.set_now(dt.datetime.fromisoformat(os.environ["LUOSHI_TEST_NOW"]))

if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    django.setup()
    from django.core.management import execute_from_command_line
    from huey.contrib.djhuey import HUEY
    from huey.signals import SIGNAL_EXECUTING

    @HUEY.signal(SIGNAL_EXECUTING)
    def list_the_run(signal, task, *args, **kwargs):
        HUEY.storage.conn.rpush(
            os.environ["LUOSHI_TEST_RUNS"], f"{os.environ['LUOSHI_TEST_MACHINE']} {task.name}"
        )

    execute_from_command_line(["luoshi", "run_huey", *sys.argv[1:]])
else:
    from luoshi.wsgi import application  # noqa: F401
