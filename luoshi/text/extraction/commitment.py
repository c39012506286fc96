"""Does a drafted item commit someone to something? The default that decides which rows start kept.

An item starts kept only when it reads as a commitment (DESIGN §3, issue 10): a quantitative target, a
deadline, a named owner with a task, or a measure — an action verb with a concrete object. Framing,
slogans, past results, fragments and headings start dropped and are shown folded, never removed.

Each rule is a general property of how Chinese plans are written, not a list of sentences:
- **past**: a paragraph that opens by looking back (这五年，… / 过去一年，… / 五年来) reports
  results, even inside a forward-looking part (the 十四五 figures before the 十五五 goals); so do
  sentences with 已建成 / 已完成 / 实现了;
- **framing**: guiding principles (坚持… / 贯彻… / 以…为指导), statements about the report itself (总的要求是,
  意义重大), and the glossary notes at the end of a report (`5.稳增长“18”条：…`);
- **heading**: the first sentence of a paragraph that opens with an enumerator (（一）, 一、,
  一是), except a later clause of it that counts or dates its work, or a short lead sentence
  (≤ 20 characters, no number) that the rest of its paragraph spells out;
- **fragment**: a span cut before its object (打造40个吸引力强, 改造2.5万套（间）…), or ending on
  a conjunction or a copula (…和, 总的要求是);
- **slogan**: exhortation (必须…, 我们要…, 努力…), 更好 + a verb, an object that is a quality of everything
  (…水平, …能力, …活力, …新局面) or the whole of government's purpose (高质量发展, 民生, 内需), with nothing
  concrete in it (no number, no named programme in quotation marks, no concrete noun such as 工程 or 条例).
What remains is kept: target (a number with a unit), deadline, owner (a unit or 各地/各部门 + 要), measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from luoshi.text.extraction.numbers import COUNTERS, MEASURES
from luoshi.text.extraction.text import Layout, skip_lead


def trie(words: list[str]) -> str:
    """One regular expression for a list of literal words, shared prefixes factored out and the longest
    word preferred: Python's `re` tries alternatives one by one, a trie reads each character once."""
    root: dict[str, Any] = {}
    for word in set(words):
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(root)


def _trie_pattern(node: dict[str, Any]) -> str:
    end = "" in node
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else "(?:" + "|".join(branches) + ")"
    return body + "?" if end else body


KEPT_REASONS = ("target", "deadline", "owner", "measure")
DROPPED_REASONS = ("past", "framing", "heading", "fragment", "slogan")

# --- past -------------------------------------------------------------------------------------------------
# A paragraph that opens by looking back over a period: 这五年，我们… / 过去一年 / 五年来 / …是极不平凡的五年.
PAST_PARAGRAPH = re.compile(
    r"[^，。,\n]{0,12}?(?:(?:这|过去|近)[一两二三四五六七八九十\d]{1,2}年|[一两二三四五六七八九十\d]{1,2}年来|极不平凡)"
)
PAST_SENTENCE = re.compile(r"已经|已(?:建成|完成|实现|达到?)|实现了|取得了|(?<![为除])了(?![解])")

# --- framing ----------------------------------------------------------------------------------------------
# Verbs of principle and allegiance: what guides the work, not the work.
FRAMING_HEAD = re.compile(
    r"(?:深入|全面|认真|完整准确全面|坚定不移|坚定|始终|坚决|大力)?"
    r"(?:坚持(?!开展|实施|推进)|贯彻|牢记|牢固树立|树立|践行|锚定|拥护|铸牢|坚守|遵循|秉持|弘扬|发扬|传承|紧紧围绕|紧扣|以[^，,]{1,30}?为(?:指导|统领|引领|主线|抓手|核心|重点))"
)
FRAMING_ANY = re.compile(r"总的要求|总体要求|意义重大|之年|主要考虑|注意把握|指导思想")
# A note that explains a term at the end of a report: `5.稳增长“18”条：…`, `（3）“一件事”：…`.
LAW = re.compile(r"法$|条例|规划|方案|纲要")
GLOSSARY = re.compile(r"[ \t\u3000]*(?:\d{1,2}[.．、]|[（(]\d{1,2}[）)])[^。\n：:]{1,40}[：:]")

# --- heading ----------------------------------------------------------------------------------------------
CN_ORDINAL = "[一二三四五六七八九十]{1,3}"
ENUMERATOR = re.compile(rf"[ \t\u3000]*(?:[（(]{CN_ORDINAL}[）)]|{CN_ORDINAL}[、是]|第{CN_ORDINAL}[，,、部])")
HEADING_MAX = 20
CLAUSE_END = re.compile(r"[，,；;：:]")
DEADLINE_WORD = re.compile(r"\d{1,2}月(?:底|末|中旬|上旬|下旬)?前|年底前|年内|前完成")

# --- fragment ---------------------------------------------------------------------------------------------
FRAGMENT_END = re.compile(r"(?:(?<![中平温缓饱调共融柔])和|[与及或、]|(?<![于就总还但])是|包括|如下|[：:])$")
FRAGMENT_START = re.compile(r"(?:而且|并且|但是|然而|因此|所以|从而|进而)")

# --- slogan -----------------------------------------------------------------------------------------------
EXHORTATION = re.compile(
    r"(?:我们|全省|全市|全区|全县|各级)?(?:必须|务必|一定要|[既越更还也都]?要|努力|奋力|力求|争取做到|做到)"
)
# A run of short parallel phrases (稳就业、稳企业、稳市场、稳预期 / 做优增量、盘活存量): a formula,
# not a measure.
PARALLEL_PART = 3
IDIOM = 4
PARALLEL_NAMED = re.compile(r"[\d等《》“”\"]")
BETTER = re.compile(r"(?:更好|更加|更大|不断|持续|进一步|切实|全面|有效|积极)*更好(?:地)?")
# What an object is when it is a quality of everything rather than a thing: the last word of the item.
ABSTRACT_TAIL = re.compile(
    r"(?:水平|能力|能级|效能|效率|活力|动力|动能|潜力|实力|竞争力|影响力|吸引力|创造力|凝聚力|质效|成效|实效|效益|成果"
    r"|新局面|新篇章|新台阶|新突破|新优势|新动能|新格局|新高地|新路子|新路|新增长点|格局|大局|全局|底色|底线|防线|根基|基础"
    r"|获得感|幸福感|安全感|认同感|氛围|风尚|风气|生态|环境|合力|优势|意识|信心|决心|韧劲|干劲|作风|本领|精神|素质|形象"
    r"|需要|需求|期待|期盼|向往|福祉|品质|生活|稳定|安全|和谐|繁荣|兴旺|进步|提升|升级|增长|发展|融合|协同|联动|突破"
    r"|走深走实|见行见效|落地见效|落地生根|开好局|起好步|良好开局|[取获]得[^，,]{0,6}(?:成效|成绩|成就|进展))$"
)
# Objects that name the whole of the economy, society or government's purpose.
WHOLE_SCOPE = re.compile(
    r"(?:高质量发展|经济社会发展|经济发展|民生|内需|新质生产力|改革开放|对外开放|现代化|共同富裕|各项事业|各项工作|各项任务|"
    r"目标任务|人民群众|群众|全省人民|全市人民|城乡融合|区域协调|统筹发展和安全|发展和安全|新发展格局|新发展理念|"
    r"创新驱动|文化强[国省市]|[省市县区]情)"
)
# What makes an object concrete enough for a unit to own and report on: a name in book-title marks,
# a number, examples given (…等), or a noun for a programme, a rule, a facility, a service or a group.
CONCRETE_WORDS = """
    等 行动 工程 计划 项目 试点 示范区 先行区 制度 机制 体制 条例 促进法 政策 措施 举措
    方案 规划 标准 清单 台账 名录 平台 中心 基地 园区 产业园 公园 走廊 枢纽 通道 口岸
    机场 铁路 高铁 高速 公路 轨道 地铁 公交 航线 班列 港口 管网 管线 电网 水网 水库 堤防
    河湖 河道 流域 农田 耕地 湿地 保护地 遗址 文物 遗产 博物馆 图书馆 学校 高校 大学 学院
    院校 医院 卫生 医疗 医保 医药 药品 疫苗 养老 托育 托位 学位 床位 住房 保障房 小区
    城中村 危房 厕所 电梯 停车 充电 燃气 供水 污水 垃圾 废物 污染 排放 碳达峰 碳中和 储能
    电力 算力 数据 知识产权 专利 国企 国资 民营 信贷 债券 基金 保险 社保 养老金 低保 救助
    帮扶 培训 招生 考试 普查 执法 监管 审批 许可 督察 整改 整治 排查 清理 拖欠 安置 换届
    立法 普法 议案 提案 诉求 热线 设施 设备 系统 终端 大模型 人工智能 集群 产业链 链主
    赛事 活动 论坛 展会 品牌 产品 业态 场景 物流 交通 能源 粮食 畜牧 生猪 农业 乡村 农村
    农民 渔 林业 森林 草原 海洋 海岛 矿产 矿山 地质 灾害 防汛 山洪 消防 火灾 应急
    安全生产 食品 网络安全 残疾 儿童 老年 妇女 青年 学生 高校毕业生 农民工 退役军人 困难群众
    失业 就业 企业年金 个人养老金 双拥 国防 民兵
""".split()
CONCRETE = re.compile(r"[《》]|\d|等|[^治]法$|" + trie(CONCRETE_WORDS))
# Verbs and adverbs that lead a clause before its object (加快推进…, 持续深化…): stripped to read the object.
LEAD_VERBS = """
    持续 大力 着力 积极 稳步 扎实 坚决 严格 全面 深入 切实 全力 加紧 加速 不断 继续 努力
    主动 协同 率先 精准 有序 有力 有效 稳妥 高质量 高水平 高标准 进一步 更大力度 多渠道
    全方位 因地制宜 统筹 一体 纵深 加力 加快 推进 推动 促进 深化 强化 加强 提升 提高 增强
    优化 完善 健全 建立 构建 打造 建设 培育 壮大 发展 扩大 拓展 巩固 夯实 筑牢 守牢 激发
    释放 发挥 营造 实现 形成 做优 做强 做大 做实 做好 抓好 办好 用好 落实 支持 引导 鼓励
    探索 创新 维护 保持 确保 防范 化解 实施 开展 推行 带动 聚力 聚焦 服务 融入 参与 共建
    坚定 加大 盘活 保护 弘扬 传承 引育 集聚 整合 减轻 呵护 丰富 擦亮 缩小 当好 破除 消除
    遏制 严防 接受 增进 开创 谱写 迈进 走出 凝聚 贯通 畅通 打通 增加 减少 降低 用心 用情
    用力 全力以赴
""".split()
LEAD_WORDS = re.compile("(?:" + trie(LEAD_VERBS) + ")+")
SHORT_OBJECT = 4
TAIL_CHARS = 14  # ABSTRACT_TAIL is read on the last characters of an object only
# Words that name no particular thing: qualities, directions and the general vocabulary of aims.
# An object made only of these (经济高质量发展, 各类经营主体, 社会大局和谐稳定) names nothing a unit
# could own; with other words left over (燕山石化高质量转型发展 → 燕山石化) it names something.
GENERIC_WORDS = """
    高质量 高水平 高品质 高效能 高效率 现代化 一体化 多元化 规范化 法治化 智能化 数字化
    绿色化 融合化 国际化 精细化 智慧化 特色化 专业化 市场化 常态化 新时代 新形势 新阶段
    新征程 中国式 社会主义 中华民族 新质生产力 改革开放 共同富裕 获得感 幸福感 安全感 发展
    质量 水平 能力 能级 效能 效率 活力 动力 动能 潜力 实力 竞争力 影响力 吸引力 创造力
    凝聚力 质效 成效 实效 效益 成果 局面 篇章 台阶 突破 优势 格局 大局 全局 底色 底线
    防线 根基 基础 氛围 风尚 风气 生态 环境 合力 意识 信心 决心 作风 本领 精神 素质 形象
    需要 需求 期待 期盼 向往 福祉 品质 生活 稳定 安全 和谐 繁荣 兴旺 进步 提升 升级 提质
    增效 扩容 增长 融合 协同 联动 经济 社会 人民 群众 民生 内需 供给 体系 建设 工作 事业
    任务 目标 各项 各类 各方面 方面 重点 领域 风险 挑战 问题 短板 弱项 开放 创新 驱动
    转型 转化 更加 更好 更高 更大 更多 全面 持续 深度 深入 有效 健康 优质 均衡 协调 充分
    共同 全国 全省 全市 全区 城乡 区域 一体 主体 市场 产业 消费 投资 资源 要素 功能 作用
    机遇 空间 布局 结构 方式 模式 路径 道路 新路 增量 存量 规模 速度 效果 特色 传统 新兴
    未来 先进 优秀 良好 重大 重要 关键 核心 主导 支柱 战略 全球 世界 国际 西部 地区 地方
    各地 作用 引领 带动 辐射 党中央 中央 省委 市委 区党委 党委 决策 部署 精神 思想 理论
    纪律 担当 作为 干事 创业 实干 苦干 干部 改革 城市 首都 省会 超大 治理 保障 服务 管理
    支撑 文化 科技 教育 人才 科教 综合 整体 体制 制度 政策 统一 大市场 总体
""".split()
GENERIC = re.compile(trie(GENERIC_WORDS) + r"|[“”\"新大强好优高深实稳广多全各本我其之的和与及或等、]")
MIN_PARTICULAR = 2
MAX_PARTICULAR_AIM = 4
PURPOSE = re.compile(r"\s*(?:以|为|让|使|把)")
CJK = re.compile(r"[\u4e00-\u9fff]")

QUANTITY = re.compile(
    rf"百分之|\d+(?:[.,]\d+)*\s*(?:万亿|亿|千万|百万|万)?[多余]?(?:{MEASURES}|{COUNTERS})"
    r"|(?:[十百千万]|[一二两三四五六七八九][十百千万])[一二三四五六七八九十百千万]*(?:万亿|亿|万)?[多余]?"
    rf"(?:{MEASURES}|{COUNTERS})"
)

# --- owner ------------------------------------------------------------------------------------------------
OWNER_HEAD = re.compile(
    r"(?:各[地级区县市部]|各有关|全[省市区县]各级|[^，,、]{0,10}?(?:部门|单位|政府|党委|党组|党组织|委员会|领导小组|同志))"
    r"[^，,]{0,12}?(?:要|须|应当|负责|牵头|配合)"
)


@dataclass(frozen=True)
class Verdict:
    commitment: bool
    reason: str


class Judge:
    """Decides kept/dropped for the items of one text; holds the per-text context (paragraphs, headings)."""

    def __init__(self, text: str, layout: Layout) -> None:
        self.text = text
        self.layout = layout
        self._paragraph_cache: dict[int, tuple[bool, bool]] = {}

    def _line(self, pos: int) -> tuple[int, int]:
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        return start, (len(self.text) if end < 0 else end)

    def _paragraph(self, pos: int) -> tuple[int, int, bool, bool]:
        """(start, end, looks back, is a glossary note) of the line holding `pos`."""
        start, end = self._line(pos)
        if start not in self._paragraph_cache:
            first = skip_lead(self.text, start, end)
            past = bool(PAST_PARAGRAPH.match(self.text, first, end))
            glossary = bool(GLOSSARY.match(self.text, start, end))
            self._paragraph_cache[start] = (past, glossary)
        past, glossary = self._paragraph_cache[start]
        return start, end, past, glossary

    def _is_heading(self, sentence: tuple[int, int], line: tuple[int, int], item: tuple[int, int]) -> bool:
        s_start, s_end = sentence
        l_start, l_end = line
        if self.text[l_start:s_start].strip():
            return False  # not the first sentence of its paragraph
        if ENUMERATOR.match(self.text, l_start, s_end):
            # The heading is the sentence's first clause; a later clause that counts or dates its work
            # (（一）实施城市更新行动，改造老旧小区30个，6月底前完成) is a measure under it.
            first_clause = CLAUSE_END.search(self.text, l_start, s_end)
            later = first_clause is not None and item[0] >= first_clause.end()
            body = self.text[item[0] : item[1]]
            return not (later and (_has_quantity(body) or DEADLINE_WORD.search(body)))
        rest = self.text[s_end:l_end].strip("。；;！!？? \t\u3000")
        short = s_end - s_start <= HEADING_MAX
        return short and bool(rest) and not re.search(r"\d", self.text[s_start:s_end])

    def judge(self, kind: str, start: int, end: int, *, deadline: str | None, units: list[str]) -> Verdict:
        text = self.text
        sentence = self.layout.sentence_at(start)
        l_start, l_end, past, glossary = self._paragraph(start)
        if past:
            return Verdict(False, "past")
        if glossary:
            return Verdict(False, "framing")
        if PAST_SENTENCE.search(text, sentence[0], sentence[1]) and kind == "task":
            return Verdict(False, "past")
        if self._is_heading(sentence, (l_start, l_end), (start, end)):
            return Verdict(False, "heading")
        head = skip_lead(text, start, end)
        body = text[head:end]
        if FRAGMENT_END.search(body) or FRAGMENT_START.match(body) or _cut_target(text, kind, start, end):
            return Verdict(False, "fragment")
        if (FRAMING_HEAD.match(body) and not LAW.search(body)) or FRAMING_ANY.search(body):
            return Verdict(False, "framing")
        quantity = _has_quantity(body)
        if kind == "target" or quantity:
            return Verdict(True, "target")
        if _slogan(body):
            return Verdict(False, "slogan")
        if deadline:
            return Verdict(True, "deadline")
        if units or OWNER_HEAD.match(body):
            return Verdict(True, "owner")
        return Verdict(True, "measure")


def _has_quantity(body: str) -> bool:
    """A number written with a unit (新增1万个, 5%, 300公里, 百分之五); a year (2035年) is none."""
    return bool(QUANTITY.search(body))


def _cut_target(text: str, kind: str, start: int, end: int) -> bool:
    """A counted object cut off: 打造40个吸引力强、带动面广的消费场景 / 改造2.5万套（间）城市危旧房."""
    if kind != "target":
        return False
    after = text[end : end + 1]
    if after in ("（", "("):
        return True
    if after != "、":
        return False
    clause_end = re.compile(r"[，,；;。：:！!？?\n]").search(text, end)
    rest = text[end : clause_end.start() if clause_end else len(text)]
    return "的" in rest or "（" in rest or "(" in rest


def _slogan(body: str) -> bool:
    """Exhortation with nothing concrete, or every clause an aim with no particular object.

    Clauses of purpose or means (以…, 为…, 让…, 使…) qualify the others and are not judged on their own.
    """
    m = EXHORTATION.match(body)
    if m and m.end() > 0 and not CONCRETE.search(body, m.end()):
        return True
    clauses = [c for c in re.split(r"[，,；;]", body) if c.strip() and not PURPOSE.match(c)]
    return all(_slogan_clause(c) for c in clauses or [body])


def _particular(obj: str) -> int:
    """How many characters of `obj` are left once the general vocabulary of aims is taken out."""
    return len(CJK.findall(GENERIC.sub("", LEAD_WORDS.sub("", obj))))


def _slogan_clause(clause: str) -> bool:
    if owner := OWNER_HEAD.match(clause):
        clause = clause[owner.end() :]  # 各级干部要…: judge what they are asked to do
    parts = clause.split("、")
    if len(parts) > 1 and not PARALLEL_NAMED.search(clause):
        if all(len(LEAD_WORDS.sub("", p.strip(), count=1)) <= PARALLEL_PART for p in parts):
            return True
        if all(len(p.strip()) == IDIOM for p in parts) and not CONCRETE.search(clause):
            return True  # a run of four-character idioms (以身作则、以上率下): a call to attitude
    m = EXHORTATION.match(clause)
    if m and m.end() > 0:
        if not CONCRETE.search(clause, m.end()):
            return True
        clause = clause[m.end() :]
    if BETTER.match(clause):
        return True
    lead = LEAD_WORDS.match(clause)
    obj = clause[lead.end() :] if lead else clause
    particular = _particular(obj)
    if particular < MIN_PARTICULAR:
        return True
    if CONCRETE.search(obj):
        return False
    aim = (
        ABSTRACT_TAIL.search(obj, max(0, len(obj) - TAIL_CHARS))
        or WHOLE_SCOPE.search(obj)
        or len(obj) <= SHORT_OBJECT
    )
    return bool(aim) and particular < MAX_PARTICULAR_AIM
