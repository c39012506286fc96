"""Advisory flags on a progress report (进展报告) for the reviewer: copied, empty of facts, or all slogans.

DESIGN §3 asks the report check to catch 表面化、概念化、程式化 reports. Three flags, each a code with the
measure behind it and the numbers a reason is worded from (the app words it in the reader's language):

- ``near_duplicate``: the wording is nearly last cycle's. Numbers are masked before comparing, so a report
  that only moves its figures ("累计完成投资2.3亿元" → "2.5亿元") is still flagged: reviewers care about
  copy-pasted narrative, and a number change alone says nothing about what was done. A report whose
  figures moved *and* that says what was done this cycle differs in wording and is not flagged. Last
  cycle's text pasted whole with a line or a paragraph added is flagged too (by the share of it repeated).
  Numbers: ``similarity`` (the score) and ``repeated``, the share of last cycle's wording found again.
- ``no_facts``: nothing a reviewer could check — no number with a unit or measure word, no concrete date,
  no named document or project, no completed result (竣工、签约、印发…). No numbers.
- ``slogans``: a large share of the wording is stock phrasing (listed phrases, 四字格 stacks, and fact-free
  clauses opened by an exhortation verb: 坚持…、强化…、确保…), and facts are sparse. Numbers: ``share``
  of the wording in stock phrasing (the score) and ``facts``, the clauses that state one.

Relative times (本周、近日、截至目前) and bare deadlines (年底前) are not counted as dates: every weekly
report says 本周, and a deadline is a promise, not something done.

Plain Python, no Django import (STYLE §1).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

# Jaccard similarity of 3-/4-character shingles at or above which a report repeats the previous one.
# If a report keeps last cycle's text and replaces a share x of it, J ≈ (1 - x) / (1 + x): 0.8 means about
# a tenth of the wording is new — a copy with touch-ups, not a new account of the cycle's work.
NEAR_DUPLICATE_THRESHOLD = 0.8
# Share of last cycle's shingles found again in this report at or above which the report repeats it even
# when something was added (last week's text pasted whole, plus a closing line or a paragraph).
REPEATED_SHARE_THRESHOLD = 0.9

# A report is slogan-heavy when at least a quarter of its characters sit in stock phrases (the list below
# is compact, so the share it measures is a lower bound of the real stock wording), at least two separate
# stock phrases occur (one phrase is phrasing, not a pattern), and fewer than two clauses per hundred
# characters state a fact (a factual report states roughly one checkable fact per 30–50 characters).
SLOGAN_SHARE_THRESHOLD = 0.25
SLOGAN_MIN_HITS = 2
SLOGAN_FACT_DENSITY_CEILING = 2.0  # facts per 100 content characters

MINHASH_PERMUTATIONS = 256
MINHASH_SEED = 1
SHINGLE_SIZES = (3, 4)


@dataclass(frozen=True)
class Flag:
    """One advisory flag on a report: its code, the measure behind it, and the numbers its reason needs.

    No sentence: a stored sentence would be in one language, and the reviewer reads their own.
    """

    code: str  # "near_duplicate" | "no_facts" | "slogans"
    score: float
    numbers: dict[str, float] = field(default_factory=dict)  # named, rounded to three places


# --- normalising and similarity -------------------------------------------------------------------

_ARABIC_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _normalise(text: str, *, mask_numbers: bool) -> str:
    """Fold width and case, drop whitespace, punctuation and symbols; optionally mask Arabic numbers."""
    text = unicodedata.normalize("NFKC", text).lower()
    if mask_numbers:
        text = _ARABIC_NUMBER.sub("0", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")


def _shingles(text: str) -> set[str]:
    if not text:
        return set()
    if len(text) < min(SHINGLE_SIZES):
        return {text}
    return {f"{k}:{text[i : i + k]}" for k in SHINGLE_SIZES for i in range(len(text) - k + 1)}


_EMPTY: list[MinHash] = []


def _minhash(shingles: set[str]) -> MinHash:
    """The shingles' MinHash, from a copy of an empty one made once per process: the permutations come from
    the fixed seed, and drawing them again took half of each MinHash's time (a report's submit makes two)."""
    if not _EMPTY:
        # Imported on first use: datasketch brings scipy, about 0.4 s that a process should not pay to start.
        from datasketch import MinHash

        _EMPTY.append(MinHash(num_perm=MINHASH_PERMUTATIONS, seed=MINHASH_SEED))
    m = _EMPTY[0].copy()
    m.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    return m


def similarity(a: str, b: str, *, mask_numbers: bool = True) -> float:
    """Estimate the Jaccard similarity of two texts' character 3-/4-gram shingles with MinHash.

    Whitespace, punctuation and width are normalised; with ``mask_numbers`` every Arabic number counts as
    the same token, so only the wording is compared. Two empty texts are identical (1.0); an empty and a
    non-empty text share nothing (0.0). Deterministic: the permutations come from a fixed seed.
    """
    return _compare(a, b, mask_numbers=mask_numbers)[0]


def repeated_share(text: str, previous: str) -> float:
    """Estimate the share of ``previous``'s shingles that occur again in ``text`` (numbers masked)."""
    return _compare(text, previous, mask_numbers=True)[1]


def _compare(a: str, b: str, *, mask_numbers: bool) -> tuple[float, float]:
    """Return the MinHash Jaccard estimate of a and b, and the estimated share of b's shingles in a."""
    sa = _shingles(_normalise(a, mask_numbers=mask_numbers))
    sb = _shingles(_normalise(b, mask_numbers=mask_numbers))
    if not sa or not sb:
        return (1.0, 1.0) if sa == sb else (0.0, 0.0)
    jaccard = float(_minhash(sa).jaccard(_minhash(sb)))
    # |A ∩ B| = J (|A| + |B|) / (1 + J); the set sizes are known exactly, only J is estimated.
    shared = jaccard * (len(sa) + len(sb)) / (1 + jaccard)
    return jaccard, min(1.0, shared / len(sb))


# --- facts ------------------------------------------------------------------------------------------

# Measure words and units that turn a numeral into a quantity (五项、3家、2.3亿元、12个、11月20日).
_UNITS = (
    "个百分点|百分点|平方米|平方公里|公里|千米|公顷|立方米|千瓦|兆瓦|万元|亿元|万人|人次|户次|件次|批次|"
    "小时|分钟|周岁|学时|课时|床位|"
    "个|家|项|处|座|所|次|场|份|名|人|户|宗|件|条|台|套|栋|间|张|本|篇|期|轮|组|支|辆|艘|株|棵|头|只|吨|"
    "米|亩|元|万|亿|倍|天|日|周|月|年|岁|床|部|村|镇|笔|起|单|种|类|届|所|班|%|％"
)
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
# A digit glued to one capital letter names a thing (5G网络, 4A级景区, 3D打印), it does not count one.
_ARABIC_QUANTITY = re.compile(
    r"(?<!\d)\d+(?:[.,]\d+)*(?!\d)(?![A-Z](?![A-Za-z]))\s*(?:余|多)?\s*(?:" + _UNITS + ")?"
)
# A list marker ("1." "2、" "（3）") numbers the report's own paragraphs; it is not a fact.
_LIST_MARKER = re.compile(r"(?:^|(?<=[\n。；;：:，,\s]))[(（]?\d{1,2}[.、．)）](?!\d)")
_CN_QUANTITY = re.compile(r"[" + _CN_DIGITS + r"]+(?:余|多)?(?:" + _UNITS + ")")
# Numerals inside set phrases and political formulas are not quantities of anything done.
_CN_NUMERAL_STOCK = re.compile(
    r"进一步|一步|一次性|一件事一次办|一个都不能少|一体化|一把手|一盘棋|一张蓝图|一以贯之|一抓到底|"
    r"第一时间|一线|一批|一些|一系列|一定|四个意识|四个自信|四个全面|两个维护|两个确立|三个代表|"
    r"五位一体|两不愁三保障|三保障|一岗双责|十四五|十五五|三农|五年规划|"
    r"[一二]?十[一二三四五六七八九]?(?:届|大)|[一二三四五六七八九]中全会"
)
# A named document or project: 《…》, or a quoted name of something built or launched.
_NAMED_DOCUMENT = re.compile(r"《[^《》\n]{2,40}》")
_NAMED_PROJECT = re.compile(
    r"[“\"「][^”\"」\n]{2,20}[”\"」](?=项目|工程|平台|系统|小程序|专区|基地|中心|园区|工作站|驿站|服务站|专线)"
)
# A result that happened: completed acceptance, signing, groundbreaking, completion, going live …
_RESULT = re.compile(
    r"完成[^，。；;,\n]{0,15}?验收|通过[^，。；;,\n]{0,6}?验收|竣工|投产|投运|开工|签约|签订|揭牌|挂牌|"
    r"上线|开通|印发|出台|办结|交付|封顶|并网|通车|拨付|兑付|开业|立项|获批|批复|建成|结案|销号"
)
# … unless the sentence only promises it.
_FUTURE_MARKER = re.compile(r"将|拟|计划|力争|争取|确保|推动|加快|推进|尽快|准备|待|预计|未")
_CLAUSE_BREAK = re.compile(r"[，。；;,！!？?:：\n]")


def _fact_spans(text: str) -> list[tuple[int, int]]:
    text = unicodedata.normalize("NFKC", text)
    spans: list[tuple[int, int]] = []
    blocked = [m.span() for m in _LIST_MARKER.finditer(text)]
    blocked += [m.span() for m in _CN_NUMERAL_STOCK.finditer(text)]

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in blocked)

    for pattern in (_ARABIC_QUANTITY, _CN_QUANTITY, _NAMED_DOCUMENT, _NAMED_PROJECT):
        spans += [m.span() for m in pattern.finditer(text) if free(*m.span())]
    for m in _RESULT.finditer(text):
        # The same clause, up to ten characters back ("力争年底前开工", "将于下周签约").
        before = _CLAUSE_BREAK.split(text[max(0, m.start() - 10) : m.start()])[-1]
        if not _FUTURE_MARKER.search(before):
            spans.append(m.span())
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def count_facts(text: str) -> int:
    """Count the clauses of a report that state something checkable.

    A clause (between commas, semicolons or full stops) counts once however many quantities, dates, named
    documents or results it holds: "本周签约项目1个" is one fact, not two.
    """
    text = unicodedata.normalize("NFKC", text)
    clauses = {len(_CLAUSE_BREAK.findall(text, 0, start)) for start, _ in _fact_spans(text)}
    return len(clauses)


# --- slogans -----------------------------------------------------------------------------------------

# Stock phrases of 表面化、概念化、程式化 reporting. Compact on purpose: each is common in empty reports
# and says nothing checkable on its own.
STOCK_PHRASES = (
    "高度重视", "认真贯彻", "扎实推进", "狠抓落实", "抓好落实", "抓实抓细", "落细落实",
    "取得明显成效", "取得积极成效", "取得显著成效", "取得新成效", "取得实效", "确保取得实效", "务求实效",
    "进一步加强", "进一步提高", "进一步提升", "进一步强化", "全面提升", "积极推动", "积极推进",
    "稳步推进", "有序推进", "强力推进", "精心组织", "精心部署", "周密部署", "统筹谋划", "高位推动",
    "强化责任担当", "压实责任", "压紧压实", "持续发力", "久久为功", "多措并举", "齐抓共管", "常抓不懈",
    "形成合力", "工作合力", "营造良好氛围", "浓厚氛围", "不断完善", "不断提升", "落地见效", "走深走实",
    "提质增效", "担当作为", "真抓实干", "攻坚克难", "履职尽责", "提高政治站位", "思想认识", "统一思想",
    "组织领导", "有力保障", "坚强保障", "全力以赴", "持之以恒", "各项工作",
)  # fmt: skip
_STOCK = re.compile("|".join(sorted(map(re.escape, STOCK_PHRASES), key=len, reverse=True)))
# 四字格 stacking: three or more four-character phrases in a row ("统筹谋划、精心组织、强力推进").
_FOUR_CHAR_STACK = re.compile(
    r"(?<![\u4e00-\u9fff])(?:[\u4e00-\u9fff]{4}[、，,]){2,}[\u4e00-\u9fff]{4}(?![\u4e00-\u9fff])"
)
# A 程式化 clause: an exhortation verb opens it (after the reporting unit, if named) and it states nothing
# checkable — "坚持人民至上", "强化日常监管", "确保安全度汛", "深入贯彻落实……精神". The same verbs open
# factual clauses too ("强化巡查，发现问题6个"), which is why a clause with a fact in it never counts.
_STOCK_CLAUSE = re.compile(
    r"(?:^|(?<=[，。；：、,;:!?！？\n]))\s*(?:我局|我县|我镇|我村|我区|我委|我中心|我大队|我们|各乡镇)?"
    r"(?:[一二三四五六七八九十]是|首先|其次)?"
    r"(?:坚持|坚决|始终|牢固树立|树立|深入|认真|切实|持续|不断|强化|加强|全面|全力|积极|着力|扎实|进一步|"
    r"确保|推动|压实|筑牢|营造|凝聚|聚焦|紧紧围绕|围绕|锚定|贯彻|注重|狠抓|做好|主动|努力)[^，。；：、,;:!?！？\n]*"
)


def _content_length(text: str) -> int:
    return len(_normalise(text, mask_numbers=False))


def slogan_share(text: str) -> tuple[float, int]:
    """Return the share of content characters in stock phrasing, and the number of stock hits."""
    text = unicodedata.normalize("NFKC", text)
    facts = _fact_spans(text)
    covered: set[int] = set()
    hits = 0
    for pattern in (_STOCK, _FOUR_CHAR_STACK, _STOCK_CLAUSE):
        for m in pattern.finditer(text):
            start, end = m.span()
            if pattern is _STOCK_CLAUSE and any(s < end and start < e for s, e in facts):
                continue
            new = set(range(start, end)) - covered
            if new:
                hits += 1
                covered |= new
    content = _content_length(text)
    in_stock = sum(1 for i in covered if unicodedata.category(text[i])[0] not in "PSZC")
    return (in_stock / content if content else 0.0), hits


# --- the check -------------------------------------------------------------------------------------------


def check_report(text: str, *, previous: str | None = None) -> list[Flag]:
    """Return the advisory flags for a report, given the same task's previous report if there is one."""
    flags: list[Flag] = []
    if (
        previous is not None
        and _normalise(text, mask_numbers=True)
        and _normalise(previous, mask_numbers=True)
    ):
        score, repeated = _compare(text, previous, mask_numbers=True)
        if score >= NEAR_DUPLICATE_THRESHOLD or repeated >= REPEATED_SHARE_THRESHOLD:
            numbers = {"similarity": round(score, 3), "repeated": round(repeated, 3)}
            flags.append(Flag("near_duplicate", score, numbers))

    facts = count_facts(text)
    if facts == 0:
        flags.append(Flag("no_facts", 0.0))

    share, hits = slogan_share(text)
    content = _content_length(text)
    density = 100 * facts / content if content else 0.0
    if share >= SLOGAN_SHARE_THRESHOLD and hits >= SLOGAN_MIN_HITS and density < SLOGAN_FACT_DENSITY_CEILING:
        flags.append(Flag("slogans", round(share, 3), {"share": round(share, 3), "facts": facts}))
    return flags
