"""Pages of 考核: the systems and their runs, a run's ranking per category, and a unit's figures traced to
their rows. A run is seen by whoever sees its system (rankings are circulated within the jurisdiction); a
unit's rows only by those who see the unit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.assessment import compare, services, trace
from luoshi.assessment.forms import AwardForm, IndicatorForm, RatingForm, RunForm, SystemForm, last_month
from luoshi.assessment.models import IndicatorSystem, Metric, Run
from luoshi.core import clock
from luoshi.core.forms import attach_errors, say_refused
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import UnitCategory


def _run_or_404(request: AuthenticatedRequest, pk: int) -> Run:
    systems = IndicatorSystem.objects.visible_to(request.user)
    return get_object_or_404(Run.objects.filter(system__in=systems).select_related("system__owner"), pk=pk)


@login_required
@require_safe
def index(request: AuthenticatedRequest) -> HttpResponse:
    systems = list(
        IndicatorSystem.objects.visible_to(request.user).select_related("owner").prefetch_related("runs")
    )
    may_run = {s.pk for s in systems if policy.can_supervise(request.user, s.owner)}
    form = RunForm(initial=last_month(clock.today()))
    context = {
        "systems": systems,
        "may_run": may_run,
        "form": form,
        "may_create": policy.is_supervisor(request.user),
    }
    return render(request, "assessment/index.html", context)


@login_required
@require_POST
def run_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem.objects.visible_to(request.user), pk=pk)
    if not policy.can_supervise(request.user, system.owner):
        raise PermissionDenied
    form = RunForm(request.POST)
    if not form.is_valid():
        labels = {name: f"{field.label}：" for name, field in form.fields.items()}
        said = [
            f"{labels.get(name, '')}{' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
        ]
        messages.error(request, " ".join(said))
        return redirect("assessment:index")
    try:
        run = services.run_assessment(
            system=system,
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            by=request.user,
            now=clock.now(),
        )
    except ValidationError as exc:
        say_refused(request, exc)
        return redirect("assessment:index")
    messages.success(
        request, _("Run %(n)s scored %(units)s units.") % {"n": run.number, "units": run.results.count()}
    )
    return redirect("assessment:run_detail", pk=run.pk)


@login_required
@require_safe
def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    categories = trace.categories_of(run)
    if not categories:
        raise Http404
    chosen = _chosen(request, categories)
    groups, rows = trace.ranking(run, chosen)
    seen = set(
        policy.visible_units(request.user)
        .filter(pk__in=[r.result.unit_id for r in rows])
        .values_list("pk", flat=True)
    )
    chart = {
        "categories": [
            r.result.unit.short_name or r.result.unit.name for r in rows if r.result.total is not None
        ],
        "series": [
            {
                "name": _("Total"),
                "data": [float(r.result.total) for r in rows if r.result.total is not None],
                "color": "#0d6efd",
            }
        ],
    }
    context = {
        "run": run,
        "categories": categories,
        "chosen": chosen,
        "groups": groups,
        "rows": rows,
        "seen": seen,
        "chart": chart,
        "earlier": trace.earlier_run(run),
    }
    return render(request, "assessment/run_detail.html", context)


def _chosen(request: AuthenticatedRequest, categories: list[tuple[str, str]]) -> str:
    """The category asked for, else the viewer's own, else the first."""
    asked = request.GET.get("category", "")
    if asked in dict(categories):
        return asked
    unit = request.user.unit
    return unit.category if unit is not None and unit.category in dict(categories) else categories[0][0]


@login_required
@require_safe
def unit_trace(request: AuthenticatedRequest, pk: int, unit_pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    unit = get_object_or_404(policy.visible_units(request.user), pk=unit_pk)
    if not run.results.filter(unit=unit).exists():
        raise Http404
    context = {"run": run, "unit": unit, **trace.unit_trace(run, unit)}
    return render(request, "assessment/unit_trace.html", context)


@login_required
@require_safe
def run_compare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """What moved between a run and an earlier one (its previous, unless `?with=` names another), and why;
    indicator by indicator for the units whose rows the viewer sees, as the unit trace shows them."""
    run = _run_or_404(request, pk)
    other = request.GET.get("with", "")
    earlier: Run | None
    if other:
        if not (other.isascii() and other.isdigit() and len(other) < 10):
            raise Http404
        earlier = _run_or_404(request, int(other))
    else:
        earlier = trace.earlier_run(run)
    context: dict[str, object] = {"run": run, "earlier": earlier}
    if earlier is not None and earlier.system_id != run.system_id:
        said = _("Only runs of the same indicator system can be compared: %(a)s and %(b)s differ.")
        context["refused"] = said % {"a": run.system, "b": earlier.system}
        return render(request, "assessment/run_compare.html", context, status=400)
    if earlier is not None:
        if earlier.number > run.number:
            run, earlier = earlier, run
        moves = trace.comparison(earlier, run)
        categories = [(value, str(label)) for value, label in UnitCategory.choices if value in moves]
        chosen = _chosen(request, categories)
        units = moves[chosen]
        seen = set(
            policy.visible_units(request.user)
            .filter(pk__in=[u.unit for u in units])
            .values_list("pk", flat=True)
        )
        context |= {
            "run": run, "earlier": earlier, "categories": categories, "chosen": chosen, "units": units,
            "seen": seen, "movers": compare.biggest_movers(units),
        }  # fmt: skip
    return render(request, "assessment/run_compare.html", context)


# The system: its indicators and weights, marks and points ---------------------------------------------------


def _system_or_404(request: AuthenticatedRequest, pk: int) -> IndicatorSystem:
    return get_object_or_404(IndicatorSystem.objects.visible_to(request.user).select_related("owner"), pk=pk)


def _edited_system_or_404(request: AuthenticatedRequest, pk: int) -> IndicatorSystem:
    system = _system_or_404(request, pk)
    if not policy.can_supervise(request.user, system.owner):
        raise PermissionDenied
    return system


@login_required
def system_create(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.is_supervisor(request.user):
        raise PermissionDenied
    initial = {"year": clock.today().year, "total": 100, "bonus_cap": 5, "penalty_cap": 5}
    form = SystemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            system = services.create_system(
                owner=policy.issuing_unit(request.user), by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("assessment:system_detail", pk=system.pk)
    return render(request, "assessment/system_form.html", {"form": form})


@login_required
@require_safe
def system_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    system = _system_or_404(request, pk)
    may_edit = policy.can_supervise(request.user, system.owner)
    context = {
        "system": system,
        "table": trace.weight_table(system),
        "problems": services.weight_problems(system),
        "awards": system.awards.select_related("unit").order_by("-on", "-pk")[:50],
        "runs": system.runs.order_by("-number"),
        "may_edit": may_edit,
        "may_rate": policy.sees_jurisdiction(request.user)
        and system.indicators.filter(metric=Metric.RATING).exists(),
    }
    if may_edit:
        context["indicator_form"] = IndicatorForm(system=system)
        context["award_form"] = AwardForm(units=system.assessed_units(), initial={"on": clock.today()})
    return render(request, "assessment/system_detail.html", context)


@login_required
@require_POST
def indicator_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    system = _edited_system_or_404(request, pk)
    form = IndicatorForm(request.POST, system=system)
    if not form.is_valid():
        say_refused(request, form)
        return redirect("assessment:system_detail", pk=system.pk)
    try:
        data = form.cleaned_data
        services.add_indicator(
            system=system, by=request.user, name=data["name"], metric=data["metric"], parent=data["parent"],
            rules=data["rules"], weights=form.weights(),
        )  # fmt: skip
    except ValidationError as exc:
        say_refused(request, exc)
    return redirect("assessment:system_detail", pk=system.pk)


@login_required
@require_POST
def award_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    system = _edited_system_or_404(request, pk)
    form = AwardForm(request.POST, units=system.assessed_units())
    if not form.is_valid():
        say_refused(request, form)
        return redirect("assessment:system_detail", pk=system.pk)
    try:
        services.award(system=system, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(request, _("Points given."))
    return redirect("assessment:system_detail", pk=system.pk)


@login_required
def rate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A leader's or an office's marks (评议) for the units they see, on one rated indicator."""
    system = _system_or_404(request, pk)
    if not policy.sees_jurisdiction(request.user):
        raise PermissionDenied
    units = list(system.assessed_units().filter(policy.unit_q(request.user)))
    form = RatingForm(request.POST or None, system=system, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_units(
                indicator=form.cleaned_data["indicator"],
                rater=request.user,
                marks=form.marks(),
                on=clock.today(),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Marks saved."))
            return redirect("assessment:system_detail", pk=system.pk)
    return render(request, "assessment/rate.html", {"system": system, "form": form})
