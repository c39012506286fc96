import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.plans import services
from luoshi.plans.history import task_history
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task


def edit_milestone(city, task, times):
    milestone = task.milestones.get()
    for day in range(1, times + 1):
        services.update_milestone(
            milestone=milestone,
            by=city.city_supervisor,
            title="完成主体工程",
            due=dt.date(2026, 6, day),
            expected_progress=60,
        )


def history_queries(task):
    with CaptureQueriesContext(connection) as queries:
        entries = task_history(task)
    return entries, [q["sql"] for q in queries.captured_queries]


def test_a_tasks_history_is_one_query_on_the_subject_however_long_it_is(city):
    short = make_task(city, milestones=[MilestoneSpec("完成主体工程", dt.date(2026, 6, 30), 60)])
    long = make_task(city, milestones=[MilestoneSpec("完成主体工程", dt.date(2026, 6, 30), 60)])
    edit_milestone(city, short, 1)
    edit_milestone(city, long, 20)
    services.update_task(
        task=long, by=city.city_supervisor, expected_version=long.version, changes={"lead_unit": city.baisha}
    )

    short_entries, short_sql = history_queries(short)
    long_entries, long_sql = history_queries(long)

    assert (len(short_entries), len(long_entries)) == (3, 23)
    assert [(c.before, c.after) for c in long_entries[0].changes] == [("青山县", "白沙县")]
    # One query for the events, then one for the units they name, whatever the number of events.
    assert len(long_sql) == len(short_sql) == 2
    events = long_sql[0]
    assert "subject_type" in events and "subject_id" in events
    assert '"after"' not in events.split("FROM", 1)[1]  # no scan of the snapshots
