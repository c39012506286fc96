"""Extension points of the pages: higher apps (dispatch, supervision, …) add panels to lower apps' pages.

A lower app must not import the apps built on it, so those register a callback here, by page name ("task",
"unit"), from their AppConfig.ready(); the page asks each for a panel (a template and its context).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    side: bool = False  # in the narrow column beside the main one


PanelMaker = Callable[[HttpRequest, Any], Panel | None]
_makers: dict[str, list[PanelMaker]] = {}


def register(page: str, maker: PanelMaker) -> PanelMaker:
    makers = _makers.setdefault(page, [])
    if maker not in makers:
        makers.append(maker)
    return maker


def panels_for(page: str, request: HttpRequest, obj: Any) -> list[Panel]:
    return [p for p in (make(request, obj) for make in _makers.get(page, [])) if p is not None]
