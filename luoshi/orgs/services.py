"""Writes to units and people. Each is one transaction with its audit event."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.orgs import policy
from luoshi.orgs.models import PATH_STEP, Role, SignIn, SignInOutcome, Unit, UnitKind, User


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
    must_change_password: bool = False,
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
        must_change_password=must_change_password,
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


def one_time_password() -> str:
    """A random password to hand over once: about 93 bits, in letters and digits that read aloud clearly."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    groups = ("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


@transaction.atomic
def create_first_admin(*, username: str = "admin", password: str | None = None) -> tuple[User, str | None]:
    """Create the first administrator of an empty database; they choose their own password on signing in.

    With no `password`, a one-time random one is made and returned (to be shown once); with one, it must
    pass the password rules. Refuses when anyone exists already.
    """
    if User.objects.exists():
        raise ValidationError("the database has accounts already; the first administrator is made only once")
    if password is not None:
        validate_password(password, User(username=username, role=Role.ADMIN))
    secret = password if password is not None else one_time_password()
    user = create_user(
        username=username,
        full_name="",
        role=Role.ADMIN,
        unit=None,
        by=None,
        password=secret,
        must_change_password=True,
    )
    return user, None if password is not None else secret


@transaction.atomic
def change_password(*, user: User, new_password: str) -> User:
    """The person sets their own password (the form has checked the old one); other sessions end."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(actor=user, action=Action.USER_PASSWORD_CHANGE, obj=user)
    return user


@transaction.atomic
def reset_password(*, user: User, by: User) -> str:
    """An administrator gives the person a one-time password, ends their sessions, and has them choose anew.

    Returns the one-time password, to be shown to the administrator once.
    """
    if not policy.can_reset_password(by, user):
        raise PermissionDenied
    secret = one_time_password()
    user.set_password(secret)
    user.must_change_password = True
    user.session_epoch = F("session_epoch") + 1
    user.save(update_fields=["password", "must_change_password", "session_epoch"])
    user.refresh_from_db(fields=["session_epoch"])
    record(actor=by, action=Action.USER_PASSWORD_RESET, obj=user, after={"must_change_password": True})
    return secret


@transaction.atomic
def sign_out_everywhere(*, user: User) -> User:
    """End every session of the person, on every device, this one included."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    record(actor=user, action=Action.USER_SIGN_OUT_EVERYWHERE, obj=user)
    return user


_AUDITED = {
    SignInOutcome.SUCCEEDED: Action.USER_SIGN_IN,
    SignInOutcome.FAILED: Action.USER_SIGN_IN_FAILED,
    SignInOutcome.LOCKED_OUT: Action.USER_LOCKED_OUT,
}


@transaction.atomic
def record_sign_in(
    *,
    username: str,
    outcome: SignInOutcome,
    ip_address: str | None,
    user_agent: str,
    user: User | None = None,
) -> SignIn:
    """Keep a sign-in attempt for the person's history and the audit trail.

    A failure names the account it was made against when one has that username; the audit event's
    object is that account, or the attempt itself for a username nobody has.
    """
    username = (username or "")[:150]
    if user is None and username:
        user = User.objects.filter(username=username).first()
    attempt = SignIn.objects.create(
        at=clock.now(),
        user=user,
        username=username,
        outcome=outcome,
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300],
    )
    actor = user if outcome == SignInOutcome.SUCCEEDED else None
    record(
        actor=actor,
        action=_AUDITED[outcome],
        obj=user if user is not None else attempt,
        after={"username": username, "user_agent": attempt.user_agent},
    )
    return attempt
