import datetime as dt

from luoshi.demo import loader


def test_the_demo_dates_move_with_the_calendar():
    assert loader.shift("2026-06-30", 1) == dt.date(2027, 6, 30)
    assert loader.shift("2028-02-29", 1) == dt.date(2029, 2, 28)
    assert loader.shift("2026-12-31", 0) == dt.date(2026, 12, 31)


def test_the_city_closes_last_years_plan_while_it_still_has_work_due():
    assert loader.plan_years(dt.date(2026, 11, 21)) == [2026]
    assert loader.plan_years(dt.date(2027, 1, 1)) == [2026, 2027]
    assert loader.plan_years(dt.date(2027, 6, 30)) == [2026, 2027]
    assert loader.plan_years(dt.date(2027, 7, 1)) == [2027]
