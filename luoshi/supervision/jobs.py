"""Scheduled work of supervision, on Huey: each job calls one plain function."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.core import clock
from luoshi.supervision import chasing, rectification_chasing


@db_periodic_task(crontab(hour="8", minute="5"))
def chase_items() -> dict[str, int]:
    """Each morning: remind of items due tomorrow, tell of those overdue, climb the ladder."""
    done = chasing.chase_items(now=clock.now())
    return {"reminded": done.reminded, "late": done.late, "escalated": done.escalated}


@db_periodic_task(crontab(hour="8", minute="10"))
def chase_rectifications() -> dict[str, int]:
    """Each morning: remind of rectifications due tomorrow, tell of those overdue, climb the ladder."""
    done = rectification_chasing.chase_rectifications(now=clock.now())
    return {"reminded": done.reminded, "late": done.late, "escalated": done.escalated}
