"""Who leads and who assists, as the document says it: 牵头单位：…；配合单位：…, …牵头，…配合, …（牵头）.

A Chinese work plan names a task's units with role words, and their order is not their rank: "市财政局配合，
市发改委牵头" makes 市发改委 the lead unit though it is named second. Each unit named gets the strongest role
the text gives it, by these rules, tried in order:

1. a role in brackets right after the name: 市发改委（牵头）;
2. the role word right after the list the name ends or belongs to (names joined by 、和及与):
   市财政局、市住建局配合; 市住建局负责; 市发改委会同… (the unit before 会同 leads, the ones after assist);
3. the label the name is listed under: 牵头单位：, 配合单位：, 责任单位：, up to the next ；。 or bracket.

LEADS (牵头, 主办, 会同 before) ranks above RESPONSIBLE (负责, 责任单位) above NAMED (no role) above ASSISTS
(配合, 参与, 协同, 协助, 协办, 会同 after). Pure: no Django.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence


class Role(enum.IntEnum):
    ASSISTS = 0
    NAMED = 1
    RESPONSIBLE = 2
    LEADS = 3


WORDS = {
    "牵头": Role.LEADS,
    "主办": Role.LEADS,
    "负责": Role.RESPONSIBLE,
    "责任": Role.RESPONSIBLE,
    "配合": Role.ASSISTS,
    "参与": Role.ASSISTS,
    "协同": Role.ASSISTS,
    "协助": Role.ASSISTS,
    "协办": Role.ASSISTS,
    "会同": Role.LEADS,  # "A会同B": A leads; B, after it, assists (AFTER_WITH)
}
ROLE_WORD = "|".join(WORDS)
LABEL = re.compile(r"(牵头|主办|责任|配合|协办|参与|协同)(?:单位|部门)\s*[:：]")
NOTE = re.compile(rf"\s*[（(]\s*({ROLE_WORD})\s*(?:单位|部门)?\s*[）)]")  # 市发改委（牵头）
LIST_GAP = re.compile(r"[、和及与/\s]*")  # between two names of one list
# Between a list and its role word: 市发改委、市财政局等单位按职责分工负责.
TAIL = re.compile(rf"\s*(?:等(?:单位|部门)?)?\s*(?:按职责(?:分工)?|分别|共同|要)?\s*({ROLE_WORD})")
AFTER_WITH = re.compile(r"会同\s*$")
LABEL_END = re.compile(r"[；;。！？!?\n（(）)]")
# A sentence after the item that only says who does it: （责任单位：…） or 牵头单位：… or （…牵头，…配合）.
ASSIGNMENT = re.compile(
    rf"[（(]?\s*{LABEL.pattern}|[（(][^（()）。\n]{{2,120}}?(?:{ROLE_WORD})[^（()）。\n]*[）)]"
)
SENTENCE_GAP = re.compile(r"[。；;\s]*")


def roles(text: str, mentions: Sequence[tuple[int, str]], *, start: int = 0) -> list[Role]:
    """The role the text gives each of `mentions` ((offset, name), in text order), by the rules above.

    A label is looked for from `start` on (the item's sentence), not in the whole text before it.
    """
    ends = [at + len(name) for at, name in mentions]
    found: list[Role | None] = [None] * len(mentions)
    for i, end in enumerate(ends):
        note = NOTE.match(text, end)
        if note:
            found[i] = WORDS[note.group(1)]
    # Lists: names joined only by 、和及与, each list read as one by the role word after its last name.
    lists: list[list[int]] = []
    for i, (at, _name) in enumerate(mentions):
        if lists and found[lists[-1][-1]] is None and LIST_GAP.fullmatch(text, ends[lists[-1][-1]], at):
            lists[-1].append(i)
        else:
            lists.append([i])
    for members in lists:
        tail = TAIL.match(text, ends[members[-1]])
        first_at = mentions[members[0]][0]
        assists = AFTER_WITH.search(text, max(0, first_at - 4), first_at)
        for i in members:
            if found[i] is not None:
                continue
            if assists:
                found[i] = Role.ASSISTS
            elif tail:
                found[i] = WORDS[tail.group(1)]
    for i, (at, _name) in enumerate(mentions):
        if found[i] is None:
            found[i] = _labelled(text, start, at)
    return [role if role is not None else Role.NAMED for role in found]


def _labelled(text: str, start: int, at: int) -> Role | None:
    """The role of the label `at` is listed under (牵头单位：A、B), if it is listed under one."""
    label = None
    for m in LABEL.finditer(text, start, at):
        label = m
    if label is None:
        return None
    between = NOTE.sub("", text[label.end() : at])
    return None if LABEL_END.search(between) else WORDS[label.group(1)]


def lead_first(roles_: Sequence[Role], units: Sequence[int | None]) -> tuple[int | None, list[int]]:
    """(lead unit, co-units) of the units matched for each mention (None: not matched), in text order.

    The lead is the first matched unit of the strongest role; when the strongest role is only held by
    names the tree does not know, or every unit named only assists, there is no lead: the supervisor
    chooses, nothing is guessed. Every other matched unit is a co-unit.
    """
    ranked = [r for r in roles_ if r > Role.ASSISTS]
    lead = None
    if ranked:
        top = max(ranked)
        lead = next((u for r, u in zip(roles_, units, strict=True) if r == top and u is not None), None)
    co = [u for u in dict.fromkeys(units) if u is not None and u != lead]
    return lead, co


def assignment_end(text: str, end: int) -> int:
    """Where the units of a sentence ending at `end` are last named: past an open bracket and past the
    sentences right after it that only assign it (（责任单位：…）, 牵头单位：…, （…牵头，…配合）)."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    line = text.rfind("\n", 0, end) + 1
    depth = sum(1 if c in "（(" else -1 if c in "）)" else 0 for c in text[line:end])
    at = end
    while depth > 0 and at < line_end:  # 牵头单位：市发改委；配合单位：… inside one bracket
        depth += 1 if text[at] in "（(" else -1 if text[at] in "）)" else 0
        at += 1
    while True:
        gap = SENTENCE_GAP.match(text, at, line_end)
        start = gap.end() if gap else at
        m = ASSIGNMENT.match(text, start, line_end)
        if not m:
            return at
        if text[start] in "（(":
            at = _close(text, start, line_end)
        else:
            at = start + len(re.split(r"[。；;]", text[start:line_end], maxsplit=1)[0])


def _close(text: str, start: int, limit: int) -> int:
    """Just past the bracket opened at `start`, or `start` when none is opened there."""
    if text[start] not in "（(":
        return start
    depth = 0
    for i in range(start, limit):
        depth += 1 if text[i] in "（(" else -1 if text[i] in "）)" else 0
        if depth == 0:
            return i + 1
    return limit
