"""Words that open a commitment in Chinese plans, and words that say which way a target should move."""

from __future__ import annotations

import re

# The two characters a committing clause starts with: verbs (加快, 推进, 完善 …) and the adverbs of
# resolve that stand before them in plans (持续, 大力, 着力 …). A clause opening with a preposition, a
# noun or a time phrase (以…、在…、到2027年) is a lead-in, not a commitment of its own.
COMMIT_HEADS = frozenset(
    """
    加快 推进 推动 完善 建立 健全 实施 深化 强化 提升 打造 加强 落实 开展 促进 扩大 优化 支持 建设 构建
    培育 做好 抓好 确保 力争 着力 大力 积极 稳步 扎实 坚决 严格 统筹 巩固 拓展 保障 提高 增加 新建 改造
    建成 开工 引导 鼓励 探索 用好 办好 守牢 防范 化解 加大 完成 实现 启动 出台 制定 修订 组织 谋划 争取
    聚焦 坚持 持续 全面 深入 切实 全力 加紧 加速 不断 继续 努力 主动 协同 率先 精准 分类 适度 依法 务实
    及时 尽快 抓紧 聚力 发展 发挥 筑牢 夯实 释放 激发 壮大 做强 做优 做大 做实 做细 提质 扩容 升级 布局
    编制 开通 投用 建好 管好 招引 引进 吸引 帮扶 保护 治理 整治 清理 规范 监管 落地 推广 试点 创建 培养
    引育 畅通 打通 贯通 融入 对接 深耕 抢抓 抓住 把握 牢牢 更好 更加 迭代 严防 严控 严厉 严肃 从严 坚定
    加力 用足 延伸 拓宽 减少 降低 压减 控制 稳定 稳住 保持 维护 守住 兜牢 兜住 织密 修复 推行 贯彻 开拓
    压实 确立 形成 营造 设立 成立 组建 实行 推出 挖掘 盘活 用活 激活 改善 提速 扶持 关心 关爱 救助 加固
    建强 配强 弘扬 传承 繁荣 丰富 开发 利用 争创 争当 勇当 当好 走好 打好 打赢 打响 擦亮 做精 办实 增强
    补齐 补强 破解 破除 清除 消除 排查 整改 查处 惩治 严惩 赋能 支撑 引领 带动 衔接 协调 牵头 负责 配合
    会同 研究 简化 精简 压缩 缩短 减免 减轻 细化 督促 督办 考核 评估 调度 举办 承办 放宽 取消 发放 筹集
    投入 新增 认定 遴选 提档 扩围 深挖 优先 全速 大幅 有序 有力 有效 高效 扎牢 落细 筑强 激励 强力 纵深
    务必 必须 坚守 严守 恪守 合力 聚合 汇聚 集聚 做深 做足 抓实 抓细 抓牢 下好 用心 用情
    """.split()
)
# A unit's role in shared work: 市发改委牵头，青山县配合.
ROLE_HEADS = frozenset("牵头 负责 配合 会同 参与 协助".split())
COMMIT_TRIGRAMS = frozenset("进一步 高质量 高水平 高标准 因地制 大力度 更大力 全方位 多渠道".split())
# 要 as a modal (各地要…), not inside 主要 / 重要 / 需要 or the nouns 要素, 要点 …
MODAL = re.compile(
    r"[^，,；;。]{0,10}?(?<![主重需只纲想必首紧简摘概提扼])(?:要|须|应当)(?![素点件害闻地道冲])[\u4e00-\u9fff]"
)

# Verbs and qualifiers that say which way a target moves.
LOWER_WORDS = re.compile(
    r"控制在|以内|以下|之内|不超过|不高于|不大于|低于|下降|降低|减少|压减|压降|降至|降到|缩小|缩短|压缩|削减|减排"
)
HIGHER_WORDS = re.compile(
    r"增长|提高|提升|增加|新增|达到|超过|突破|以上|之上|不低于|不少于|扩大|增至|高于|至少|翻番|新建|建成|培育|引进|超$"
)
# Indicators that are better when lower, for a target that names no verb (城镇调查失业率5.5%左右).
LOWER_INDICATORS = re.compile(r"失业率|能耗|排放|浓度|事故|死亡率|发生率|负债率|赤字|亡人")
# A clause that sets a number as a goal: a direction, an action, or an indicator noun.
INTENT_WORDS = re.compile(
    LOWER_WORDS.pattern
    + "|"
    + HIGHER_WORDS.pattern
    + r"|建设|改造|完成|实现|开工|打造|开通|投资|投入|发放|筹集"
    r"|实施|培训|招引|储备|创建|吸引|帮扶|带动|保持|稳定在|力争|争取|确保|目标|预期|规模|总量|产量|收入|总值|比重"
    r"|占比|指数|强度|覆盖|惠及|率|额|量"
)
PAST_WORDS = re.compile(r"已经|已有|已建|已达|累计|同比|比上年|较上年|上年|去年|过去|此前|截至|截止")
PRE_QUALIFIERS = re.compile(
    r"不低于|不少于|不超过|不高于|不大于|不小于|控制在|保持在|稳定在|力争|争取|至少|超过|突破|超$"
)
# A sentence that reports what was done: a past lead-in (过去五年，…), matched at its start, or the
# perfective 了 anywhere in it.
PAST_LEAD = re.compile(r"[^，,]{0,8}(?:过去|去年|上年|以来|年来)")
PERFECTIVE = re.compile(r"(?<![为除])了(?![解])")
