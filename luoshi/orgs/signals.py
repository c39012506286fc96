"""Sign-ins and sign-outs are audited like any write (Django also stamps last_login on sign-in)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from luoshi.audit.services import record
from luoshi.core.actions import Action


@receiver(user_logged_in)
def audit_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(actor=user, action=Action.USER_SIGN_IN, obj=user)


@receiver(user_logged_out)
def audit_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(actor=user, action=Action.USER_SIGN_OUT, obj=user)
