"""Quantities in Chinese text: a number (Arabic or Chinese numerals, 百分之…), a range, a unit.

The value is normalised to Arabic digits as a string; a magnitude word stays in the unit as written, so
"85万人" and "八十五万人" both give ("85", "万人"), and "4.5%—5%" gives ("4.5—5", "%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

CN_DIGITS = "零〇一二两三四五六七八九十"
CN_CHARS = CN_DIGITS + "百千万亿点"
NUMBER = re.compile(rf"(百分之)?(\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_CHARS}]+)")
MAGNITUDE = re.compile(r"万亿|亿|千万(?!瓦|米|克)|百万|万")
MAGNITUDE_VALUE = {"万亿": 10**12, "亿": 10**8, "千万": 10**7, "百万": 10**6, "万": 10**4}
APPROX = re.compile(r"[多余]")
# Measures: any number may carry them. Counters (个, 项, 家…) only with Arabic digits or a magnitude,
# because Chinese numerals before a counter are mostly names and slogans (三个方面, 四个出新出彩).
MEASURES = (
    "%|％|‰|个百分点|百分点|倍|微克|毫克|立方米|平方公里|平方千米|平方米|公顷|亩|公里|千米|米|千瓦时|千瓦|兆瓦"
    "|吉瓦|吨标准煤|吨|公斤|千克|斤|美元|欧元|元|人次|人|户|岁|批次|场次|架次|班次|车次|航次|标箱|个工作日|工作日|小时|分钟|天|GW|MW|kW|TEU"
)
COUNTERS = (
    "个|项|家|所|座|套|张|辆|台|艘|架|头|只|株|棵|间|栋|幢|件|处|条|批|宗|颗|部|场|次|名|支|篇|种|类|款|例|列"
)
PER = r"(?:[/／](?:万亿|百亿|亿|千万|百万|万)?(?:平方米|立方米|千瓦时|小时|人|户|月|年|天|日|吨|亩|元))?"
UNIT = re.compile(rf"(?:(?P<measure>{MEASURES})|(?P<counter>{COUNTERS})){PER}")
RANGE_SEP = re.compile(r"\s*(?:—{1,2}|–|-|－|~|～|〜|至|到)\s*")
POST_QUALIFIER = re.compile(r"及以上|以上|以内|以下|左右|上下|之内|之上")
PERCENT_SIGNS = {"％": "%"}
MAX_NUMBER_CHARS = 24


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int  # after the unit, before any qualifier
    value: str
    unit: str
    chinese: bool
    counter: bool  # the unit is a counter (个, 项 …) rather than a measure
    qualifier: str | None  # 左右 / 以上 / … written right after, or 多 / 余
    qualifier_end: int


def decimal_text(d: Decimal) -> str:
    return format(d.normalize(), "f")


@lru_cache(maxsize=4096)
def _chinese_value(token: str) -> Decimal | None:
    try:
        import cn2an  # imported on first use: it takes a fifth of a second to load

        return Decimal(str(cn2an.cn2an(token, "normal")))
    except Exception:  # cn2an raises ValueError and others on numerals it cannot read
        return None


@dataclass(frozen=True)
class _Number:
    start: int
    end: int
    value: Decimal
    magnitude: str
    chinese: bool
    percent: bool


def read_number(text: str, pos: int) -> _Number | None:
    m = NUMBER.match(text, pos)
    if not m:
        return None
    percent = bool(m.group(1))
    token = m.group(2)
    if len(token) > MAX_NUMBER_CHARS:
        return None  # no plan writes a number this long: a run of digits or numerals is something else
    start, end = m.start(), m.end()
    if token[0].isdigit():
        try:
            value = Decimal(token.replace(",", ""))
        except InvalidOperation:
            return None
        chinese = False
        magnitude = ""
        if (mm := MAGNITUDE.match(text, end)) and not percent:
            magnitude, end = mm.group(), mm.end()
    else:
        # A Chinese run starts at its first digit and must not swallow the 千 of 千瓦/千米/千克.
        token_start = m.start(2)
        lead = 0 if percent else len(token) - len(token.lstrip("百千万亿点"))
        token_start += lead
        start = token_start if lead else start
        token = token[lead:].rstrip("点")
        after = text[token_start + len(token) : token_start + len(token) + 1]
        if token.endswith("千") and after and after in "瓦米克":
            token = token[:-1]
        if not token or token[0] not in CN_DIGITS:
            return None
        end = token_start + len(token)
        magnitude = ""
        if not percent:
            magnitude = next(
                (w for w in ("万亿", "亿", "万") if token.endswith(w) and len(token) > len(w)), ""
            )
        value_or_none = _chinese_value(token)
        if value_or_none is None:
            return None
        value = value_or_none / MAGNITUDE_VALUE[magnitude] if magnitude else value_or_none
        chinese = True
    return _Number(start, end, value, magnitude, chinese, percent)


def _read_unit(text: str, pos: int, number: _Number) -> tuple[str, bool, int, str | None]:
    """(unit, is_counter, end, approx) after a number; unit "" when none is written."""
    approx = None
    if m := APPROX.match(text, pos):
        approx, pos = m.group(), m.end()
    if number.percent:
        return "%", False, pos, approx
    m = UNIT.match(text, pos)
    if not m:
        return number.magnitude, False, pos, approx
    unit = PERCENT_SIGNS.get(m.group(), m.group())
    return number.magnitude + unit, bool(m.group("counter")), m.end(), approx


def scan_quantities(text: str) -> list[Quantity]:
    """Every number in `text` with what follows it; callers decide which are targets."""
    found: list[Quantity] = []
    pos = 0
    while m := NUMBER.search(text, pos):
        first = read_number(text, m.start())
        if first is None:
            pos = m.end()
            continue
        unit, counter, end, approx = _read_unit(text, first.end, first)
        value = decimal_text(first.value)
        chinese = first.chinese
        if (sep := RANGE_SEP.match(text, end)) and (second := read_number(text, sep.end())):
            unit2, counter2, end2, approx2 = _read_unit(text, second.end, second)
            bare_first = not unit or unit == first.magnitude
            if not unit2 and first.percent and second.chinese and not second.magnitude:
                unit2 = "%"  # 百分之四点五至五
            if unit2 and (unit == unit2 or (bare_first and not first.percent)):
                value = f"{value}—{decimal_text(second.value)}"
                unit, counter, end, approx = unit2, counter2, end2, approx2
                chinese = chinese or second.chinese
        qualifier, qualifier_end = approx, end
        if q := POST_QUALIFIER.match(text, end):
            qualifier, qualifier_end = q.group(), q.end()
        found.append(Quantity(first.start, end, value, unit, chinese, counter, qualifier, qualifier_end))
        pos = max(end, m.end(), first.start + 1)
    return found
