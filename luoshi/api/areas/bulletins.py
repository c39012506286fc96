"""Bulletins (通报), as the bulletin pages scope them: an office's own in any state (drafts to its
editors), published ones to the units they cover and the offices above."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from luoshi.api.common import ALWAYS, ONE, Paging, PathId, user_of
from luoshi.bulletins.models import Bulletin, State

router = Router(tags=["bulletins"])


class SectionOut(Schema):
    order: int
    kind: str
    heading: str
    text: str


class BulletinOut(Schema):
    id: int
    title: str
    number: str
    issuer_id: int
    scope_id: int
    run_id: int | None
    period_start: dt.date
    period_end: dt.date
    state: str
    published_at: dt.datetime | None


class BulletinDetail(BulletinOut):
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(bulletin: Any) -> list[Any]:
        return list(bulletin.sections.order_by("order"))


class BulletinFilter(Schema):
    state: State | None = None


@router.get("/bulletins", response={200: list[BulletinOut], **ALWAYS})
@paginate(Paging)
def list_bulletins(request: HttpRequest, filters: Query[BulletinFilter]) -> Any:
    bulletins = Bulletin.objects.visible_to(user_of(request))
    if filters.state:
        bulletins = bulletins.filter(state=filters.state)
    return bulletins.order_by("-period_end", "pk")


@router.get("/bulletins/{bulletin_id}", response={200: BulletinDetail, **ONE})
def get_bulletin(request: HttpRequest, bulletin_id: PathId) -> Any:
    return get_object_or_404(Bulletin.objects.visible_to(user_of(request)), pk=bulletin_id)
