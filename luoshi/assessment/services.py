"""Every write of 考核: the system and its weights, raters' marks, bonus and penalty points, and runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, UnitCategory, User

from . import facts, scoring
from .models import Award, Indicator, IndicatorSystem, Metric, Rating, Result, Run, Weight

DIRECTIONS = {m: scoring.HIGHER for m in Metric}  # every metric offered so far: the more hits, the better
METHODS = {m: scoring.Method.RATE for m in Metric} | {Metric.RATING: scoring.Method.RATING}


def _office(by: User, unit: Unit) -> None:
    if not policy.can_supervise(by, unit):
        raise ValidationError(_("Only the office over %(unit)s may do this.") % {"unit": unit.name})


@transaction.atomic
def create_system(
    *, owner: Unit, year: int, name: str, by: User, total: Decimal = Decimal(100),
    bonus_cap: Decimal = Decimal(5), penalty_cap: Decimal = Decimal(5),
) -> IndicatorSystem:  # fmt: skip
    _office(by, owner)
    system = IndicatorSystem(
        owner=owner, year=year, name=name.strip(), total=total, bonus_cap=bonus_cap, penalty_cap=penalty_cap
    )
    system.full_clean()
    system.save()
    record(actor=by, action=Action.ASSESSMENT_SYSTEM_CREATE, obj=system, after=_fields(system))
    return system


@transaction.atomic
def add_indicator(
    *, system: IndicatorSystem, name: str, by: User, metric: str = "", parent: Indicator | None = None,
    weights: dict[str, Decimal] | None = None, rules: str = "",
) -> Indicator:  # fmt: skip
    """Add an indicator (a group without a metric) at the end of its level, with its weight per category."""
    _office(by, system.owner)
    if parent is not None and (parent.system_id != system.pk or not parent.is_group):
        raise ValidationError(_("An indicator belongs under a group of the same system."))
    last = system.indicators.filter(parent=parent).aggregate(last=Max("order"))["last"] or 0
    indicator = Indicator(
        system=system, parent=parent, order=last + 1, name=name.strip(), metric=metric, rules=rules
    )
    indicator.full_clean()
    indicator.save()
    record(actor=by, action=Action.ASSESSMENT_INDICATOR_CREATE, obj=indicator, after=_fields(indicator))
    for category, weight in (weights or {}).items():
        set_weight(indicator=indicator, category=category, weight=weight, by=by)
    return indicator


@transaction.atomic
def set_weight(*, indicator: Indicator, category: str, weight: Decimal, by: User) -> Weight:
    _office(by, indicator.system.owner)
    row = Weight.objects.filter(indicator=indicator, category=category).first() or Weight(
        indicator=indicator, category=category
    )
    before = None if row.pk is None else {"weight": str(row.weight)}
    row.weight = weight
    row.full_clean()
    row.save()
    record(
        actor=by,
        action=Action.ASSESSMENT_WEIGHT_SET,
        obj=row,
        before=before,
        after={"indicator_id": indicator.pk, "category": category, "weight": str(weight)},
    )
    return row


@transaction.atomic
def rate(
    *, indicator: Indicator, unit: Unit, rater: User, mark: Decimal, on: dt.date, note: str = ""
) -> Rating:
    """A named rater's mark (评议) for a unit, out of 100; only the offices over the unit and leaders rate."""
    if indicator.metric != Metric.RATING:
        raise ValidationError(_("%(name)s is not scored by raters.") % {"name": indicator.name})
    if not (policy.sees_jurisdiction(rater) and policy.can_see_unit(rater, unit)):
        raise ValidationError(_("You may not rate %(unit)s.") % {"unit": unit.name})
    rating = Rating(indicator=indicator, unit=unit, rater=rater, mark=mark, on=on, note=note.strip())
    rating.full_clean()
    rating.save()
    record(actor=rater, action=Action.ASSESSMENT_RATE, obj=rating, after=_fields(rating))
    return rating


@transaction.atomic
def rate_units(*, indicator: Indicator, rater: User, marks: dict[Unit, Decimal], on: dt.date) -> list[Rating]:
    """A rater's marks for several units at once, all or none."""
    if not marks:
        raise ValidationError(_("Enter at least one mark."))
    return [
        rate(indicator=indicator, unit=unit, rater=rater, mark=mark, on=on) for unit, mark in marks.items()
    ]


@transaction.atomic
def award(
    *, system: IndicatorSystem, unit: Unit, points: Decimal, reason: str, on: dt.date, by: User
) -> Award:
    """A bonus (positive points) or a penalty (negative) for a unit, with why; the caps apply in a run."""
    _office(by, unit)
    if not system.owner.contains(unit) or unit == system.owner:
        raise ValidationError(_("%(unit)s is not assessed under this system.") % {"unit": unit.name})
    given = Award(system=system, unit=unit, points=points, reason=reason.strip(), on=on, by=by)
    given.full_clean()
    given.save()
    record(actor=by, action=Action.ASSESSMENT_AWARD, obj=given, after=_fields(given))
    return given


def _fields(obj: Any) -> dict[str, Any]:
    return {
        f.attname: str(v) if isinstance(v := getattr(obj, f.attname), Decimal | dt.date) else v
        for f in obj._meta.concrete_fields
        if f.attname != "id"
    }


# Runs ----------------------------------------------------------------------------------------------------


def snapshot_of(system: IndicatorSystem, start: dt.date, end: dt.date, as_of: dt.datetime) -> dict[str, Any]:
    """The facts a run scores, as plain JSON: the weighed indicators per category, and for each unit its
    facts (with the rows behind every count), marks and points; and the previous run's ranks."""
    indicators = list(system.indicators.prefetch_related("weights"))
    categories: dict[str, list[dict[str, Any]]] = {}
    for ind in indicators:
        for w in ind.weights.all():
            categories.setdefault(w.category, []).append(
                {
                    "key": str(ind.pk),
                    "name": ind.name,
                    "metric": ind.metric,
                    "weight": str(w.weight),
                    "parent": None if ind.parent_id is None else str(ind.parent_id),
                }  # fmt: skip
            )
    units = list(system.assessed_units().values_list("pk", "name", "category"))
    ids = system.assessed_units().values("pk")  # as a subquery: a province has 3,000
    counted = facts.collect((i.metric for i in indicators), ids, facts.Window(start, end, as_of))
    marks = _marks(indicators, ids, start, end)
    awards: dict[int, list[dict[str, Any]]] = {}
    last_day = min(end, clock.local(as_of).date())
    for a in system.awards.filter(unit_id__in=ids, on__gte=start, on__lte=last_day).order_by("pk"):
        awards.setdefault(a.unit_id, []).append({"id": a.pk, "points": str(a.points), "reason": a.reason})
    previous = system.runs.order_by("-number").first()
    ranks = dict(previous.results.values_list("unit_id", "rank")) if previous else {}
    return {
        "system": {
            "id": system.pk,
            "name": system.name,
            "year": system.year,
            "total": str(system.total),
            "bonus_cap": str(system.bonus_cap),
            "penalty_cap": str(system.penalty_cap),
        },  # fmt: skip
        "period": [start.isoformat(), end.isoformat()],
        "as_of": as_of.isoformat(),
        "categories": categories,
        "units": [
            {
                "id": pk,
                "name": name,
                "category": category,
                "facts": {
                    str(ind.pk): fact
                    for ind in indicators
                    if ind.metric and (fact := _fact(ind, counted, marks, pk)) is not None
                },
                "awards": awards.get(pk, []),
            }
            for pk, name, category in units
        ],
        "previous": {
            "number": previous.number if previous else None,
            "ranks": {str(u): r for u, r in ranks.items() if r is not None},
        },
    }


def _marks(
    indicators: list[Indicator], units: facts.Units, start: dt.date, end: dt.date
) -> dict[tuple[int, int], list[str]]:
    """Each (indicator, unit)'s marks: every rater's latest within the period."""
    latest: dict[tuple[int, int, int], Decimal] = {}
    rated = [i.pk for i in indicators if i.metric == Metric.RATING]
    for ind, unit, rater, mark in (
        Rating.objects.filter(indicator_id__in=rated, unit_id__in=units, on__gte=start, on__lte=end)
        .order_by("on", "pk")
        .values_list("indicator_id", "unit_id", "rater_id", "mark")
    ):
        latest[(ind, unit, rater)] = mark
    marks: dict[tuple[int, int], list[str]] = {}
    for (ind, unit, _rater), mark in sorted(latest.items()):
        marks.setdefault((ind, unit), []).append(str(mark))
    return marks


def _fact(
    ind: Indicator,
    counted: dict[str, dict[int, facts.Counted]],
    marks: dict[tuple[int, int], list[str]],
    unit: int,
) -> dict[str, Any] | None:
    if ind.metric == Metric.RATING:
        given = marks.get((ind.pk, unit))
        return {"kind": "ratings", "marks": given} if given else None
    rows = counted.get(ind.metric, {}).get(unit)
    return rows.as_fact() if rows else None


def score_snapshot(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The results the rules give a snapshot: per unit its indicators' points, totals, rank and change.
    Reads nothing but the snapshot, so a run re-scored later gives the same results."""
    caps = scoring.Caps(
        bonus=Decimal(snapshot["system"]["bonus_cap"]), penalty=Decimal(snapshot["system"]["penalty_cap"])
    )
    previous = {int(u): r for u, r in snapshot["previous"]["ranks"].items()}
    results: list[dict[str, Any]] = []
    by_category: dict[str, list[dict[str, Any]]] = {}
    for unit in snapshot["units"]:
        by_category.setdefault(unit["category"], []).append(unit)
    for category in sorted(by_category):
        leaves = [
            scoring.Leaf(
                i["key"], Decimal(i["weight"]), METHODS[Metric(i["metric"])], DIRECTIONS[Metric(i["metric"])]
            )
            for i in snapshot["categories"][category]
            if i["metric"]
        ]
        scores = [
            scoring.score_unit(
                str(u["id"]),
                leaves,
                {k: _as_fact(v) for k, v in u["facts"].items()},
                [scoring.Adjustment(str(a["id"]), Decimal(a["points"])) for a in u["awards"]],
                caps,
            )
            for u in by_category[category]
        ]
        by_unit = {s.unit: s for s in scores}
        for r in scoring.rank(scores, {str(u): n for u, n in previous.items()}):
            s = by_unit[r.unit]
            results.append(
                {
                    "unit": int(r.unit),
                    "category": category,
                    "leaves": {leaf.key: _num(leaf.points) for leaf in s.leaves},
                    "base": _num(s.base),
                    "bonus": _num(s.bonus),
                    "penalty": _num(s.penalty),
                    "total": _num(s.total),
                    "rank": r.rank,
                    "change": r.change,
                }
            )
    return results


def _as_fact(raw: dict[str, Any]) -> scoring.Fact:
    if raw["kind"] == "ratings":
        return scoring.Ratings(tuple(Decimal(m) for m in raw["marks"]))
    return scoring.Rate(hits=raw["hits"], of=raw["of"], excused=raw["excused"])


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def digest_of(results: list[dict[str, Any]]) -> str:
    """The SHA-256 of the results' canonical JSON: equal digests, identical results to the byte."""
    canonical = json.dumps(results, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def weight_problems(system: IndicatorSystem) -> list[str]:
    """What is wrong with the system's weights, category by category, in the reader's language; empty when
    a run may start."""
    indicators = list(system.indicators.prefetch_related("weights"))
    categories = sorted({w.category for i in indicators for w in i.weights.all()})
    if not categories:
        return [_("No indicator has a weight in any category yet.")]
    names = {str(i.pk): i.name for i in indicators}
    problems = []
    for category in categories:
        nodes = [
            scoring.Node(str(i.pk), w.weight, None if i.parent_id is None else str(i.parent_id))
            for i in indicators
            for w in i.weights.all()
            if w.category == category
        ]
        for error in scoring.weight_errors(nodes, system.total):
            problems.append(f"{UnitCategory(category).label}：{_said(error, names)}")
    return problems


def _said(error: scoring.WeightError, names: dict[str, str]) -> str:
    figures = {
        "name": names.get(error.key or "", error.key),
        "group": names.get(error.parent or "", error.parent),
        "weight": scoring.plain(error.weight),
        "held": scoring.plain(error.held),
    }
    templates = {
        scoring.Problem.NEGATIVE: _("%(name)s weighs %(weight)s, below zero."),
        scoring.Problem.ORPHAN: _("%(name)s has a weight in this category but its group %(group)s has none."),
        scoring.Problem.TOP: _("the top level weighs %(held)s, not the stated total %(weight)s."),
        scoring.Problem.GROUP: _("%(name)s weighs %(weight)s but its indicators add up to %(held)s."),
    }
    return templates[error.problem] % figures


@transaction.atomic
def run_assessment(
    *, system: IndicatorSystem, period_start: dt.date, period_end: dt.date, by: User, now: dt.datetime
) -> Run:
    """Score and rank every unit under the system for the period, from the facts as they stand `now`."""
    _office(by, system.owner)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    problems = weight_problems(system)
    if problems:
        raise ValidationError(problems)
    IndicatorSystem.objects.select_for_update().get(pk=system.pk)  # one run numbered at a time
    snapshot = snapshot_of(system, period_start, period_end, now)
    results = score_snapshot(snapshot)
    number = (system.runs.aggregate(last=Max("number"))["last"] or 0) + 1
    run = Run.objects.create(
        system=system, number=number, period_start=period_start, period_end=period_end, as_of=now, by=by,
        snapshot=snapshot, digest=digest_of(results),
    )  # fmt: skip
    Result.objects.bulk_create(
        Result(
            run=run,
            unit_id=r["unit"],
            category=r["category"],
            base=r["base"],
            bonus=r["bonus"],
            penalty=r["penalty"],
            total=r["total"],
            rank=r["rank"],
            change=r["change"],
        )  # fmt: skip
        for r in results
    )
    record(
        actor=by,
        action=Action.ASSESSMENT_RUN,
        obj=run,
        after={
            "system_id": system.pk,
            "number": number,
            "period": snapshot["period"],
            "digest": run.digest,
            "units": len(results),
        },  # fmt: skip
    )
    return run


def rescore(run: Run) -> list[dict[str, Any]]:
    """The run's results computed again from its stored snapshot alone."""
    return score_snapshot(run.snapshot)
