"""Pages of 调度会: the list, preparing a meeting, its agenda with a brief per entry, the minutes with their
decisions, and the 工作提醒函.

A meeting is looked up within the user's scope (its convening office and those above it: 404 outside it); a
letter within the scope of its meeting or of the unit it is addressed to. Each action checks the role (403)
and calls one service; a refused action says why above the meeting.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.core import clock
from luoshi.core.forms import attach_errors, say_refused
from luoshi.meetings import agenda, briefs, services
from luoshi.meetings.forms import DecisionForm, MeetingForm, MinutesForm
from luoshi.meetings.models import AgendaEntry, Decision, Meeting, ReminderLetter
from luoshi.meetings.rules import FATE_COLOURS, FATE_LABELS, FLAGGED, Act, Fate, allowed
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit
from luoshi.plans.models import TaskList

LIST_MAX = 100


def visible_meeting_or_404(request: AuthenticatedRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("convener", "task_list", "previous"), pk=pk
    )


def managed_meeting_or_404(request: AuthenticatedRequest, pk: int) -> Meeting:
    meeting = visible_meeting_or_404(request, pk)
    if not services.can_manage(request.user, meeting):
        raise PermissionDenied
    return meeting


def visible_letter_or_404(request: AuthenticatedRequest, pk: int) -> ReminderLetter:
    return get_object_or_404(
        ReminderLetter.objects.visible_to(request.user).select_related("meeting__convener", "unit"), pk=pk
    )


def _back(meeting: Meeting) -> HttpResponse:
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]))


def _units_of(request: AuthenticatedRequest, office: Unit) -> object:
    return (
        Unit.objects.active().subtree_of(office).filter(policy.supervised_q(request.user, "")).in_tree_order()
    )


@login_required
@require_safe
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    """The office's meetings, and the letters addressed to the user's unit."""
    meetings = Meeting.objects.visible_to(request.user).for_listing().order_by("-held_on", "-id")[:LIST_MAX]
    letters = (
        ReminderLetter.objects.visible_to(request.user)
        .filter(policy.unit_q(request.user, "unit"))
        .select_related("meeting__convener", "unit")
        .order_by("-sent_at", "number")[:LIST_MAX]
    )
    context = {
        "meetings": list(meetings),
        "letters": list(letters),
        "can_convene": services.can_convene(request.user),
    }
    return render(request, "meetings/meeting_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    if not services.can_convene(request.user):
        raise PermissionDenied
    office = policy.issuing_unit(request.user)
    lists = (
        TaskList.objects.visible_to(request.user).select_related("plan").order_by("-plan__year", "sort_order")
    )
    units = _units_of(request, office)
    initial = {"held_on": clock.today()}
    form = MeetingForm(request.POST or None, lists=lists, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                by=request.user,
                title=data["title"],
                held_on=data["held_on"],
                task_list=data["task_list"],
                units=list(data["units"]),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return _back(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "office": office})


@login_required
@require_safe
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting_or_404(request, pk)
    manage = services.can_manage(request.user, meeting)
    entries = list(meeting.entries.select_related("unit", "task", "item__issuer__supervision_series"))
    decisions = list(
        meeting.decisions.select_related("lead_unit", "item__issuer__supervision_series", "entry")
    )

    def fate_of(entry: AgendaEntry) -> tuple[Any, str]:
        if entry.kind != "followup":
            return "", ""
        outcome = Fate(entry.facts.get("fate", Fate.NO_ITEM))
        return FATE_LABELS[outcome], FATE_COLOURS[outcome]

    sections = []
    for source in agenda.SOURCES:
        rows = [(e, *fate_of(e)) for e in entries if e.kind == source.kind]
        if rows:
            sections.append({"kind": source.kind, "label": source.label, "entries": rows})
    context = {
        "meeting": meeting,
        "units": list(meeting.units.order_by("path")),
        "sections": sections,
        "decisions": decisions,
        "letters": list(meeting.letters.select_related("unit")),
        "can_edit": manage and allowed(meeting.state, Act.EDIT_AGENDA),
        "can_hold": manage and allowed(meeting.state, Act.HOLD),
        "can_decide": manage and allowed(meeting.state, Act.DECIDE),
        "can_withdraw": manage and allowed(meeting.state, Act.WITHDRAW_DECISION),
        "can_close": manage and allowed(meeting.state, Act.CLOSE),
        "decision_form": DecisionForm(units=_units_of(request, meeting.convener)),
        "minutes_form": MinutesForm(),
        "flagged": sum(1 for e in entries if e.kind == "followup" and e.facts.get("fate") in FLAGGED),
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@require_safe
def entry_brief(request: AuthenticatedRequest, pk: int, entry_pk: int) -> HttpResponse:
    meeting = visible_meeting_or_404(request, pk)
    entry = get_object_or_404(
        AgendaEntry.objects.select_related(
            "unit", "task__lead_unit", "item__issuer__supervision_series", "decision"
        ),
        meeting=meeting,
        pk=entry_pk,
    )
    context = {"meeting": meeting, "brief": briefs.brief(entry), "label": agenda.label_of(entry.kind)}
    if entry.kind == "followup":
        outcome = Fate(entry.facts.get("fate", Fate.NO_ITEM))
        context |= {"fate_label": FATE_LABELS[outcome], "fate_colour": FATE_COLOURS[outcome]}
    return render(request, "meetings/entry_brief.html", context)


@login_required
@require_POST
def agenda_rebuild(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting_or_404(request, pk)
    try:
        services.rebuild_agenda(meeting=meeting, by=request.user)
    except ValidationError as error:
        say_refused(request, error)
    return _back(meeting)


@login_required
@require_POST
def entry_remove(request: AuthenticatedRequest, pk: int, entry_pk: int) -> HttpResponse:
    meeting = managed_meeting_or_404(request, pk)
    entry = get_object_or_404(AgendaEntry, meeting=meeting, pk=entry_pk)
    try:
        services.remove_entry(entry=entry, by=request.user)
    except ValidationError as error:
        say_refused(request, error)
    return _back(meeting)


@login_required
@require_POST
def meeting_hold(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting_or_404(request, pk)
    try:
        services.hold_meeting(meeting=meeting, by=request.user)
    except ValidationError as error:
        say_refused(request, error)
    return _back(meeting)


@login_required
@require_POST
def decision_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting_or_404(request, pk)
    form = DecisionForm(request.POST, units=_units_of(request, meeting.convener))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(meeting)
    data = form.cleaned_data
    entry = meeting.entries.filter(pk=data["entry"]).first() if data["entry"] else None
    try:
        if data["entry"] and entry is None:
            raise ValidationError({"entry": _("This entry is not on this meeting's agenda.")})
        services.record_decision(
            meeting=meeting,
            by=request.user,
            text=data["text"],
            lead_unit=data["lead_unit"],
            due=data["due"],
            entry=entry,
        )
    except ValidationError as error:
        say_refused(request, error)
    return _back(meeting)


@login_required
@require_POST
def decision_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("meeting"), pk=pk)
    meeting = managed_meeting_or_404(request, decision.meeting_id)
    try:
        services.withdraw_decision(decision=decision, by=request.user)
    except ValidationError as error:
        say_refused(request, error)
    return _back(meeting)


@login_required
@require_POST
def minutes_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting_or_404(request, pk)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(meeting)
    try:
        services.close_minutes(meeting=meeting, by=request.user, minutes=form.cleaned_data["minutes"])
    except ValidationError as error:
        say_refused(request, error)
    return _back(meeting)


@login_required
@require_safe
def letter_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    letter = visible_letter_or_404(request, pk)
    context = {
        "letter": letter,
        "decisions": list(letter.decisions()),
        "sees_meeting": Meeting.objects.visible_to(request.user).filter(pk=letter.meeting_id).exists(),
    }
    return render(request, "meetings/letter_detail.html", context)


@login_required
@require_safe
def letter_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    letter = visible_letter_or_404(request, pk)
    from luoshi.meetings import letters  # python-docx loads for a download, not with the site's URLs

    return letters.response(letter)
