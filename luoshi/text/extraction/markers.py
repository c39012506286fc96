"""Deadlines (6月底前, 年底前, 一季度, 到2027年), cadences (一周一调度, 每月), named lists and task forces."""

from __future__ import annotations

import re
from collections.abc import Iterator

from luoshi.text.extraction.items import Item
from luoshi.text.extraction.numbers import decimal_text, read_number
from luoshi.text.extraction.text import Layout
from luoshi.text.extraction.vocab import COMMIT_HEADS

CN_MONTH = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
BEFORE = r"(?:前|以前|之前)"
YEAR_DEADLINE = re.compile(
    rf"(?P<to>到|至|于|在)?(?P<year>(?:19|20)\d{{2}})年"
    rf"(?P<part>(?:年)?底|末|[上下]半年|(?:第)?[一二三四1-4]季度|{CN_MONTH}月(?:底|末|中旬|上旬|下旬|份)?)?"
    rf"(?P<before>{BEFORE}|内)?"
)
OTHER_DEADLINE = re.compile(
    rf"(?<![\d年])(?:今年)?{CN_MONTH}月(?:底|末|中旬|下旬)?{BEFORE}"
    rf"|(?<![\d年])(?:今年)?{CN_MONTH}月(?:底|末)"
    rf"|(?:今年|本年)?年(?:底|末){BEFORE}?|今年(?:底|末|内)|年内"
    rf"|(?<![前每逐按一])(?:今年|本年)?(?:第)?[一二三四]季度(?:末|底)?{BEFORE}?"
    rf"|(?<![每逐按])(?:今年|本年)?[上下]半年{BEFORE}?"
    r"|长期(?:坚持|推进|执行)"
    r"|(?<![\d一二两三四五六七八九十])(?:\d{1,3}|[一二两三四五六七八九十]{1,3})个?(?:工作日|日|天|月|年)(?:内|以内|之内)"
)
NOT_A_DEADLINE_AFTER = re.compile(r"以来|同期|相比|的|是|比|工作|政府|—|-|至|到")


def _year_is_deadline(text: str, m: re.Match[str]) -> bool:
    part = m.group("part") or ""
    if m.group("to") or part or m.group("before"):
        if part.endswith(("月", "份")) and not (m.group("to") or m.group("before")):
            return False  # a month named in passing (2026年1月25日, 2025年6月), not a deadline
        return not NOT_A_DEADLINE_AFTER.match(text, m.end()) or bool(m.group("before"))
    after = text[m.end() : m.end() + 2]
    return after[:1] in ("，", ",") or after in COMMIT_HEADS


def _normalise_deadline(phrase: str) -> str:
    phrase = re.sub(r"^(?:到|至|于|在)(?=\d)", "", phrase)
    return phrase.replace("第", "", 1) if "季度" in phrase else phrase


def find_deadlines(text: str, layout: Layout) -> Iterator[Item]:
    for m in YEAR_DEADLINE.finditer(text):
        before = text[m.start() - 1 : m.start()] if m.start() else ""
        if (
            before.isdigit()
            or before in ("比", "较", "自", "从", "与", "同")
            or not _year_is_deadline(text, m)
        ):
            continue
        yield Item(
            kind="deadline",
            text=m.group(),
            start=m.start(),
            end=m.end(),
            deadline=_normalise_deadline(m.group()),
        )
    for m in OTHER_DEADLINE.finditer(text):
        yield Item(
            kind="deadline",
            text=m.group(),
            start=m.start(),
            end=m.end(),
            deadline=_normalise_deadline(m.group()),
        )


PERIOD = r"(?:日|天|周|旬|月|季度?|半年|年)"
ACTION = (
    r"(?:调度|汇报|通报|报告|督导|督查|督办|会商|研判|评估|检查|考核|点评|对账|盘点|排名|报送|总结|分析|例会|推进"
    r"|调研|复盘|约谈|巡查|小结)"
)
CADENCE = re.compile(
    rf"(?:[一两二三四五六七八九十半]|\d{{1,2}})个?{PERIOD}一(?:{ACTION}|[调报评考查督议会通检测])"
    rf"|(?<![一两二三四五六七八九十\d])每(?:个)?{PERIOD}度?{ACTION}?(?![\d一二两三四五六七八九十])"
    rf"|(?:按|逐)(?:日|周|旬|月|季度?)度?{ACTION}?"
    rf"|定期{ACTION}"
    rf"|(?<![今去明全本上下前后每按逐一两二三四五六七八九十\d])(?:周|月|季|年){ACTION}"
)


def find_cadences(text: str) -> Iterator[Item]:
    for m in CADENCE.finditer(text):
        phrase = m.group()
        if phrase.startswith("每") and text[m.start() - 1 : m.start()] == "人":
            continue  # 每人每月 is a rate per person, not a rhythm of work
        if phrase in ("每日", "每天"):
            continue  # a daily amount (每天体育活动2小时) more often than a rhythm of work
        yield Item(kind="cadence", text=m.group(), start=m.start(), end=m.end())


NAMED = re.compile(r"(?P<word>清单|专班|领导小组)(?![化式制])")
NAME_STOP = set("的和与及或并等在对将把为以从按向于之是了")
COUNT = re.compile(r"(?P<n>\d{1,4}|[一二两三四五六七八九十]{1,4})(?P<c>张|个|份|类|项|本|批|大)")
MAX_NAME = 12


def find_named(text: str) -> Iterator[Item]:
    """…清单 (lists) and …专班 / …领导小组 (task forces), named by the words before them."""
    for m in NAMED.finditer(text):
        word = m.group("word")
        kind = "list" if word == "清单" else "task_force"
        start = m.start()
        while start > 0 and m.start() - start < MAX_NAME:
            c = text[start - 1]
            if not ("\u4e00" <= c <= "\u9fff" or c.isdigit()) or c in NAME_STOP:
                break
            if m.start() - start >= 2 and text[start - 2 : start] in COMMIT_HEADS:
                break
            start -= 1
        name = text[start : m.start()]
        if word != "领导小组" and (len(name) < 2 or name[-2:] in COMMIT_HEADS):
            continue  # 实行清单管理, 列入清单: the bare word, not a named list
        value = unit = None
        if (count := COUNT.match(text, start)) and count.end() <= m.start():
            number = read_number(text, start)
            if number is not None:
                value, unit = decimal_text(number.value), count.group("c")
        yield Item(kind=kind, text=text[start : m.end()], start=start, end=m.end(), value=value, unit=unit)
