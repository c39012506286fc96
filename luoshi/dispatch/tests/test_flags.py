"""Report-quality flags are stored as codes and numbers and read in the reviewer's own language."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from luoshi.dispatch import services
from luoshi.dispatch.flags import flag_reason
from luoshi.dispatch.models import Report
from luoshi.dispatch.services import ReportData
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
SLOGANS = ReportData(percent=50, progress="高度重视，精心组织，扎实推进，狠抓落实，取得明显成效。")


@pytest.fixture
def flagged(city):
    """A report of pure slogans, sent by the county liaison: flagged `no_facts` and `slogans`."""
    task = make_task(city, title="青山县的厂房建设", lead_unit=city.qingshan)
    cadence = make_weekly_cadence(city)
    cycle = services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))
    return services.submit_report(
        report=Report.objects.get(task=task, cycle=cycle),
        by=city.county_liaison,
        data=SLOGANS,
        expected_version=1,
        idempotency_key="slogans",
    )


def page_in(client, city, report, language):
    client.force_login(city.city_supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(f"/reports/{report.pk}/").content.decode()


def test_a_flag_is_stored_as_a_code_and_numbers_without_a_sentence(flagged):
    by_code = {flag["code"]: flag for flag in flagged.quality_flags}
    assert by_code["no_facts"] == {"code": "no_facts", "score": 0.0}
    assert set(by_code["slogans"]) == {"code", "score", "share", "facts"}
    assert by_code["slogans"]["facts"] == 0 and 0.5 < by_code["slogans"]["share"] <= 1


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("en", ["Stock phrasing makes up about", "No concrete number, date, quantity or result."], "口号"),
        ("zh-hant", ["口號式表述佔比高（約", "未包含具體數字、日期、數量或成果。"], "口号"),
        ("zh-hans", ["口号式表述占比高（约", "未包含具体数字、日期、数量或成果。"], "Stock phrasing"),
    ],
)
def test_a_reviewer_reads_the_flags_in_their_own_language(client, city, flagged, language, expected, absent):
    page = page_in(client, city, flagged, language)
    share = round(100 * next(f["share"] for f in flagged.quality_flags if f["code"] == "slogans"))
    for words in expected:
        assert words in page, words
    assert f"{share}%" in page
    assert absent not in page


def test_a_flag_stored_with_a_chinese_reason_still_reads_in_english(client, city, flagged):
    old = [
        {"code": "near_duplicate", "reason": "与上期报告高度相似（不计数字变化，相似度0.93）", "score": 0.93},
        {"code": "retired_check", "reason": "一条旧的提示", "score": 0.5},
    ]
    Report.objects.filter(pk=flagged.pk).update(quality_flags=old)
    page = page_in(client, city, flagged, "en")
    assert "Much of the wording repeats the previous report." in page
    assert "与上期报告高度相似" not in page
    assert "一条旧的提示" in page  # a code no longer known keeps the words it was stored with


@pytest.mark.parametrize(
    ("flag", "english", "chinese"),
    [
        (
            {"code": "near_duplicate", "score": 0.712, "similarity": 0.712, "repeated": 0.934},
            "About 93% of the previous report's wording recurs in this one (numbers aside; similarity 0.71).",
            "上期报告内容约93%在本期重复出现（不计数字变化，相似度0.71）。",
        ),
        (
            {"code": "slogans", "score": 0.4, "share": 0.4, "facts": 1},
            "Stock phrasing makes up about 40% of the wording, with 1 concrete fact.",
            "口号式表述占比高（约40%，具体事实1处）。",
        ),
        (
            {"code": "slogans", "score": 0.62, "share": 0.62, "facts": 0},
            "Stock phrasing makes up about 62% of the wording, with 0 concrete facts.",
            "口号式表述占比高（约62%，具体事实0处）。",
        ),
        (
            {"code": "no_facts", "score": 0.0},
            "No concrete number, date, quantity or result.",
            "未包含具体数字、日期、数量或成果。",
        ),
        (  # stored before flags carried their numbers
            {"code": "slogans", "reason": "口号式表述占比高（约62%，具体事实0处）", "score": 0.62},
            "Mostly stock phrasing, with few concrete facts.",
            "口号式表述占比高，具体事实较少。",
        ),
    ],
)
def test_each_flag_is_worded_from_its_numbers(flag, english, chinese):
    with translation.override("en"):
        assert flag_reason(flag) == english
    with translation.override("zh-hans"):
        assert flag_reason(flag) == chinese
