"""Scheduled work of 揭榜挂帅: each job calls one plain function."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.challenges import services
from luoshi.core import clock


@db_periodic_task(crontab(hour="0", minute="20"))
def close_due_calls() -> int:
    """Close the calls whose closing date has passed (applications are taken up to the closing day)."""
    return len(services.close_due_calls(today=clock.today()))
