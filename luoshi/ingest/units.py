"""Units named in a document, matched to the unit tree: by name, by alias, then by a close enough name.

Order of trust: the exact name (or a unit's short name), an alias (the UnitAlias table, seeded by rule and
extended by an administrator, and the rule applied afresh so a unit added today is known), then rapidfuzz
on the names with their places taken off. A fuzzy match below FUZZY_THRESHOLD is never taken: the mention
is shown unmatched and the supervisor chooses. An alias two units share is given to the one closest to the
top of the tree (市住建局 before 青山县住建局 in a city's document); a tie leaves the mention unmatched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from luoshi.orgs.aliases import rule_aliases, split_place
from luoshi.orgs.models import Unit, UnitAlias

FUZZY_THRESHOLD = 85.0
ORGAN = r"(?:委员会|办公室|领导小组|专班|局|委|办|厅|处|中心|公司|集团|院|部|队|所|站|馆)"
ROLE = r"(?:牵头|负责|配合|参与|协同|协助|会同|落实|督导|协调)"
NOTE = r"[（(](?:牵头|负责|配合|参与|协同|协助|主办|协办)[）)]"  # 市发改委（牵头）, inside a list
# Where a document names units: after 责任单位：, before 牵头/配合, inside （…牵头，…配合）.
LABELLED = re.compile(
    rf"(?:责任|牵头|配合|主办|协办|参与|协同)(?:单位|部门)[:：]\s*((?:[^。；;\n（()）]|{NOTE}){{2,200}})"
)
ROLE_CLAUSE = re.compile(rf"([^，,。；;：:（(）)\n]{{2,200}}?)[（(]?{ROLE}")
# The units after 会同 (they assist the one before it), up to the clause's end or a role word of their own:
# 市住建局会同市发改委、市财政局）.
WITH_CLAUSE = re.compile(rf"会同((?:(?!{ROLE})[^，,。；;：:（(）)\n]){{2,200}})")
PIECE = re.compile(rf"({NOTE}|[、，,和及与/]|等(?:单位|部门)?|按职责(?:分工)?|分别|共同)")
JOINING = frozenset("和及与")  # between two names, or inside one: 市住房和城乡建设局, 人力资源和社会保障局
LEAD_IN = re.compile(r"^(?:由|请|各|按职责分工)")
MENTION = re.compile(rf"^(?:[\u4e00-\u9fff]{{1,20}}?{ORGAN}|[\u4e00-\u9fff]{{2,4}}[省市县区州])$")


@dataclass(frozen=True)
class Match:
    mention: str
    unit_id: int | None
    how: str  # "name", "alias", "fuzzy" or "" (unmatched)
    score: float = 100.0


def find_mentions(text: str) -> list[tuple[int, str]]:
    """(offset, name) of each unit-like name the text gives a role or lists as responsible, in order."""
    found: dict[int, str] = {}
    for pattern in (LABELLED, ROLE_CLAUSE, WITH_CLAUSE):
        for m in pattern.finditer(text):
            at = m.start(1)
            for piece in _pieces(m.group(1)):
                name = LEAD_IN.sub("", piece.strip())
                start = text.find(name, at) if name else -1
                if start < 0:
                    continue
                at = start + len(name)
                if MENTION.match(name):
                    found.setdefault(start, name)
    return sorted(found.items())


def _pieces(names: str) -> list[str]:
    """The names of a list, split at its separators; 和/及/与 joins two names only where the part before it is
    a whole name (市发改委和市财政局), else it is inside one (市住房和城乡建设局)."""
    parts = PIECE.split(names)  # piece, separator, piece, …
    pieces = [parts[0]]
    for separator, piece in zip(parts[1::2], parts[2::2], strict=True):
        if separator in JOINING and not MENTION.match(LEAD_IN.sub("", pieces[-1].strip())):
            pieces[-1] += separator + piece
        else:
            pieces.append(piece)
    return pieces


def _core(name: str) -> str:
    """A name without its place and connectives, for the fuzzy comparison (its level character kept)."""
    level, office = split_place(name)
    return level + office.replace("和", "").replace("与", "")


class Directory:
    """The units a supervisor may assign to, and every name by which a document may call them."""

    def __init__(self, units: Iterable[Unit], aliases: Iterable[tuple[str, int]] = ()) -> None:
        self.units = {u.pk: u for u in units}
        self.exact: dict[str, int] = {}
        for unit in self.units.values():
            self.exact.setdefault(unit.name, unit.pk)
            if unit.short_name:
                self.exact.setdefault(unit.short_name, unit.pk)
        owners: dict[str, set[int]] = {}
        for alias, unit_id in aliases:
            if unit_id in self.units:
                owners.setdefault(alias, set()).add(unit_id)
        for unit in self.units.values():
            for form in rule_aliases(unit.name):
                owners.setdefault(form, set()).add(unit.pk)
        self.alias: dict[str, int] = {}
        for form, ids in owners.items():
            if form in self.exact:
                continue
            top = min(self.units[i].depth for i in ids)
            highest = [i for i in ids if self.units[i].depth == top]
            if len(highest) == 1:
                self.alias[form] = highest[0]
        self.cores = {pk: _core(u.name) for pk, u in self.units.items()}
        self._cache: dict[str, Match] = {}

    @classmethod
    def for_units(cls, units: Iterable[Unit]) -> Directory:
        units = list(units)
        ids = [u.pk for u in units]
        aliases = UnitAlias.objects.filter(unit_id__in=ids).values_list("alias", "unit_id")
        return cls(units, aliases)

    def match(self, mention: str) -> Match:
        if mention in self._cache:
            return self._cache[mention]
        if mention in self.exact:
            found = Match(mention, self.exact[mention], "name")
        elif mention in self.alias:
            found = Match(mention, self.alias[mention], "alias")
        else:
            found = self._closest(mention)
        self._cache[mention] = found
        return found

    def _closest(self, mention: str) -> Match:
        """The unit whose name is closest, when close enough; of equally close ones the highest, else none."""
        scored = process.extract(
            _core(mention), self.cores, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=5
        )
        if not scored:
            return Match(mention, None, "")
        top = scored[0][1]
        best = [int(pk) for _core_name, score, pk in scored if score == top]
        depth = min(self.units[pk].depth for pk in best)
        highest = [pk for pk in best if self.units[pk].depth == depth]
        if len(highest) > 1:
            return Match(mention, None, "", round(top, 1))
        return Match(mention, highest[0], "fuzzy", round(top, 1))
