"""Pages for one's own account (password, sign-in history, signing out everywhere) and an administrator's
password reset."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luoshi.orgs import policy, services
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import SignIn, User

HISTORY_LENGTH = 50


class PasswordForm(PasswordChangeForm):
    """Django's form (old password, new one twice, the password rules), dressed for the site's pages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "orgs/account.html", {"recent": SignIn.objects.of(request.user)[:5]})


@never_cache
@login_required
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    form = PasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.change_password(user=request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)  # this session goes on; the others end
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:account")
    return render(request, "orgs/account_password.html", {"form": form})


@login_required
def sign_in_history(request: AuthenticatedRequest) -> HttpResponse:
    attempts = SignIn.objects.of(request.user)[:HISTORY_LENGTH]
    return render(request, "orgs/account_history.html", {"attempts": attempts, "length": HISTORY_LENGTH})


@require_POST
@login_required
def sign_out_everywhere(request: AuthenticatedRequest) -> HttpResponse:
    services.sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("You have been signed out on every device."))
    return redirect("login")


@never_cache
@require_POST
@login_required
def reset_password(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if not policy.can_reset_password(request.user, person):
        raise Http404
    secret = services.reset_password(user=person, by=request.user)
    return render(request, "orgs/account_reset.html", {"person": person, "secret": secret})
