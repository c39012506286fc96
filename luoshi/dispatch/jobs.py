"""Scheduled work of the dispatch rhythm, on Huey: each job calls one plain function."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.core import clock
from luoshi.dispatch import reminders, services, status


@db_periodic_task(crontab(minute="*/5"))
def tick() -> dict[str, int]:
    """Open the cycles that have begun, remind before due times, mark what is late."""
    return run_tick()


def run_tick() -> dict[str, int]:
    now = clock.now()
    return {
        "opened": len(services.open_due_cycles(now=now)),
        "reminded": reminders.remind_before_due(now=now),
        "late": reminders.mark_late(now=now),
        "digests": reminders.send_cycle_digests(now=now),
        "closed": len(services.close_cycles(now=now)),
    }


@db_periodic_task(crontab(hour="1", minute="10"))
def nightly_sweep() -> int:
    """Recompute every light: the passing of days alone turns work yellow or red."""
    return status.sweep(today=clock.today())
