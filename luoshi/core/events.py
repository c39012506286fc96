"""Data events (DESIGN §5): a lower app says what changed, and the apps built on it react — no upward import.

Receivers run inside the sender's transaction, so a derived cache (a light, a rollup) commits with the
change that moved it, or not at all: no moment shows the new task beside the old light, and no crash
between the commit and a callback can leave the cache behind. Effects outside the database (e-mail,
robots) are the receivers' to defer with `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.dispatch import Signal

# Sent with `task_ids` (a frozenset of primary keys) after a task was created, edited, re-assigned,
# decomposed or completed, or its milestones changed; and with `written`, a tuple of those tasks as the
# sender just saved them, when it has them all at hand (a bulk creation), else empty; and with `created`,
# true when those written tasks were all created in this transaction (nothing refers to them yet).
task_changed = Signal()

_held: ContextVar[set[int] | None] = ContextVar("luoshi_task_changes_held", default=None)


def tasks_changed(
    task_ids: Iterable[int], *, written: Sequence[models.Model] = (), created: bool = False
) -> None:
    """Tell every app built on plans that these tasks changed (once `changes_held` ends, inside one).

    `written`, when given, holds every one of these tasks with every field as saved in this transaction,
    so a receiver need not read ten thousand new rows back. `created` says they were all created in this
    transaction, so a receiver need not look for their reports or lights either (there are none). A hold
    tells of its tasks by id only.
    """
    ids = frozenset(task_ids)
    if written and {task.pk for task in written} != ids:
        raise ValueError("`written` must hold exactly the tasks named by `task_ids`")
    if created and not written:
        raise ValueError("`created` tells of the tasks in `written`")
    held = _held.get()
    if held is not None:
        held.update(ids)
    elif ids:
        task_changed.send(sender=None, task_ids=ids, written=tuple(written), created=created)


@contextmanager
def changes_held() -> Iterator[None]:
    """Tell of the tasks changed inside, each once, when it ends: for a bulk write in one transaction (the
    demo city's plan), whose hundreds of tasks would each have their light and rollups moved again and again.

    Use it inside the transaction: the derived caches commit with the changes that moved them. Nothing
    inside may read them (a light, a task's reports in open cycles) before it ends. Nothing is told when
    the block fails: its transaction is rolled back.
    """
    if _held.get() is not None:  # an outer hold tells of these too
        yield
        return
    held: set[int] = set()
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    tasks_changed(sorted(held))
