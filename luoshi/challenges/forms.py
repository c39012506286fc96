"""Forms of 揭榜挂帅: thin, the services check the rules; choices narrowed to the user's scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.challenges.models import Application, OpenCall
from luoshi.challenges.services import CallText, Choice, Commitment
from luoshi.core.forms import LONG_TEXT, StyledForm, evidence_field, version_field
from luoshi.orgs.models import Role, Unit, User
from luoshi.plans.forms import PersonChoiceField
from luoshi.plans.models import TaskList

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: Any, rows: int = 4, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text
    )


class ListChoiceField(forms.ModelChoiceField):
    """A list named with its plan, as the same list name recurs year after year."""

    def label_from_instance(self, obj: TaskList) -> str:
        return f"{obj.plan.title} · {obj.name}"


class CallForm(StyledForm):
    """An office's open call: what it asks, of whom, until when, and where the tasks go."""

    title = forms.CharField(label=_("Title"), max_length=200)
    problem = _text(_("The problem (难题)"))
    requirements = _text(_("Requirements for applicants (揭榜条件)"))
    goal = _text(_("What is expected (目标)"), rows=3)
    task_list = ListChoiceField(
        label=_("List for the resulting tasks"), queryset=TaskList.objects.none(), empty_label=None
    )
    closes_on = forms.DateField(label=_("Applications close on"), widget=DATE)
    open_to_all = forms.BooleanField(
        label=_("Open to every unit of the jurisdiction"), required=False, initial=True
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Or only to these units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    max_selected = forms.IntegerField(
        label=_("At most selected"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Leave empty for no limit."),
    )

    def __init__(self, *args: Any, lists: QuerySet[TaskList], units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices(
            "task_list", lists.select_related("plan").order_by("plan__year", "plan_id", "sort_order")
        )
        self.limit_choices("units", units.order_by("path"))

    def text(self) -> CallText:
        data = self.cleaned_data
        return CallText(
            title=data["title"],
            problem=data["problem"],
            requirements=data["requirements"],
            goal=data["goal"],
            closes_on=data["closes_on"],
            open_to_all=data["open_to_all"],
            units=list(data["units"]),
            max_selected=data["max_selected"],
        )


class CallEditForm(CallForm):
    version = version_field()


class CancelForm(StyledForm):
    reason = _text(_("Why the call is cancelled"), rows=2)


class ApplicationForm(StyledForm):
    """A unit's application: its proposal, its commitment (what, by when) and who answers for it."""

    unit = forms.ModelChoiceField(label=_("Applying unit"), queryset=Unit.objects.none(), empty_label=None)
    proposal = _text(_("Proposal (揭榜方案)"), rows=6)
    target = _text(_("What your unit commits to achieve"), rows=3)
    committed_due = forms.DateField(label=_("Committed deadline"), widget=DATE)
    leader = PersonChoiceField(label=_("Responsible leader"), queryset=User.objects.none())
    owner = PersonChoiceField(label=_("Responsible person"), queryset=User.objects.none())
    attachments = evidence_field()

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].label = _("Files of the proposal")
        self.limit_choices("unit", units)
        people = (
            User.objects.filter(unit__in=units, is_active=True)
            .exclude(role=Role.ADMIN)
            .select_related("unit")
        )
        people = people.order_by("unit__path", "role", "id")
        self.limit_choices("leader", people)
        self.limit_choices("owner", people)
        if len(units) == 1:  # the only unit the user may apply for: nothing to choose
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk

    def commitment(self) -> Commitment:
        data = self.cleaned_data
        return Commitment(
            proposal=data["proposal"],
            target=data["target"],
            committed_due=data["committed_due"],
            leader=data["leader"],
            owner=data["owner"],
        )


DECISIONS = [("", _("Not yet")), ("select", _("Select this application")), ("not_select", _("Do not select"))]


class DecideForm(StyledForm):
    """The office's decision on each undecided application: select it or not, with the note it is told."""

    def __init__(self, *args: Any, applications: Sequence[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        for a in self.applications:
            self.add_field(
                f"decision-{a.pk}",
                forms.ChoiceField(
                    label=a.unit.name, choices=DECISIONS, required=False, widget=forms.RadioSelect
                ),
            )
            self.fields[f"decision-{a.pk}"].widget.attrs["class"] = "form-check-input"  # a radio, not a box
            self.add_field(
                f"note-{a.pk}",
                forms.CharField(
                    label=_("Reason / note to the unit"),
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                ),
            )

    def rows(self) -> list[tuple[Application, forms.BoundField, forms.BoundField]]:
        return [(a, self[f"decision-{a.pk}"], self[f"note-{a.pk}"]) for a in self.applications]

    def choices(self) -> list[Choice]:
        data = self.cleaned_data
        return [
            Choice(application=a, selected=data[f"decision-{a.pk}"] == "select", note=data[f"note-{a.pk}"])
            for a in self.applications
            if data.get(f"decision-{a.pk}")
        ]


class PledgeForm(StyledForm):
    commitment = _text(_("The pledge (军令状): what you promise"), rows=3)


def initial_pledge(application: Application) -> str:
    return f"{application.target}（{application.committed_due:%Y-%m-%d}前）"


def call_initial(call: OpenCall) -> dict[str, Any]:
    return {
        "title": call.title,
        "problem": call.problem,
        "requirements": call.requirements,
        "goal": call.goal,
        "task_list": call.task_list_id,
        "closes_on": call.closes_on,
        "open_to_all": call.open_to_all,
        "units": list(call.units.values_list("pk", flat=True)),
        "max_selected": call.max_selected,
        "version": call.version,
    }
