"""Writes to units and people. Each is one transaction with its audit event."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.orgs.models import PATH_STEP, Role, Unit, UnitKind, User


def _path_for(unit_id: int, parent: Unit | None) -> str:
    segment = f"{unit_id:0{PATH_STEP}d}."
    return (parent.path if parent else "") + segment


@transaction.atomic
def create_unit(
    *,
    name: str,
    kind: str,
    parent: Unit | None,
    by: Any,
    short_name: str = "",
    sort_order: int = 0,
) -> Unit:
    if kind not in UnitKind.values:
        raise ValidationError({"kind": f"unknown unit kind {kind!r}"})
    if parent is None and kind != UnitKind.CITY:
        raise ValidationError({"parent": "only a city may stand at the top of the tree"})
    depth = parent.depth + 1 if parent else 0
    # The path needs the id, so insert with a unique placeholder and set it once the id is known.
    unit = Unit(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        parent=parent,
        depth=depth,
        sort_order=sort_order,
        path=f"~pending~{name}~{parent.pk if parent else 0}",
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = _path_for(unit.pk, parent)
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    record(actor=by, action=Action.UNIT_CREATE, obj=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def create_user(
    *,
    username: str,
    full_name: str,
    role: str,
    unit: Unit | None,
    by: Any,
    password: str | None = None,
    password_hash: str | None = None,
    title: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    """Create a person.

    Pass `password_hash` to reuse one hash for many demo people: Argon2 is slow on purpose.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"unknown role {role!r}"})
    if role != Role.ADMIN and unit is None:
        raise ValidationError({"unit": "everyone but an administrator belongs to a unit"})
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        unit=unit,
        title=title,
        phone=phone,
        email=email,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
        date_joined=clock.now(),
    )
    user.password = password_hash or (make_password(password) if password else make_password(None))
    user.full_clean(exclude=["password"])
    user.save()
    record(
        actor=by,
        action=Action.USER_CREATE,
        obj=user,
        after=snapshot(user, exclude=["password", "last_login"]),
    )
    return user
