"""The draft item the extractor hands to review: what kind of commitment, and where its evidence is."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("task", "target", "deadline", "cadence", "list", "task_force")


@dataclass(frozen=True)
class Item:
    """One commitment found in a text; `text == source[start:end]` always holds.

    value/unit: for a target the number as written, normalised ("5", "4.5—5", Chinese numerals in
    Arabic), with a magnitude word kept in the unit as the document writes it ("85", "万人"); for a list or
    task force with a count ("三张清单") the count and its classifier ("3", "张").

    commitment/reason: whether the row starts kept, and why (`extraction.commitment`): kept for "target",
    "deadline", "owner", "measure"; dropped (shown folded) for "past", "framing", "heading", "fragment",
    "slogan". Markers (deadline, cadence, list, task force) are not rows and keep commitment True, reason "".
    """

    kind: str
    text: str
    start: int
    end: int
    value: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    deadline: str | None = None
    units: list[str] = field(default_factory=list)
    direction: str | None = None
    commitment: bool = True
    reason: str = ""
