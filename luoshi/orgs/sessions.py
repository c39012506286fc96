"""Session limits (ASVS L2 3.3): an idle timeout, an absolute lifetime, and an epoch per person that
"sign out everywhere" moves on. Times come from luoshi.core.clock, so tests can move them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from luoshi.core import clock

STARTED = "luoshi_started"
SEEN = "luoshi_seen"
EPOCH = "luoshi_epoch"
VIA_SSO = "luoshi_via_sso"  # signed in through the identity provider (luoshi.orgs.sso_views)
# The provider's ID token of that sign-in: signing out of Luoshi hands it back to end the provider's session.
SSO_ID_TOKEN = "luoshi_sso_id_token"
# Refreshing the idle stamp on every request would write the session on every request; once a minute is
# plenty for a limit counted in tens of minutes.
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def begin(session: Any, user: Any) -> None:
    now = clock.now().isoformat()
    session[STARTED] = now
    session[SEEN] = now
    session[EPOCH] = user.session_epoch


def still_valid(session: Any, user: Any) -> bool:
    """Whether the session may go on; if so, note that it was used now."""
    now = clock.now()
    if STARTED not in session:  # began before these limits existed: start counting now
        begin(session, user)
        return True
    started = dt.datetime.fromisoformat(session[STARTED])
    seen = dt.datetime.fromisoformat(session[SEEN])
    if session.get(EPOCH) != user.session_epoch:
        return False
    if now - seen > dt.timedelta(minutes=settings.LUOSHI_SESSION_IDLE_MINUTES):
        return False
    if now - started > dt.timedelta(hours=settings.LUOSHI_SESSION_MAX_HOURS):
        return False
    if now - seen >= SEEN_RESOLUTION:
        session[SEEN] = now.isoformat()
    return True
