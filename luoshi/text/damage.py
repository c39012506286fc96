"""Where a raw text is damaged, for showing the original with each repair marked. Pure: no Django.

It marks with the cleaner's own rules what the cleaner repairs: a reading pypinyin confirms for the
character before it, a stray comma before punctuation, and a garbled run (a `?` beside Han characters, a
private-use character, stray Japanese kana from a GBK step out of place). Boilerplate lines are marked whole.
In the repaired text, `lost_pieces` finds the characters the cleaner marked lost (U+FFFD), for the review
page to highlight: a reviewer checks them against the original document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.text.clean import STRAY_COMMA, split_boilerplate
from luoshi.text.cleaning.ruby import RUBY, readings

LOST = "\ufffd"
_LOST_RUN = re.compile(f"{LOST}+")
_GARBLED = re.compile(r"[\ue000-\uf8ff\u3040-\u30ff]+|(?<=[\u4e00-\u9fff])\?+|\?+(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # "ruby" | "comma" | "mojibake" | "boilerplate"


def damage_spans(raw: str) -> list[Span]:
    """Non-overlapping spans of `raw` that cleaning changes or moves out, in order."""
    spans: list[Span] = []
    for m in RUBY.finditer(raw):
        if m.group(2) in readings(m.group(1)):
            spans.append(Span(m.start(2) - 1, m.end(), "ruby"))
    spans += [Span(m.start(), m.end(), "comma") for m in STRAY_COMMA.finditer(raw)]
    spans += [Span(m.start(), m.end(), "mojibake") for m in _GARBLED.finditer(raw)]
    _, boilerplate = split_boilerplate(raw)
    at = 0
    for line in boilerplate:
        found = raw.find(line, at)
        if found >= 0:
            spans.append(Span(found, found + len(line), "boilerplate"))
            at = found + len(line)
    spans.sort(key=lambda s: (s.start, -s.end))
    kept: list[Span] = []
    for span in spans:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def marked(raw: str) -> list[tuple[str, str]]:
    """The raw text cut into (piece, kind) pieces, kind "" where nothing is wrong."""
    out: list[tuple[str, str]] = []
    at = 0
    for span in damage_spans(raw):
        if span.start > at:
            out.append((raw[at : span.start], ""))
        out.append((raw[span.start : span.end], span.kind))
        at = span.end
    out.append((raw[at:], ""))
    return out


def lost_pieces(text: str) -> list[tuple[str, bool]]:
    """The repaired text cut into (piece, lost) pieces, lost for each run of U+FFFD; joined, the text."""
    if LOST not in text:
        return [(text, False)]
    out: list[tuple[str, bool]] = []
    at = 0
    for match in _LOST_RUN.finditer(text):
        if match.start() > at:
            out.append((text[at : match.start()], False))
        out.append((match.group(), True))
        at = match.end()
    if at < len(text):
        out.append((text[at:], False))
    return out
