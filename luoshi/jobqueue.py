"""The job queue's Huey classes (settings.HUEY): timed by the one clock, and on Redis scheduled once per
moment however many machines run a scheduler.

Every `luoshi serve` runs a Huey consumer, and every consumer runs a scheduler that enqueues the periodic
jobs due in the current minute. On Redis (several machines) each scheduler first claims the job's minute
with one atomic SET NX under the queue's name; only the claimant enqueues it, and the queue hands each
enqueued job to one worker. So a scheduled job runs once per moment with any number of machines, and keeps
running while any one of them is up: no machine is special, and no setting can make two schedule it twice.
(The alternative, one machine that alone schedules, runs nothing while that machine is down, and runs every
job twice the day a second machine is configured like the first.)

Both queues take a job's priority: a job someone is watching a page for (WAITED_ON) goes before the
deliveries and sweeps queued ahead of it, which after a deadline can be tens of thousands.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from huey import PriorityRedisHuey, SqliteHuey

from luoshi.core import clock

log = logging.getLogger("huey.luoshi")  # under "huey": printed by the consumer's own handler

# The priority of a job a person waits on, its page polling: a document read, a spreadsheet checked or
# imported, a bulletin made. Every other job has 0.
WAITED_ON = 10

# A claim outlives any clock skew between machines and any scheduler's late minute; it expires by itself.
CLAIM_SECONDS = 6 * 3600


class _OneClock:
    """Huey's "now" (schedules, delays, periodic jobs) is luoshi.core.clock's, as everything else's."""

    utc: bool

    def _get_timestamp(self) -> dt.datetime:
        if self.utc:
            return clock.now().astimezone(dt.UTC).replace(tzinfo=None)
        return clock.local().replace(tzinfo=None)


class LuoshiSqliteHuey(_OneClock, SqliteHuey):  # type: ignore[misc]
    """The embedded queue under var/: one machine, one consumer, one scheduler."""


class LuoshiRedisHuey(_OneClock, PriorityRedisHuey):  # type: ignore[misc]
    """The shared queue of several machines: each periodic job is enqueued by the one scheduler that
    claims its minute first. A sorted set (Redis 5 or later), so that priorities hold; a queue left by an
    older Luoshi in a Redis list is to be drained (or flushed) before the upgrade."""

    def read_periodic(self, timestamp: dt.datetime | None) -> list[Any]:
        moment = (timestamp or self._get_timestamp()).replace(second=0, microsecond=0)
        due: list[Any] = super().read_periodic(moment)
        claimed = []
        for task in due:
            key = f"{self.name}.periodic.{task.name}.{moment:%Y%m%dT%H%M}"
            if self.storage.conn.set(key, "1", nx=True, ex=CLAIM_SECONDS):
                claimed.append(task)
                log.info("Periodic %s at %s: claimed here", task.name, f"{moment:%Y-%m-%d %H:%M}")
            else:
                log.info("Periodic %s at %s: claimed elsewhere", task.name, f"{moment:%Y-%m-%d %H:%M}")
        return claimed
