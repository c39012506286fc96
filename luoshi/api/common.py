"""What every endpoint shares: the token's user, ETags, the problem schema and the paging of lists."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from ninja.params.functions import Path as PathParam
from pydantic import AfterValidator

from luoshi.api import problems
from luoshi.orgs.models import User

MAX_LIMIT = 200  # a page holds at most this many objects: a client walks the rest by offset or cursor
DEFAULT_LIMIT = 50


class Problem(Schema):
    """RFC 7807 problem details; `errors` maps each field at fault (body.percent, If-Match…) to messages."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: dict[str, list[str]] | None = None


# What every operation may answer besides success: no live token, bad input.
ALWAYS: dict[int, Any] = {401: Problem, 422: Problem}
# And for one object by its id: not there, or outside the caller's scope (never told apart).
ONE: dict[int, Any] = {**ALWAYS, 404: Problem}
# And for a write: the object seen but the act not the caller's, a stale or a missing If-Match.
WRITE: dict[int, Any] = {**ONE, 403: Problem, 409: Problem, 412: Problem, 428: Problem}


def user_of(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]  # set by the token's authentication
    assert isinstance(user, User)
    return user


def etag(version: int | str) -> str:
    return f'"{version}"'


class PreconditionMissing(Exception):
    """An update came without If-Match: 428, so a client cannot overwrite what it has not seen."""


def expected_version(if_match: str | None) -> int:
    """The version an If-Match header names (`"3"` or `W/"3"`); raises for a missing or unreadable one."""
    if if_match is None or not if_match.strip():
        raise PreconditionMissing
    expected = if_match.strip().removeprefix("W/").strip('"')
    if not expected.isdigit() or len(expected) > 9:
        raise problems.Refused(
            problems.problem(
                412,
                _("Precondition failed"),
                errors={"If-Match": [_("Give the object's ETag, its version.")]},
            )
        )
    return int(expected)


class Paging(PaginationBase):
    """limit/offset (at most MAX_LIMIT a page), or a stable cursor: `after` the last id seen, in id order.

    Offsets shift when rows are added meanwhile; a walk by `after` neither skips nor repeats an object.
    """

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=10_000_000)
        after: int | None = Field(None, ge=0, le=2**63 - 1, description="continue after this id, in id order")

    class Output(Schema):
        items: list[Any]
        count: int
        next_after: int | None = Field(
            None, description="the `after` of the next page when walking by id; none at the end"
        )

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        limit = pagination.limit
        if pagination.after is None:
            page = list(queryset[pagination.offset : pagination.offset + limit])
            return {"items": page, "count": queryset.count(), "next_after": None}
        count = queryset.count()
        page = list(queryset.order_by("pk").filter(pk__gt=pagination.after)[: limit + 1])
        following = page[limit - 1].pk if len(page) > limit else None
        return {"items": page[:limit], "count": count, "next_after": following}


def as_json(
    schema: type[Schema], obj: Any, status: int = 200, version: int | str | None = None
) -> HttpResponse:
    """An object answered through its output schema, as ninja would, for writes that store their answer."""
    from django.http import JsonResponse

    response = JsonResponse(
        schema.from_orm(obj).model_dump(mode="json"), status=status, json_dumps_params={"ensure_ascii": False}
    )
    if version is not None:
        response["ETag"] = etag(version)
    return response


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("a NUL character is not text")  # no database column takes it
    return text


BIGGEST_ID = 2**63 - 1  # a BigAutoField's largest: any larger id would overflow the query, not miss
# An object's id in a filter: a number a database key can hold.
Id = Annotated[int, Field(ge=1, le=BIGGEST_ID)]
# Text a client sends: without NUL characters, which no database column takes.
Text = Annotated[str, AfterValidator(_no_nul)]
# An object's id in the path: out of range it is refused (422), never overflowed into a 500.
PathId = Annotated[int, PathParam(ge=1, le=BIGGEST_ID)]
