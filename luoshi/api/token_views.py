"""The account's API tokens: created (the secret shown once), listed, revoked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.api import services
from luoshi.api.forms import TokenForm
from luoshi.api.models import ApiToken
from luoshi.core import clock
from luoshi.core.forms import attach_errors
from luoshi.orgs.http import AuthenticatedRequest


@login_required
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.create_token(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:  # the secret is on this page only: never stored, never shown again
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    now = clock.now()
    tokens = list(ApiToken.objects.visible_to(request.user))
    live = {token.pk for token in tokens if token.is_live(now)}
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "live": live})


@require_POST
@login_required
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    services.revoke_token(token=token, by=request.user)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
