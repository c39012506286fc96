"""People: those the caller sees, as the unit and person pages decide (policy.can_see_person)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from luoshi.api.common import ALWAYS, ONE, Id, Paging, PathId, user_of
from luoshi.orgs import policy
from luoshi.orgs.models import Role, User

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    title: str
    role: str
    unit_id: int | None
    is_active: bool


class PeopleFilter(Schema):
    unit: Id | None = None
    role: Role | None = None
    active: bool | None = None


def people_of(user: User) -> Any:
    """The people `policy.can_see_person` lets the user see, as a query: those of a unit in scope (an
    administrator, who has none, only to administrators)."""
    return User.objects.filter(policy.unit_q(user, "unit"))


@router.get("/people", response={200: list[PersonOut], **ALWAYS})
@paginate(Paging)
def list_people(request: HttpRequest, filters: Query[PeopleFilter]) -> Any:
    people = people_of(user_of(request))
    if filters.unit is not None:
        people = people.filter(unit_id=filters.unit)
    if filters.role:
        people = people.filter(role=filters.role)
    if filters.active is not None:
        people = people.filter(is_active=filters.active)
    return people.order_by("unit__path", "pk")


@router.get("/people/{person_id}", response={200: PersonOut, **ONE})
def get_person(request: HttpRequest, person_id: PathId) -> Any:
    return get_object_or_404(people_of(user_of(request)), pk=person_id)
