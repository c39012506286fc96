"""Reads that a bulk load repeats at each of its writes, made once while it runs.

For a load whose people, units and webhooks stay as they are while it runs (the demo city's weeks of
reports: a thousand submits, each telling the same few offices and asking for the same webhooks). Outside
`remembering` every read is made afresh, as always.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("luoshi_memo", default=None)


@contextmanager
def remembering() -> Iterator[None]:
    """Inside, `remembered` reads each key once. Only around writes that change none of what is read so."""
    if _memo.get() is not None:  # an outer block remembers already
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: Hashable, read: Callable[[], list[T]]) -> list[T]:
    """`read()`, or inside `remembering` what it gave the first time for `key` (a new list each call)."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return list(memo[key])
