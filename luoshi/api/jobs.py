"""Scheduled work of the API, on Huey: each job calls one plain function."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.api import idempotency
from luoshi.core import clock


@db_periodic_task(crontab(minute="17"))
def forget_idempotency_keys() -> dict[str, int]:
    """Each hour: drop the Idempotency-Keys older than a day, which nothing replays any more."""
    return {"forgotten": idempotency.forget_expired(now=clock.now())}
