"""Writes to units and people. Each is one transaction with its audit event."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.orgs import policy
from luoshi.orgs.models import (
    CATEGORY_OF_KIND,
    PATH_STEP,
    Role,
    SignIn,
    SignInOutcome,
    Unit,
    UnitCategory,
    UnitKind,
    User,
)


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
    category: str | None = None,
) -> Unit:
    """Add a unit below `parent`; its ranking category is its kind's unless given."""
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
        category=CATEGORY_OF_KIND.get(UnitKind(kind), "") if category is None else category,
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
    SignInOutcome.SSO_REFUSED: Action.USER_SIGN_IN_FAILED,
}


@transaction.atomic
def record_sign_in(
    *,
    username: str,
    outcome: SignInOutcome,
    ip_address: str | None,
    user_agent: str,
    user: User | None = None,
    via: dict[str, Any] | None = None,
) -> SignIn:
    """Keep a sign-in attempt for the person's history and the audit trail.

    `via` describes a sign-in through an identity provider (issuer, subject, and a refusal's reason); it
    goes into the audit event.

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
        after={"username": username, "user_agent": attempt.user_agent, **({"sso": via} if via else {})},
    )
    return attempt


# Managing units and people from the app's pages (an administrator, or a supervisor in their jurisdiction).


MAX_PATH = 255  # Unit.path's max_length


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def add_unit(*, parent: Unit, name: str, kind: str, category: str, by: User, short_name: str = "") -> Unit:
    """A unit added below `parent` by someone managing it."""
    _require(policy.can_create_unit_under(by, parent))
    if kind == UnitKind.CITY:
        raise ValidationError({"kind": _("Only the city stands at the top of the tree.")})
    return create_unit(name=name, kind=kind, parent=parent, by=by, short_name=short_name, category=category)


@transaction.atomic
def update_unit(
    *, unit: Unit, by: User, name: str, short_name: str, kind: str, category: str, sort_order: int
) -> Unit:
    """Rename a unit, or change its kind, ranking category or place among its siblings."""
    _require(policy.can_manage_unit(by, unit))
    if (kind == UnitKind.CITY) != (unit.parent_id is None):
        raise ValidationError({"kind": _("Only the city stands at the top of the tree.")})
    if category and category not in UnitCategory.values:
        raise ValidationError({"category": f"unknown category {category!r}"})
    before = snapshot(unit)
    unit.name, unit.short_name = name.strip(), short_name.strip()
    unit.kind, unit.category, unit.sort_order = kind, category, sort_order
    unit.full_clean()
    unit.save(update_fields=["name", "short_name", "kind", "category", "sort_order"])
    record(actor=by, action=Action.UNIT_UPDATE, obj=unit, before=before, after=snapshot(unit))
    return unit


@transaction.atomic
def move_unit(*, unit: Unit, parent: Unit, by: User) -> Unit:
    """Put `unit` and everything below it under `parent`, rewriting the subtree's paths in one statement.

    Scope follows at once: who sees a unit is decided from its path. Refuses a move under the unit itself
    or anything below it, and one the mover does not manage at both ends.
    """
    _require(policy.can_manage_unit(by, unit) and policy.can_create_unit_under(by, parent))
    # Lock the subtree and the new parent, so that two moves cannot weave a cycle between them.
    list(Unit.objects.select_for_update().filter(path__startswith=unit.path))
    unit.refresh_from_db()
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    if unit.contains(parent):
        raise ValidationError({"parent": _("A unit cannot be moved under itself or a unit below it.")})
    if parent.pk == unit.parent_id:
        return unit
    if Unit.objects.filter(parent=parent, name=unit.name).exists():
        raise ValidationError(
            {
                "parent": _("%(parent)s already has a unit called %(name)s.")
                % {"parent": parent.name, "name": unit.name}
            }
        )
    old_path, new_path = unit.path, _path_for(unit.pk, parent)
    deepest = Unit.objects.filter(path__startswith=old_path).order_by("-depth").values_list("path", flat=True)
    if len(new_path) + max(len(p) for p in deepest) - len(old_path) > MAX_PATH:
        raise ValidationError({"parent": _("The tree would grow too deep.")})
    before = {"parent": unit.parent_id, "path": old_path}
    shift = parent.depth + 1 - unit.depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + shift
    )
    Unit.objects.filter(pk=unit.pk).update(parent=parent)
    unit.refresh_from_db()
    record(
        actor=by,
        action=Action.UNIT_MOVE,
        obj=unit,
        before=before,
        after={"parent": parent.pk, "path": new_path},
    )
    return unit


@transaction.atomic
def deactivate_unit(*, unit: Unit, by: User) -> Unit:
    """Retire a unit (merged, abolished): hidden from pickers, its tasks and history kept.

    Refused while active units or people remain in it: move or deactivate them first, so nobody is left
    with a retired unit as their scope.
    """
    _require(policy.can_manage_unit(by, unit))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        return unit
    if unit.children.filter(is_active=True).exists():
        raise ValidationError(_("Units below it are still active: move or deactivate them first."))
    if unit.members.filter(is_active=True).exists():
        raise ValidationError(_("People still work in it: move or deactivate them first."))
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    record(
        actor=by,
        action=Action.UNIT_DEACTIVATE,
        obj=unit,
        before={"is_active": True},
        after={"is_active": False},
    )
    return unit


@transaction.atomic
def add_person(
    *,
    unit: Unit,
    username: str,
    full_name: str,
    role: str,
    by: User,
    title: str = "",
    phone: str = "",
    email: str = "",
) -> tuple[User, str]:
    """A new person with a one-time password, returned to be shown once; they choose their own at sign-in."""
    _require(unit.is_active and policy.can_supervise(by, unit) and role in policy.grantable_roles(by))
    secret = one_time_password()
    person = create_user(
        username=username.strip(),
        full_name=full_name.strip(),
        role=role,
        unit=unit,
        by=by,
        password=secret,
        title=title.strip(),
        phone=phone.strip(),
        email=email.strip(),
        must_change_password=True,
    )
    return person, secret


PERSON_FIELDS = ["full_name", "title", "phone", "email", "unit", "role"]


def _person_facts(person: User) -> dict[str, Any]:
    return {"unit": person.unit_id, **{f: getattr(person, f) for f in PERSON_FIELDS if f != "unit"}}


@transaction.atomic
def update_person(
    *,
    person: User,
    by: User,
    unit: Unit,
    role: str,
    full_name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    """Change a person's details, unit or role. Their scope follows at their next page."""
    _require(policy.can_manage_person(by, person))
    _require(policy.can_supervise(by, unit) and role in policy.grantable_roles(by))
    if role not in Role.values:
        raise ValidationError({"role": f"unknown role {role!r}"})
    if not unit.is_active and unit.pk != person.unit_id:
        raise ValidationError({"unit": _("This unit has been deactivated.")})
    before = _person_facts(person)
    person.unit, person.role = unit, role
    person.full_name, person.title = full_name.strip(), title.strip()
    person.phone, person.email = phone.strip(), email.strip()
    person.full_clean(exclude=["password"])
    person.save(update_fields=PERSON_FIELDS)
    record(actor=by, action=Action.USER_UPDATE, obj=person, before=before, after=_person_facts(person))
    return person


@transaction.atomic
def deactivate_person(*, person: User, by: User) -> User:
    """A leaver: they can no longer sign in, and every session of theirs ends. Their history stays."""
    _require(policy.can_manage_person(by, person))
    if not person.is_active:
        return person
    person.is_active = False
    person.session_epoch = F("session_epoch") + 1
    person.save(update_fields=["is_active", "session_epoch"])
    person.refresh_from_db(fields=["session_epoch"])
    record(
        actor=by,
        action=Action.USER_DEACTIVATE,
        obj=person,
        before={"is_active": True},
        after={"is_active": False},
    )
    return person


@transaction.atomic
def unlock_account(*, person: User, by: User) -> int:
    """Clear the sign-in failures counted against the person's username (django-axes), lifting a lock.

    Returns how many failure records were cleared; the unlock is audited even when there were none.
    """
    from axes.utils import reset

    _require(policy.can_unlock(by, person))
    cleared = int(reset(username=person.username))
    record(actor=by, action=Action.USER_UNLOCK, obj=person, after={"cleared": cleared})
    return cleared
