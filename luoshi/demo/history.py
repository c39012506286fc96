"""Eight weeks of dispatch history for the demo city, written through the real services.

Every task gets a temperament from a fixed seed: most keep pace with their expected progress, some lag,
a few stall, and a few stop reporting; some reports come in late and some are returned once. The result is
a believable mix of green, yellow and red on the day the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from luoshi.core import clock
from luoshi.core.memo import remembering
from luoshi.dispatch import calendar, lights, reminders, services, status
from luoshi.dispatch.models import Cadence, Cycle, Report, ReportState
from luoshi.dispatch.services import ReportData
from luoshi.orgs.models import Role, User
from luoshi.plans.models import Task, TaskList

WEEKS = 8
SEED = 2026

PROBLEMS = [
    "项目用地指标紧张，需自然资源部门协调保障。",
    "资金拨付进度偏慢，部分工程款尚未到位。",
    "受连续降雨影响，室外施工有所延误。",
    "配套电力接入方案尚未批复。",
    "专业技术人才不足，招聘工作正在推进。",
    "",
    "",
]
NEXT = [
    "下周将集中力量推进{m}，确保按节点完成。",
    "下一步将加强调度，倒排工期推进{m}。",
    "近期重点抓好{m}，每周跟踪落实情况。",
]
COORDINATION = ["", "", "", "请市发展改革委协调项目前期手续办理。", "请市财政局加快专项资金拨付。"]


def _measure(task: Task, rng: random.Random) -> str:
    lines = [ln.split(".", 1)[-1].strip(" 。") for ln in task.measures.splitlines() if ln.strip()]
    text = rng.choice(lines) if lines else task.title
    return text.split("，")[0][:40]


def _temperament(task: Task) -> str:
    roll = random.Random(f"{SEED}-{task.pk}").random()
    return "steady" if roll < 0.70 else "lagging" if roll < 0.85 else "stalled" if roll < 0.93 else "silent"


def _percent(kind: str, expected: float, rng: random.Random, done: bool) -> int:
    if done:
        return 100
    offset = {"steady": rng.uniform(-7, 4), "lagging": -rng.uniform(12, 22), "stalled": -rng.uniform(28, 40)}
    return max(0, min(99, round(expected + offset.get(kind, rng.uniform(-7, 4)))))


def _indicator_value(task: Task, percent: int, rng: random.Random) -> Decimal | None:
    """The indicator where the reported percentage says it is, give or take a little."""
    if not task.has_indicator or task.baseline is None or task.target is None:
        return None
    share = Decimal(percent) / 100 + Decimal(str(round(rng.uniform(-0.04, 0.04), 3)))
    return (task.baseline + (task.target - task.baseline) * share).quantize(Decimal("0.01"))


def _facts(task: Task) -> lights.TaskFacts:
    points = tuple(
        lights.MilestonePoint(due=m.due, expected=m.expected_progress) for m in task.milestones.all()
    )
    return lights.TaskFacts(start=task.start, due=task.due, milestones=points)


def create_cadences(*, office: User, lists: list[TaskList], anchor: dt.date) -> list[Cadence]:
    """一周一调度 for the economic list, 两周一汇报 for the others, due Friday (Thursday) at 17:00."""
    plans = [("一周一调度", "weekly", 4), ("两周一汇报", "biweekly", 3), ("两周一汇报", "biweekly", 3)]
    return [
        services.create_cadence(
            by=office,
            task_list=tl,
            name=name,
            frequency=freq,
            anchor=anchor,
            due_weekday=weekday,
            due_time=dt.time(17, 0),
            grace_minutes=60,
        )
        for tl, (name, freq, weekday) in zip(lists, plans, strict=False)
    ]


def load_history(
    *, office: User, cadences: list[Cadence], now: dt.datetime, progress: Callable[[str], None]
) -> dict[str, int]:
    """Open the last eight weeks of cycles and the current one, and fill them in as the units would have.

    Nobody joins or moves and no webhook is added meanwhile: who is told of each submit, and which webhooks
    listen, are read once (core.memo), not at each of a thousand submits.
    """
    with remembering():
        return _load_history(office=office, cadences=cadences, now=now, progress=progress)


def _load_history(
    *, office: User, cadences: list[Cadence], now: dt.datetime, progress: Callable[[str], None]
) -> dict[str, int]:
    today = clock.local(now).date()
    reviewers = {u.unit_id: u for u in User.objects.filter(role=Role.SUPERVISOR).order_by("-id")}
    writers = {u.unit_id: u for u in User.objects.filter(role=Role.LIAISON).order_by("-id")}
    counts = {"cycles": 0, "reports": 0, "accepted": 0, "late": 0}
    for cadence in cadences:
        current = calendar.period_number_on(frequency=cadence.frequency, anchor=cadence.anchor, day=today)
        span = WEEKS * 7 // (14 if cadence.frequency == "biweekly" else 7)
        for number in range(max(1, current - span), current + 1):
            p = calendar.period(
                frequency=cadence.frequency,
                anchor=cadence.anchor,
                number=number,
                due_weekday=cadence.due_weekday,
            )
            opened_at = min(timezone.make_aware(dt.datetime.combine(p.start, dt.time(8, 30))), now)
            cycle = services.open_cycle(cadence=cadence, number=number, now=opened_at, by=office)
            counts["cycles"] += 1
            filled = _fill(cycle, writers, reviewers, office, now, last=number >= current - 1)
            for key, value in filled.items():
                counts[key] += value
            # Marked as the tick would have: a handed-down report can be late before its cycle is due.
            counts["late"] += reminders.mark_late(now=min(now, cycle.due_at + dt.timedelta(days=2)))
        progress(f"{cadence.name} · {cadence.task_list}: {counts['cycles']} cycles so far")
    counts["closed"] = len(services.close_cycles(now=now))
    status.sweep(today=today)
    return counts


def _fill(
    cycle: Cycle,
    writers: dict[int | None, User],
    reviewers: dict[int | None, User],
    office: User,
    now: dt.datetime,
    last: bool,
) -> dict[str, int]:
    reports = list(
        Report.objects.filter(cycle=cycle)
        .select_related("task", "task__issuer", "unit", "cycle__cadence")
        .prefetch_related("task__milestones")  # each report's expected progress (_facts)
    )
    due = clock.local(cycle.due_at)
    submitted: list[Report] = []
    for report in reports:
        task = report.task
        kind = _temperament(task)
        rng = random.Random(f"{SEED}-{task.pk}-{cycle.cadence_id}-{cycle.number}")
        silent_now = kind == "silent" and last
        # A handed-down task is due a working day earlier, so before a holiday its report can be due
        # days before its cycle.
        own_due = clock.local(report.due_at)
        if own_due > now:  # not due yet: some have started, a few already sent
            if rng.random() > 0.3 or silent_now:
                continue
        elif silent_now or rng.random() < 0.03:
            continue
        writer = writers.get(report.unit_id)
        if writer is None:
            continue
        expected = lights.expected_progress(_facts(task), due.date())
        done = task.completed_on is not None and task.completed_on <= due.date()
        percent = _percent(kind, expected, rng, done)
        measure = _measure(task, rng)
        data = ReportData(
            percent=percent,
            progress=f"围绕“{measure}”持续推进，本期完成计划任务，累计完成进度{percent}%。",
            problems=rng.choice(PROBLEMS),
            next_steps=rng.choice(NEXT).format(m=measure),
            coordination=rng.choice(COORDINATION),
            indicator_value=_indicator_value(task, percent, rng),
        )
        late = rng.random() < 0.1
        at = own_due + (
            dt.timedelta(hours=rng.uniform(2, 40)) if late else -dt.timedelta(hours=rng.uniform(2, 60))
        )
        # Sent after the cycle opened (a due day just after a holiday leaves little time) and before now.
        at = min(max(at, cycle.opened_at + dt.timedelta(hours=1)), now - dt.timedelta(minutes=5))
        if at < cycle.opened_at:
            continue
        key = f"demo-{report.pk}"
        report = services.submit_report(
            report=report, by=writer, data=data, expected_version=report.version, idempotency_key=key, at=at
        )
        reviewer = reviewers.get(task.issuer_id, office)
        if due < now and rng.random() < 0.05 and at + dt.timedelta(hours=20) < now:
            report = services.return_report(
                report=report,
                by=reviewer,
                comment="请补充本期具体完成的工作量和数据。",
                at=at + dt.timedelta(hours=3),
            )
            data = ReportData(**{**data.__dict__, "progress": data.progress + "本期新增完成投资约1200万元。"})
            report = services.submit_report(
                report=report,
                by=writer,
                data=data,
                expected_version=report.version,
                idempotency_key=key + "-2",
                at=at + dt.timedelta(hours=20),
            )
        submitted.append(report)
    accepted = 0
    if due < now:
        # The office reviews within two days; the latest finished cycle is partly still waiting for review,
        # and so is what came in after the review.
        when = min(now, due + dt.timedelta(days=2))
        by_reviewer: dict[int, list[Report]] = {}
        for r in submitted:
            in_time = r.submitted_at is not None and r.submitted_at < when
            if r.state == ReportState.SUBMITTED and in_time and not (last and r.pk % 3 == 0):
                by_reviewer.setdefault(reviewers.get(r.task.issuer_id, office).pk, []).append(r)
        for reviewer_pk, chosen in by_reviewer.items():
            reviewer = User.objects.get(pk=reviewer_pk)
            accepted += services.accept_reports(reports=chosen, by=reviewer, today=when.date(), at=when)
    return {"reports": len(submitted), "accepted": accepted}
