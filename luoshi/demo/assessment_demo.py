"""考核 in the demo city: the office's "4+1" indicator system (four weighted groups, plus bonus and penalty
points) for counties, departments and parks, the leaders' monthly marks, a few points given, and one run
per month for the last three whole months, each written at the moment it would have been, so ranks move."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal

from luoshi.assessment import services
from luoshi.assessment.models import Metric
from luoshi.core import clock
from luoshi.orgs.models import Unit, User

D = Decimal
CATEGORIES = ("county", "department", "park")
# (group, its weight, [(indicator, metric, weight)]), the same in each category.
SYSTEM = [
    ("重点任务推进", D(40), [("任务按期完成", Metric.TASKS_ON_TIME, D(25)),
                            ("交账一次通过", Metric.DELIVERIES_FIRST_TIME, D(15))]),
    ("调度报送", D(20), [("进展报告按时报送", Metric.REPORTS_ON_TIME, D(20))]),
    ("督查督办", D(20), [("督办件按期反馈", Metric.ITEMS_ON_TIME, D(20))]),
    ("综合评议", D(20), [("市领导评议", Metric.RATING, D(20))]),
]  # fmt: skip
RULES = {
    Metric.TASKS_ON_TIME: "到期任务中按期完成的比例乘以分值；经批准调整的完成时限按调整后计算。",
    Metric.DELIVERIES_FIRST_TIME: "本期验收通过的交账中未经退回一次通过的比例乘以分值。",
    Metric.REPORTS_ON_TIME: "本期到期的进展报告中按时报送的比例乘以分值；未报或逾期报送不得分。",
    Metric.ITEMS_ON_TIME: "本期到期的督办件中在办理时限内反馈并获办结的比例乘以分值。",
    Metric.RATING: "市长、常务副市长每月实名评议，取各自当期最后一次评分的平均值（百分制）折算。",
}
RATERS = ("mayor", "vicemayor.exec")
AWARDS = [  # (months before today, unit, points, reason)
    (2, "青山县", D(2), "获评全省营商环境改革试点"),
    (2, "市数据局", D(1.5), "“一网通办”经验被省政府办公厅推广"),
    (1, "白沙县", D(-2), "发生一般安全生产事故，被省安委会通报"),
    (1, "临江高新技术产业开发区", D(3), "引进百亿级重大产业项目"),
]


def _month_start(day: dt.date, back: int) -> dt.date:
    y, m = divmod(day.month - 1 - back, 12)
    return dt.date(day.year + y, m + 1, 1)


def _mark(unit: str, rater: str, month: dt.date) -> Decimal:
    """A steady mark per unit with some movement month to month, 78 to 97."""
    seed = hashlib.sha256(f"{unit}/{rater}/{month:%Y-%m}".encode()).digest()
    return D(78 + seed[0] % 20)


def load(
    *, office: User, now: dt.datetime, progress: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Write the demo's assessment as of `now`; return how many runs and results."""
    today = clock.local(now).date()
    first = _month_start(today, 3)
    city = office.unit
    assert city is not None, "the demo office has a unit"
    with clock.frozen(clock.at_local(first - dt.timedelta(days=10), dt.time(10))):
        system = services.create_system(owner=city, year=today.year, name="高质量发展综合考核", by=office)
        for group, weight, leaves in SYSTEM:
            parent = services.add_indicator(
                system=system, name=group, by=office, weights=dict.fromkeys(CATEGORIES, weight)
            )
            for name, metric, points in leaves:
                services.add_indicator(
                    system=system, name=name, metric=metric, parent=parent, by=office, rules=RULES[metric],
                    weights=dict.fromkeys(CATEGORIES, points),
                )  # fmt: skip
    rating = system.indicators.get(metric=Metric.RATING)
    units = list(Unit.objects.filter(category__in=CATEGORIES, is_active=True).exclude(pk=city.pk))
    raters = list(User.objects.filter(username__in=RATERS).order_by("username"))
    by_name = {u.name: u for u in units}
    runs = results = 0
    for back in (3, 2, 1):
        start = _month_start(today, back)
        end = _month_start(today, back - 1) - dt.timedelta(days=1)
        with clock.frozen(clock.at_local(end - dt.timedelta(days=2), dt.time(16))):
            on = clock.today()
            for rater in raters:
                for unit in units:
                    mark = _mark(unit.name, rater.username, start)
                    services.rate(indicator=rating, unit=unit, rater=rater, mark=mark, on=on)
            for months, name, points, reason in AWARDS:
                if months == back and name in by_name:
                    unit = by_name[name]
                    services.award(system=system, unit=unit, points=points, reason=reason, on=on, by=office)
        with clock.frozen(clock.at_local(end + dt.timedelta(days=1), dt.time(9))):
            run = services.run_assessment(
                system=system, period_start=start, period_end=end, by=office, now=clock.now()
            )
        runs, results = runs + 1, results + run.results.count()
    progress(f"assessment: {runs} monthly runs, {results} results")
    return {"assessment_runs": runs}
