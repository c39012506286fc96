"""通报 in the demo city: last month's bulletin of the office on the whole city, drawing its rankings from the
latest assessment run, generated and published the morning after that run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from luoshi.assessment.models import Run
from luoshi.bulletins import services
from luoshi.core import clock
from luoshi.orgs.models import User


def load(
    *, office: User, now: dt.datetime, progress: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Write and publish the bulletin on the latest run's month; return how many bulletins."""
    city = office.unit
    run = Run.objects.filter(system__owner=city).order_by("-period_end", "-number").first()
    if city is None or run is None:
        return {"bulletins": 0}
    with clock.frozen(min(now, run.as_of + dt.timedelta(minutes=30))):
        month = run.period_end
        bulletin = services.create_bulletin(
            by=office, scope=city, run=run, period_start=run.period_start, period_end=run.period_end,
            title=f"关于{month.year}年{month.month}月份重点任务落实情况的通报",
            number=f"{city.short_name or city.name[:2]}督通〔{month.year}〕{month.month}号",
        )  # fmt: skip
        services.generate(bulletin)
        services.publish(bulletin=bulletin, by=office)
    progress(f"bulletins: {bulletin.title}")
    return {"bulletins": 1}
