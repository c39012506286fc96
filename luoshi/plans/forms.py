"""Forms for tasks and milestones. Choices are limited to what the user may assign (orgs.policy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from luoshi.core.columns import columns_for
from luoshi.core.forms import (
    LONG_TEXT,
    STALE_FORM,
    SearchSelect,
    SearchSelectMultiple,
    StyledForm,
    evidence_field,
    version_field,
)
from luoshi.orgs import policy
from luoshi.orgs.models import Role, Unit, User
from luoshi.orgs.people import person_matching, unit_matching
from luoshi.plans.models import Direction, Milestone, Task, TaskList, TaskQuerySet

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def unit_label(depth: int, name: str) -> str:
    """A unit as a select shows it: indented by its depth in the tree."""
    return "\u3000" * depth + name


def person_label(full_name: str, username: str, unit_name: str | None, title: str) -> str:
    """A person as a select shows them: name, then unit and position."""
    return f"{full_name or username}（{unit_name or ''} {title}）".replace(" ）", "）")


class UnitChoiceField(forms.ModelChoiceField):
    # A select's labels read as plain values, not model instances (core.forms.SearchSelect).
    label_values = ("depth", "name")
    label_from_values = staticmethod(unit_label)

    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj.depth, obj.name)


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    label_values = ("depth", "name")
    label_from_values = staticmethod(unit_label)

    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj.depth, obj.name)


PERSON_LABEL_FIELDS = ("id", "username", "full_name", "title", "unit__id", "unit__name", "unit__path")


class PersonChoiceField(forms.ModelChoiceField):
    label_values = ("full_name", "username", "unit__name", "title")
    label_from_values = staticmethod(person_label)

    def label_from_instance(self, obj: User) -> str:
        return person_label(obj.full_name, obj.username, obj.unit.name if obj.unit else None, obj.title)


def person_field(label: Any) -> PersonChoiceField:
    """An optional choice of a person, searched when there are many (core.forms.SearchSelect)."""
    return PersonChoiceField(
        label=label, queryset=User.objects.none(), required=False, widget=SearchSelect(search=person_matching)
    )


def assignable_units(user: User) -> Any:
    """Units a supervisor may give work to; task forces included, the city root too."""
    return (
        policy.visible_units(user).filter(is_active=True)
        if policy.is_supervisor(user)
        else Unit.objects.none()
    )


def people_in_scope(user: User) -> Any:
    return (
        User.objects.filter(policy.unit_q(user, "unit"), is_active=True)
        .select_related("unit")
        .order_by("unit__path", "id")
    )


class TaskForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("Content and goal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT,
    )
    measures = forms.CharField(
        label=_("Measures"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=LONG_TEXT
    )
    lead_unit = UnitChoiceField(
        label=_("Lead unit"), queryset=Unit.objects.none(), widget=SearchSelect(search=unit_matching)
    )
    co_units = UnitsChoiceField(
        label=_("Co-units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=SearchSelectMultiple(attrs={"size": 6}, search=unit_matching),
    )
    leader = person_field(_("Responsible leader"))
    owner = person_field(_("Responsible person"))
    responsibility_note = forms.CharField(
        label=_("If not both: why not"),
        max_length=200,
        required=False,
        help_text=_("A task names its responsible leader and person; if one is still to be named, say why."),
    )
    start = forms.DateField(label=_("Start"), widget=DATE)
    due = forms.DateField(label=_("Deadline"), widget=DATE)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal("0.1"), max_value=Decimal("100"), decimal_places=2, initial=1
    )
    indicator_name = forms.CharField(label=_("Indicator"), max_length=100, required=False)
    indicator_unit = forms.CharField(label=_("Indicator unit"), max_length=20, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=16, decimal_places=4, required=False)
    target = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=4, required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("", "—"), *Direction.choices], required=False
    )

    def __init__(self, *args: Any, user: User, within: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = assignable_units(user)
        if within is not None:
            units = units.filter(path__startswith=within.path)
        self.limit_choices("lead_unit", units)
        self.limit_choices("co_units", assignable_units(user))
        people = people_in_scope(user)
        self.limit_choices("leader", people.filter(Q(role=Role.LEADER) | Q(role=Role.UNIT_HEAD)))
        self.limit_choices("owner", people)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, due = data.get("start"), data.get("due")
        if start and due and due < start:
            self.add_error("due", _("The deadline cannot be before the start."))
        if data.get("indicator_name"):
            if data.get("target") is None:
                self.add_error("target", _("An indicator needs a target."))
            if not data.get("direction"):
                self.add_error("direction", _("Say whether higher or lower is better."))
        return data

    @classmethod
    def initial_for(cls, task: Task) -> dict[str, Any]:
        initial = {name: getattr(task, name) for name in cls.base_fields if name != "co_units"}
        initial["co_units"] = list(task.co_units.all())
        return initial


class TaskEditForm(TaskForm):
    """A task's edit form carries the version it was loaded at, so a save cannot overwrite a newer one."""

    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No silent deadline moves: the deadline changes only with a reason (plans.adjustments).
        self.fields["due"].disabled = True
        self.fields["due"].help_text = _(
            "To move the deadline, use “Change the deadline” on the task page: it asks for a reason."
        )


class MilestoneForm(StyledForm):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due = forms.DateField(label=_("Due"), widget=DATE)
    expected_progress = forms.IntegerField(label=_("Expected progress (%)"), min_value=0, max_value=100)


class MilestoneEditForm(MilestoneForm):
    """A milestone's edit form carries what it was loaded at (plans.services.milestone_stamp)."""

    version = forms.CharField(
        widget=forms.HiddenInput, max_length=16, error_messages={"required": STALE_FORM}
    )


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3, max_num=10)


class TaskFilterForm(StyledForm):
    """The task list's filters. Every choice is limited to the user's scope."""

    SORTS = [
        ("code", _("Number")),
        ("due", _("Deadline, earliest first")),
        ("-due", _("Deadline, latest first")),
        ("lead_unit", _("Lead unit")),
        ("-progress", _("Progress, highest first")),
        ("progress", _("Progress, lowest first")),
    ]
    COMPLETION = [
        ("", _("All")),
        ("open", _("Not done")),
        ("overdue", _("Overdue")),
        ("done", _("Done")),
        ("cancelled", _("Cancelled by the office")),
    ]
    q = forms.CharField(label=_("Keyword"), required=False, max_length=100)
    list = forms.ModelChoiceField(label=_("List"), queryset=TaskList.objects.none(), required=False)
    lead_unit = UnitChoiceField(
        label=_("Lead unit"),
        queryset=Unit.objects.none(),
        required=False,
        widget=SearchSelect(search=unit_matching),
    )
    unit_only = forms.BooleanField(label=_("Led by this unit itself, not the units below"), required=False)
    leader = person_field(_("Responsible leader"))
    owner = person_field(_("Responsible person"))
    completion = forms.ChoiceField(label=_("Completion"), choices=COMPLETION, required=False)
    due_from = forms.DateField(label=_("Deadline from"), required=False, widget=DATE)
    due_to = forms.DateField(label=_("Deadline to"), required=False, widget=DATE)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORTS, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("list", TaskList.objects.visible_to(user).select_related("plan"))
        visible = Task.objects.visible_to(user)
        # Units in scope, and the lead units of the tasks the user sees (a co-unit's task led elsewhere). Each
        # row is tested by an index probe (Exists), not against the list of all visible tasks' units, so the
        # first rows of a province's choice come without reading its 200,000 tasks (SearchSelect).
        self.limit_choices(
            "lead_unit",
            Unit.objects.filter(
                policy.unit_q(user) | Q(Exists(visible.filter(lead_unit=OuterRef("pk"))))
            ).order_by("path"),
        )
        for name in ("leader", "owner"):
            self.limit_choices(
                name,
                User.objects.filter(Exists(visible.filter(**{name: OuterRef("pk")})))
                .select_related("unit")
                .only(*PERSON_LABEL_FIELDS)  # a city's hundreds of people: their labels, not whole rows
                .order_by("unit__path", "id"),
            )
        # Columns other apps add to the list (the light, from dispatch), each with its filter.
        self.columns = columns_for("tasks")
        for column in self.columns:
            self.add_field(column.name, column.field())

    @property
    def column_filters(self) -> Sequence[forms.BoundField]:
        return [self[column.name] for column in self.columns]

    def narrow(self, tasks: TaskQuerySet, *, today: dt.date) -> TaskQuerySet:
        """The tasks the chosen filters select (call it on a valid form)."""
        f = self.cleaned_data
        if f["list"]:
            tasks = tasks.filter(task_list=f["list"])
        if f["lead_unit"] and f["unit_only"]:
            tasks = tasks.filter(lead_unit=f["lead_unit"])
        elif f["lead_unit"]:
            tasks = tasks.filter(lead_unit__path__startswith=f["lead_unit"].path)
        for name in ("leader", "owner"):
            if f[name]:
                tasks = tasks.filter(**{name: f[name]})
        # Cancelled tasks (撤销) are left out unless asked for: they count nowhere.
        tasks = tasks.cancelled() if f["completion"] == "cancelled" else tasks.live()
        if f["completion"] == "open":
            tasks = tasks.open()
        elif f["completion"] == "overdue":
            tasks = tasks.overdue(today)
        elif f["completion"] == "done":
            tasks = tasks.done()
        tasks = tasks.due_between(f["due_from"], f["due_to"])
        if f["q"]:
            tasks = tasks.search(f["q"])
        for column in self.columns:
            if f[column.name] not in (None, ""):
                tasks = column.narrow(tasks, f[column.name])
        return tasks


class DeliveryForm(StyledForm):
    """交账: what was done, with files; for a milestone when `milestone` is given (a hidden field)."""

    statement = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    evidence = evidence_field()
    milestone = forms.ModelChoiceField(
        queryset=Milestone.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("milestone", task.milestones.all())


class ContributionForm(StyledForm):
    """A co-unit's contribution (配合单位完成情况): the unit is one the user reports for (a hidden field)."""

    unit = forms.ModelChoiceField(label=_("Co-unit"), queryset=Unit.objects.none(), widget=forms.HiddenInput)
    statement = forms.CharField(
        label=_("What your unit did"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    evidence = evidence_field()

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", Unit.objects.filter(pk__in=[u.pk for u in units]))
