"""Backtest of the light forecast (luoshi.dispatch.forecast) on the demo city's history, and on the bench
generator's (luoshi.demo.scale at BENCH_FORECAST_SCALE, a sample of BENCH_FORECAST_TASKS tasks)
(`python -m bench forecast`).

For each task and each of its weekly deadlines d_i with two more after it, the forecast made from what
had been sent by d_i names the light at d_{i+2}; the light at d_{i+2} is what the light rules give from
what had been accepted by then. Next to it stands the naive forecast: the light stays as it is at d_i.

Reported: precision and recall of "red at d_{i+2}" for both, and of "turns red" (not red at d_i, red at
d_{i+2}), which the naive forecast never predicts. A forecast is advice; nothing here feeds a light.
Rebuilding each task's facts as they stood on a past day is done here, from the reports' own dates.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import defaultdict
from dataclasses import dataclass, replace

from luoshi.core import clock
from luoshi.dispatch import forecast, lights, status
from luoshi.dispatch.models import UNSENT, Report, ReportState
from luoshi.plans.models import Task

AHEAD = 2
SCALE = os.environ.get("BENCH_FORECAST_SCALE", "county")  # the generated history backtested
# Of its tasks, this many (every n-th by id): all 2,000 of the county take minutes on a loaded machine.
SAMPLE = int(os.environ.get("BENCH_FORECAST_TASKS", "500"))


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, said: bool, was: bool) -> None:
        self.tp += said and was
        self.fp += said and not was
        self.fn += was and not said

    def line(self, name: str) -> str:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")
        counts = f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"
        return f"  {name:<32} precision {precision:6.1%}  recall {recall:6.1%}  {counts}"


def _as_of(
    facts: lights.TaskFacts, accepted: list[tuple[dt.datetime, int]], completed: dt.date | None, day: dt.date
) -> lights.TaskFacts:
    """The task's facts as they stood at the end of `day`: the last progress accepted by then."""
    known = [p for at, p in accepted if clock.local(at).date() <= day]
    return replace(
        facts,
        completed_on=completed if completed is not None and completed <= day else None,
        reported_progress=known[-1] if known else None,
        indicator=None,
        missed_cycles=0,
    )


def run() -> None:
    from luoshi.demo import loader
    from luoshi.orgs.models import Unit

    if not Unit.objects.exists():  # `make bench` has loaded it for the writes already
        started = time.perf_counter()
        loader.load()
        print(f"demo city loaded in {time.perf_counter() - started:.0f} s")
    root = Unit.objects.filter(parent=None).order_by("pk").first()
    assert root is not None
    backtest(list(Task.objects.filter(cancelled_on__isnull=True, lead_unit__path__startswith=root.path)))


def run_generated(size: str = SCALE) -> None:
    """The same backtest on the bench generator's history (luoshi.demo.scale, `luoshi demo --scale`): a
    year of weekly reports whose tasks keep a temperament (steady, lagging, stalled, silent) with
    noise, written beside the demo city."""
    from luoshi.demo import scale
    from luoshi.orgs.models import Unit

    chosen = scale.SCALES[size]
    started = time.perf_counter()
    scale.generate(chosen, force=True, out=None)
    print(f"generated history ({size}: {chosen.tasks} tasks, {chosen.reports} reports) in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    root = Unit.objects.get(name=chosen.root, parent=None)
    tasks = list(
        Task.objects.filter(cancelled_on__isnull=True, lead_unit__path__startswith=root.path).order_by("pk")
    )
    sample = tasks[:: max(1, len(tasks) // SAMPLE)]
    print(f"backtested on {len(sample)} of its {len(tasks)} tasks (BENCH_FORECAST_TASKS)")
    backtest(sample)


def backtest(tasks: list[Task]) -> None:
    """Forecast each task's light two deadlines ahead from each past deadline, and tally against what
    happened, next to the naive forecast."""
    today = clock.today()
    facts = status.facts_for(tasks, today)
    rows = (
        Report.objects.filter(task__in=[t.pk for t in tasks])
        .select_related("cycle__cadence")
        .order_by("task_id", "cycle__due_at")
    )
    deadlines: dict[int, list[dt.date]] = defaultdict(list)
    sent: dict[int, list[forecast.Point]] = defaultdict(list)
    accepted: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    cycle_days: dict[int, int] = {}
    for r in rows:
        due = clock.local(r.cycle.due_at).date()
        if due < today and (not deadlines[r.task_id] or deadlines[r.task_id][-1] != due):
            deadlines[r.task_id].append(due)
        cycle_days[r.task_id] = (r.cycle.period_end - r.cycle.period_start).days + 1
        if r.submitted_at is not None and r.percent is not None and r.state not in UNSENT:
            sent[r.task_id].append(forecast.Point(clock.local(r.submitted_at).date(), float(r.percent)))
            if r.state == ReportState.ACCEPTED and r.reviewed_at is not None:
                accepted[r.task_id].append((r.reviewed_at, r.percent))
    red_model, red_naive, turn_model = Tally(), Tally(), Tally()
    cases = 0
    started = time.perf_counter()
    for task in tasks:
        days = deadlines.get(task.pk, [])
        base = facts[task.pk]
        for i in range(len(days) - AHEAD):
            now, then = days[i], days[i + AHEAD]
            if task.completed_on is not None and task.completed_on <= now:
                continue  # done: nothing to forecast
            light_now = lights.status(_as_of(base, accepted[task.pk], task.completed_on, now), now).light
            light_then = lights.status(_as_of(base, accepted[task.pk], task.completed_on, then), then).light
            seen = forecast.forecast(
                replace(base, completed_on=None),
                sent[task.pk],
                then,
                today=now,
                cycle_days=cycle_days[task.pk],
            )
            red_then = light_then is lights.Light.RED
            red_model.add(seen.likely_red, red_then)
            red_naive.add(light_now is lights.Light.RED, red_then)
            if light_now is not lights.Light.RED:
                turn_model.add(seen.likely_red, red_then)
            cases += 1
    took = time.perf_counter() - started
    print(f"forecast backtest: {cases} (task, deadline) cases, {AHEAD} cycles ahead, {took:.2f} s")
    print(red_model.line("red at +2, forecast"))
    print(red_naive.line("red at +2, naive (stays)"))
    print(turn_model.line("turns red at +2, forecast"))
    print("  turns red at +2, naive (stays)   never predicted: recall 0")


if __name__ == "__main__":
    from bench.__main__ import setup_django

    setup_django()
    run()
