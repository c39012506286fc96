"""Outbound event webhooks' pages: subscribe an outside system (its secret shown once), see what was sent to
it, replay a delivery, pause or delete it. For the offices that supervise the unit, as group robots are."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.core.forms import StyledForm
from luoshi.notify import services
from luoshi.notify.models import OutboundDelivery, OutboundEvent, OutboundState, OutboundWebhook
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit

DELIVERIES_PER_PAGE = 50


class HookForm(StyledForm):
    unit = forms.ModelChoiceField(label=gettext_lazy("Events in"), queryset=Unit.objects.none())
    url = forms.URLField(label=gettext_lazy("Receiver address"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"), choices=OutboundEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, user: policy.Someone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", policy.visible_units(user).filter(is_active=True).order_by("path"))
        self.fields["events"].widget.attrs.pop("class", None)  # checkboxes, not one select box

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        error = services.hook_address_error(url)
        if error:
            raise ValidationError(error, code="hook_address")
        return url


def _supervisor(request: AuthenticatedRequest) -> None:
    if not policy.is_supervisor(request.user):
        raise PermissionDenied


def _hook(request: AuthenticatedRequest, pk: int) -> OutboundWebhook:
    """The webhook if the user supervises its unit: out of scope a 404, in scope but not theirs a 403."""
    hook = get_object_or_404(OutboundWebhook.objects.visible_to(request.user).select_related("unit"), pk=pk)
    if not policy.can_supervise(request.user, hook.unit):
        raise PermissionDenied
    return hook


def _list(request: AuthenticatedRequest, form: HookForm, status: int = 200) -> HttpResponse:
    hooks = (
        OutboundWebhook.objects.visible_to(request.user).select_related("unit").order_by("unit__path", "pk")
    )
    return render(request, "notify/hook_list.html", {"hooks": hooks, "form": form}, status=status)


@login_required
def hook_list(request: AuthenticatedRequest) -> HttpResponse:
    _supervisor(request)
    return _list(request, HookForm(user=request.user))


@login_required
@require_POST
def hook_add(request: AuthenticatedRequest) -> HttpResponse:
    _supervisor(request)
    form = HookForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            hook = services.add_outbound_webhook(
                unit=data["unit"], url=data["url"], events=data["events"], by=request.user
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # The one time the secret is shown: rendered, never put in a message, a URL or the session.
            return render(request, "notify/hook_created.html", {"hook": hook})
    return _list(request, form, status=400)


@login_required
def hook_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hook = _hook(request, pk)
    deliveries = OutboundDelivery.objects.filter(webhook=hook).order_by("-created_at", "-pk")
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notify/hook_detail.html", {"hook": hook, "page": page})


@login_required
@require_POST
def hook_toggle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hook = _hook(request, pk)
    services.set_outbound_webhook_active(hook=hook, by=request.user, is_active=not hook.is_active)
    return redirect("notify:hook_detail", pk=hook.pk)


@login_required
@require_http_methods(["GET", "POST"])
def hook_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hook = _hook(request, pk)
    if request.method == "POST":
        services.delete_outbound_webhook(hook=hook, by=request.user)
        messages.success(request, _("Webhook deleted."))
        return redirect("notify:hook_list")
    return render(request, "notify/hook_confirm_delete.html", {"hook": hook})


@login_required
@require_POST
def hook_replay(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(
        OutboundDelivery.objects.filter(webhook__in=OutboundWebhook.objects.visible_to(request.user)),
        pk=pk,
    )
    hook = _hook(request, delivery.webhook_id)
    delivery = services.replay_outbound_delivery(delivery=delivery, by=request.user)
    if delivery.state == OutboundState.DELIVERED:
        messages.success(request, _("Delivery sent again."))
    else:
        messages.error(
            request,
            _("The delivery was sent again but not accepted: %(error)s") % {"error": delivery.last_error},
        )
    return redirect("notify:hook_detail", pk=hook.pk)
