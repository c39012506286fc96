"""The unit page's group-robot panel: where an office posts its reminders (DingTalk, WeCom, Feishu)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.core.forms import StyledForm
from luoshi.core.panels import Panel
from luoshi.notify import services
from luoshi.notify.models import DeliveryStatus, Platform, WebhookEndpoint
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit


class RobotForm(StyledForm):
    platform = forms.ChoiceField(label=gettext_lazy("Platform"), choices=Platform.choices)
    url = forms.URLField(label=gettext_lazy("Robot address"), max_length=500, assume_scheme="https")
    secret = forms.CharField(label=gettext_lazy("Signing secret (optional)"), max_length=200, required=False)

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        error = services.robot_address_error(url)
        if error:
            raise ValidationError(error, code="robot_address")
        return url


def unit_panel(request: HttpRequest, unit: Unit) -> Panel | None:
    if not policy.can_supervise(request.user, unit):
        return None
    endpoints = WebhookEndpoint.objects.filter(unit=unit).order_by("id")
    return Panel(
        "notify/_robots_panel.html", {"unit": unit, "endpoints": endpoints, "form": RobotForm()}, side=True
    )


def _robot(request: AuthenticatedRequest, pk: int) -> WebhookEndpoint:
    """The robot if the user supervises its unit: out of scope a 404, in scope but not theirs a 403."""
    queryset = WebhookEndpoint.objects.visible_to(request.user).select_related("unit")
    endpoint = get_object_or_404(queryset, pk=pk)
    if not policy.can_supervise(request.user, endpoint.unit):
        raise PermissionDenied
    return endpoint


@login_required
@require_POST
def robot_add(request: AuthenticatedRequest, unit_pk: int) -> HttpResponse:
    unit = get_object_or_404(policy.visible_units(request.user), pk=unit_pk)
    if not policy.can_supervise(request.user, unit):
        raise PermissionDenied
    form = RobotForm(request.POST)
    if form.is_valid():
        try:
            services.add_webhook(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Group robot added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("orgs:unit_detail", pk=unit.pk)


@login_required
@require_POST
def robot_toggle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = _robot(request, pk)
    services.update_webhook(endpoint=endpoint, by=request.user, is_active=not endpoint.is_active)
    return redirect("orgs:unit_detail", pk=endpoint.unit_id)


@login_required
@require_POST
def robot_test(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = _robot(request, pk)
    delivery = services.send_test_message(
        endpoint=endpoint,
        by=request.user,
        title=_("Test message from Luoshi"),
        body=_("This group will receive reminders for %(unit)s here.") % {"unit": endpoint.unit},
    )
    if delivery.status == DeliveryStatus.SENT:
        messages.success(request, _("Test message sent. Check the group."))
    else:
        messages.error(
            request, _("The test message was not delivered: %(error)s") % {"error": delivery.error}
        )
    return redirect("orgs:unit_detail", pk=endpoint.unit_id)


@login_required
@require_http_methods(["GET", "POST"])
def robot_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = _robot(request, pk)
    if request.method == "POST":
        services.delete_webhook(endpoint=endpoint, by=request.user)
        messages.success(request, _("Group robot deleted."))
        return redirect("orgs:unit_detail", pk=endpoint.unit_id)
    return render(request, "notify/robot_confirm_delete.html", {"endpoint": endpoint})
