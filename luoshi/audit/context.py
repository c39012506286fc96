"""Where the current request came from, for the audit events its writes record."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    request_id: str = ""


NO_REQUEST = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("luoshi_request_context", default=None)


def get() -> RequestContext:
    return _current.get() or NO_REQUEST


def set_for_request(ctx: RequestContext) -> Token[RequestContext | None]:
    return _current.set(ctx)


def reset(token: Token[RequestContext | None]) -> None:
    _current.reset(token)
