import datetime as dt

import pytest

from luoshi.text.dates import deadline_date


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("6月底前", dt.date(2026, 6, 30)),
        ("十月底前", dt.date(2026, 10, 31)),
        ("年底前", dt.date(2026, 12, 31)),
        ("年内", dt.date(2026, 12, 31)),
        ("一季度", dt.date(2026, 3, 31)),
        ("第三季度", dt.date(2026, 9, 30)),
        ("上半年", dt.date(2026, 6, 30)),
        ("2027年6月底前", dt.date(2027, 6, 30)),
        ("到2027年", dt.date(2027, 12, 31)),
        ("2月底前", dt.date(2026, 2, 28)),
        ("长期坚持", None),
        ("", None),
        (None, None),
    ],
)
def test_deadline_phrases_become_dates(phrase, expected):
    assert deadline_date(phrase, year=2026) == expected
