"""Units of the unit tree named in a text, by full name or by a short form derived from it.

Short forms follow one rule, not a hand list, applied to each name:
1. 委员会 → 委 and 办公室 → 办 (市发展和改革委员会 → 市发展和改革委);
2. without its level character (市, 省, 县, 区, 州) when what remains is an office of three or more
   characters ending in an organ suffix (市发展改革委 → 发展改革委, 市教育局 → 教育局, not 市政府 → 政府);
3. the acronym of that office, with and without the level character: when the words before the suffix are
   joined by 和/与, the first character of each (工业和信息化局 → 工信局); otherwise, when they make an
   even number of four or more characters, the first of each pair (发展改革委 → 发改委, 市发改委).
   Abbreviations that follow no rule (住房城乡建设局 → 住建局) are not derived.
A short form derived from two names (县政府办 and 区政府办 both give 政府办) is dropped as ambiguous, and a
short form directly after another level's character (国家发改委, 省教育局) is not taken for the unit.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

LEVELS = "省市县区州"
ORGAN_SUFFIXES = ("委", "局", "办", "厅", "院", "部", "中心", "公司", "集团", "所", "队", "站", "处", "馆")
ACRONYM_SUFFIXES = "委局办厅院部"
OTHER_LEVEL_BEFORE = set("省市县区州家部")
MIN_SHORT = 3


def short_forms(name: str) -> set[str]:
    """The short forms of one unit name by the rule above (never the name itself)."""
    forms: set[str] = set()
    contracted = name
    if name.endswith("委员会"):
        contracted = name[:-3] + "委"
    elif name.endswith("办公室"):
        contracted = name[:-3] + "办"
    forms.add(contracted)
    for full in {name, contracted}:
        if len(full) > 1 and full[0] in LEVELS and full.endswith(ORGAN_SUFFIXES):
            office = full[1:]
            forms.add(office)
            if office[-1] in ACRONYM_SUFFIXES:
                core = office[:-1]
                parts = [p for p in re.split("[和与]", core) if p]
                if len(parts) > 1:
                    acronym = "".join(p[0] for p in parts) + office[-1]
                elif len(core) >= 4 and len(core) % 2 == 0:
                    acronym = core[::2] + office[-1]
                else:
                    continue
                forms.update({acronym, full[0] + acronym})
    return {f for f in forms if len(f) >= MIN_SHORT and f != name}


class UnitMatcher:
    def __init__(self, names: tuple[str, ...]) -> None:
        full = {n for n in (name.strip() for name in names) if n}
        derived: dict[str, set[str]] = {}
        for name in full:
            for form in short_forms(name):
                derived.setdefault(form, set()).add(name)
        self.canonical = {form: next(iter(owners)) for form, owners in derived.items() if len(owners) == 1}
        self.canonical = {f: n for f, n in self.canonical.items() if f not in full}
        self.canonical.update({n: n for n in full})
        self.full = full
        forms = sorted(self.canonical, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, forms))) if forms else None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if self.pattern is None:
            return []
        hits = []
        for m in self.pattern.finditer(text):
            form = m.group()
            if form not in self.full and m.start() and text[m.start() - 1] in OTHER_LEVEL_BEFORE:
                continue
            hits.append((m.start(), m.end(), self.canonical[form]))
        return hits


@lru_cache(maxsize=32)
def unit_matcher(names: tuple[str, ...]) -> UnitMatcher:
    return UnitMatcher(names)


def names_within(hits: list[tuple[int, int, str]], starts: list[int], start: int, end: int) -> list[str]:
    """The unit names whose match lies inside text[start:end], in order, each once."""
    names: list[str] = []
    for i in range(bisect_left(starts, start), len(hits)):
        hit_start, hit_end, name = hits[i]
        if hit_start >= end:
            break
        if hit_end <= end and name not in names:
            names.append(name)
    return names
