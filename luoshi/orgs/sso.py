"""Single sign-on: which Luoshi person a provider's account signs in as, and the links that decide it.

The protocol itself (redirects, state, nonce, the ID token's signature) is luoshi.orgs.oidc's; this module
sees only the verified claims. Nobody is created by signing in: a person needs a unit and a role, which
only an administrator gives.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.orgs import policy
from luoshi.orgs.models import ExternalIdentity, User


class Refusal(StrEnum):
    NOT_LINKED = "not_linked"
    INACTIVE = "inactive"
    UNVERIFIED = "unverified"  # the answer could not be verified: state, nonce, signature, an error


class Refused(Exception):
    def __init__(self, reason: Refusal, user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET)


def _matched(claims: dict[str, Any]) -> tuple[User, str] | None:
    """The one active or inactive person the claims match by the ways the settings allow, if exactly one."""
    if "email" in settings.OIDC_MATCH and claims.get("email_verified") is True and claims.get("email"):
        people = list(User.objects.filter(email__iexact=str(claims["email"]))[:2])
        if len(people) == 1:
            return people[0], ExternalIdentity.Via.EMAIL
    if "username" in settings.OIDC_MATCH and claims.get("preferred_username"):
        person = User.objects.filter(username=str(claims["preferred_username"])).first()
        if person is not None:
            return person, ExternalIdentity.Via.USERNAME
    return None


@transaction.atomic
def person_for(*, issuer: str, claims: dict[str, Any]) -> User:
    """The person the provider's verified account signs in as, linking it first if the settings allow a match.

    Raises Refused when no person is linked (or matched), or when the person may no longer sign in.
    """
    subject = str(claims["sub"])
    link = ExternalIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is None:
        found = _matched(claims)
        if found is None:
            raise Refused(Refusal.NOT_LINKED)
        person, via = found
        if not person.is_active:
            raise Refused(Refusal.INACTIVE, person)
        if ExternalIdentity.objects.filter(issuer=issuer, user=person).exists():
            raise Refused(Refusal.NOT_LINKED)  # linked to another account there: never swapped silently
        link = _link(person=person, issuer=issuer, subject=subject, via=via, by=None)
    if not link.user.is_active:
        raise Refused(Refusal.INACTIVE, link.user)
    return link.user


def _link(*, person: User, issuer: str, subject: str, via: str, by: User | None) -> ExternalIdentity:
    try:
        with transaction.atomic():
            link = ExternalIdentity.objects.create(
                issuer=issuer, subject=subject, user=person, via=via, linked_at=clock.now()
            )
    except IntegrityError:
        raise ValidationError(
            {"subject": _("That account is already linked to a person, or this person to another account.")}
        ) from None
    record(actor=by, action=Action.USER_IDENTITY_LINK, obj=link, after=snapshot(link))
    return link


@transaction.atomic
def link_identity(*, person: User, subject: str, by: User, issuer: str | None = None) -> ExternalIdentity:
    """Link an account at the identity provider (by default the configured one) to the person."""
    if not policy.can_link_identity(by, person):
        raise PermissionDenied
    subject = subject.strip()
    if not subject:
        raise ValidationError({"subject": _("Give the account's identifier at the provider.")})
    if len(subject) > 255:
        raise ValidationError({"subject": _("An account's identifier has at most 255 characters.")})
    issuer = issuer or settings.OIDC_ISSUER
    if not issuer:
        raise ValidationError({"subject": _("Single sign-on is not configured.")})
    return _link(person=person, issuer=issuer, subject=subject, via=ExternalIdentity.Via.ADMIN, by=by)


@transaction.atomic
def unlink_identity(*, link: ExternalIdentity, by: User) -> None:
    """Remove the link: the provider's account no longer signs in as the person."""
    if not policy.can_link_identity(by, link.user):
        raise PermissionDenied
    before = snapshot(link)
    record(actor=by, action=Action.USER_IDENTITY_UNLINK, obj=link, before=before)
    link.delete()
