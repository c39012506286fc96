"""Repair damaged web text before extraction (DESIGN §3.1); plain Python, no Django.

`clean(text)` re-decodes out-of-step GBK mojibake (`cleaning.mojibake`), drops flattened ruby readings
that pypinyin confirms (`cleaning.ruby`), drops a stray half-width comma doubled before punctuation, moves
site boilerplate lines to a separate list, and with `simplified=True` converts to Simplified script
(`cleaning.script`). Every repair is counted; lost characters become U+FFFD, never a silent guess; the
result is a fixed point (cleaning it again changes nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from luoshi.text.cleaning import mojibake
from luoshi.text.cleaning.ruby import drop_readings
from luoshi.text.cleaning.script import to_simplified

__all__ = ["Cleaned", "clean"]

# A damaged text needs at most two passes (a repair can expose a reading); the cap only bounds odd input.
MAX_PASSES = 4


@dataclass(frozen=True)
class Cleaned:
    text: str  # the repaired text
    boilerplate: list[str] = field(default_factory=list)  # lines moved out of the text, in order
    repairs: dict[str, int] = field(default_factory=dict)  # "ruby", "comma", "mojibake", "lost"


# A half-width comma doubled before real punctuation (`,,` `,、` `,。` `,;`): the first one is stray.
STRAY_COMMA = re.compile(r",(?=[,，、。;；：？！])")

# -- boilerplate ---------------------------------------------------------------------------------------------

_CHROME_WORDS = frozenset(
    "下载 下載 打印 全屏 收藏 加大 还原 還原 减小 減小 】 分享 分享： 分享: "
    "打印本页 打印本頁 关闭窗口 關閉窗口 "
    "关闭 關閉 相关报道： 相關報道： 相关报道 相關報道 返回顶部 返回頂部 来源： 來源： 来源: 來源: "
    "【打印】 【关闭】 【關閉】 【打印本页】 【关闭窗口】 上一篇 下一篇".split()
)
_FONT_SIZE = re.compile(r"^【?\s*(字号|字號|字体|字體)\s*[:：]?")
_FONT_SIZE_ITEM = frozenset("大 中 小 加大 还原 還原 减小 減小 】 默认 默認 T".split())

_RULES = [
    # 来源 / 浏览次数 / 字号 headers, and bare datelines.
    re.compile(r"(来源|來源)\s*[:：].{0,60}(浏览|瀏覽|点击|點擊|阅读|閱讀|字号|字號|作者|编辑|編輯|打印)"),
    re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s+\d{1,2}[:：时時]\d{2}.{0,12}(来源|來源)"),
    re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s+\d{1,2}[:：时時]\d{2}([:：]\d{2}|分)?$"),
    re.compile(
        r"^(来源|來源|时间|時間|发布时间|發布時間|发布日期|發布日期|浏览次数|瀏覽次數|点击数|點擊數)\s*[:：].{0,30}$"
    ),
    re.compile(
        r"^[\[【(（]?\s*(责任编辑|責任編輯|责编|責編|编辑|編輯|审核|審核|校对|校對|终审|終審)\s*[:：]"
    ),
    # Copyright, disclaimers, filings, site credits.
    re.compile(
        r"版权所有|版權所有|版权声明|版權聲明|免责声明|免責聲明|copyright|all rights reserved|©",
        re.IGNORECASE,
    ),
    re.compile(r"ICP[备備证證]|备案号|備案號|公网安备|公網安備|(许可证|許可證)[^，。,]{0,12}\d{5,}"),
    re.compile(
        r"^(制作单位|製作單位|制作單位|主办单位|主辦單位|承办单位|承辦單位|技术支持|技術支持|主办|主辦|承办|承辦)\s*[:：]"
    ),
    re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]?.{0,20}(本网|本網|本站).{0,120}(转载|轉載|授权|授權|著作权|著作權|版权|版權)"),
]
_NAV_WORDS = re.compile(
    r"关于我们|關於我們|关于我们|聯系我們|聯繫我們|联系我们|网站地图|網站地圖|法律声明|法律聲明|隐私|隱私|"
    r"广告服务|廣告服務|服务协议|服務協議|招聘|首页|首頁|网站导航|網站導航"
)
_NAV_SEPARATORS = re.compile(r"[丨｜|]")
_HINT = re.compile(
    r"来源|來源|时间|時間|发布|發布|编辑|編輯|责编|責編|审核|審核|校对|校對|版权|版權|免责|免責|copyright|©|"
    r"ICP|备案|備案|许可证|許可證|制作|製作|主办|主辦|承办|承辦|技术支持|技術支持|本网|本網|本站|丨|｜|\||"
    r"字号|字號|字体|字體|\d{1,2}[:：时時]\d{2}",
    re.IGNORECASE,
)
MAX_BOILERPLATE_LINE = 300


def _is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_BOILERPLATE_LINE:
        return False
    if stripped in _CHROME_WORDS:
        return True
    if not _HINT.search(stripped):
        return False
    if any(rule.search(stripped) for rule in _RULES):
        return True
    # Navigation: short items between separators, at least two of them a site's usual link words.
    items = [item for item in _NAV_SEPARATORS.split(stripped) if item.strip()]
    return len(items) >= 3 and len(_NAV_WORDS.findall(stripped)) >= 2 and len(stripped) / len(items) <= 12


def _mark_boilerplate(lines: list[str]) -> list[bool]:
    marks = [_is_boilerplate(line) for line in lines]
    # The font-size switch spreads over several one-word lines: 【字号：/ 大 / 中 / 小 / 】.
    for k, line in enumerate(lines):
        if marks[k] or not _FONT_SIZE.match(line.strip()) or len(line.strip()) > 20:
            continue
        marks[k] = True
        for j in range(k + 1, min(k + 8, len(lines))):
            if lines[j].strip() not in _FONT_SIZE_ITEM:
                break
            marks[j] = True
            if lines[j].strip() == "】":
                break
    return marks


def split_boilerplate(text: str) -> tuple[str, list[str]]:
    """Move boilerplate lines out of the text; blank lines around them collapse to one (none at the ends)."""
    if not _HINT.search(text) and not any(word in text for word in ("下载", "打印", "全屏", "收藏", "分享")):
        return text, []
    lines = text.splitlines(keepends=True)
    marks = _mark_boilerplate(lines)
    if not any(marks):
        return text, []
    kept: list[str] = []
    moved: list[str] = []
    k = 0
    while k < len(lines):
        if not marks[k] and lines[k].strip():
            kept.append(lines[k])
            k += 1
            continue
        # A gap: blank and boilerplate lines in a row.
        end = k
        while end < len(lines) and (marks[end] or not lines[end].strip()):
            end += 1
        gap = range(k, end)
        if not any(marks[j] for j in gap):
            kept.extend(lines[k:end])
        else:
            moved.extend(lines[j].strip() for j in gap if marks[j])
            blanks = [lines[j] for j in gap if not marks[j]]
            if blanks and kept and end < len(lines):
                kept.append(blanks[0])
        k = end
    return "".join(kept), moved


# -- the cleaner ---------------------------------------------------------------------------------------------


def _repair_once(text: str, fold: bool, repairs: dict[str, int]) -> str:
    text, runs, lost = mojibake.repair(text, fold_fullwidth=fold)
    text, ruby = drop_readings(text)
    text, comma = STRAY_COMMA.subn("", text) if "," in text else (text, 0)
    repairs["mojibake"] += runs
    repairs["lost"] += lost
    repairs["ruby"] += ruby
    repairs["comma"] += comma
    return text


def _repair(text: str, fold: bool, repairs: dict[str, int]) -> str:
    """Repeat the repairs until none applies (one repair can expose another, such as a reading)."""
    for _ in range(MAX_PASSES):
        before = sum(repairs.values())
        text = _repair_once(text, fold, repairs)
        if sum(repairs.values()) == before:
            break
    return text


def clean(text: str, *, simplified: bool = False) -> Cleaned:
    """Repair `text`, counting each repair; move boilerplate lines out; optionally convert to Simplified."""
    repairs = {"ruby": 0, "comma": 0, "mojibake": 0, "lost": 0}
    # Re-decoded full-width forms follow the document's own habit (the corpus folded them to ASCII); the
    # stray commas doubled before punctuation are damage, not habit.
    fold = text.count(",") - len(STRAY_COMMA.findall(text)) > text.count("，")
    text = _repair(text, fold, repairs)
    if simplified:
        # Conversion can turn a span that was left alone into one that now reads as damage; repairing the
        # converted text too keeps the result a fixed point of clean(…, simplified=True).
        for _ in range(MAX_PASSES):
            converted = to_simplified(text)
            text = _repair(converted, fold, repairs)
            if text == converted:
                break
    text, boilerplate = split_boilerplate(text)
    return Cleaned(text=text, boilerplate=boilerplate, repairs=repairs)
