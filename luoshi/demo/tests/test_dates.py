import datetime as dt

from luoshi.demo import loader


def test_the_demo_dates_move_with_the_calendar():
    assert loader.shift("2026-06-30", 1) == dt.date(2027, 6, 30)
    assert loader.shift("2028-02-29", 1) == dt.date(2029, 2, 28)
    assert loader.shift("2026-12-31", 0) == dt.date(2026, 12, 31)
