"""Weigh a garbled run's readings, and settle its half-lost characters, by the words around the run.

A garbled run gives back most of its characters from their bytes (`mojibake`), with two kinds of doubt
left. Nothing in the bytes says where a user-defined pair was deleted, so other readings of the same bytes
could split a character in two. And the character whose lead byte went with the first `?`, and the one
whose trail byte went with the last, keep one byte each: that byte narrows each to a few dozen GBK
characters, but not to one.

A reader settles both from the text around the run, and so does this module, with jieba's general
dictionary: some 350,000 words and single characters with their frequencies in a large corpus of modern
Chinese (nothing in it comes from the pages Luoshi reads). A stretch of text has the probability jieba's
unigram word model gives it, summed over its segmentations and over the characters each lost place may
be. A reading beats another when it makes the stretch MARGIN (a thousand) times likelier; a lost
character is settled when one of the characters its surviving byte admits holds MARGIN times more of the
probability than all the others together. A character with no surviving byte is never filled. Traditional
text is looked up through OpenCC's `t2s`, character by character.

The dictionary (5 MB of text) is read on first use, in about a second, by a process that meets a run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import product
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import opencc

MARGIN = math.log(1000)  # odds a reading or a character must have over the others (natural log)
LONGEST = 6  # characters in a word looked up
CONTEXT = 4  # known characters on each side of the lost ones that are read with them


@cache
def _dictionary() -> tuple[dict[str, float], float]:
    """Each word's log probability, and the log probability of a character the dictionary does not hold."""
    counts: dict[str, int] = {}
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as lines:
        for line in lines:
            word, count, *_ = line.split(" ")
            if len(word) <= LONGEST and all(map(is_han, word)):
                counts[word] = counts.get(word, 0) + int(count)
    total = math.log(sum(counts.values()))
    return {word: math.log(count) - total for word, count in counts.items()}, -total


@cache
def _t2s() -> opencc.OpenCC:
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _simplified(char: str) -> str:
    converted = str(_t2s().convert(char))
    return converted if len(converted) == 1 else char


def is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


PUNCTUATION = math.log(0.02)  # a punctuation mark: about one character in ten is one, of a few kinds
_MARKS = frozenset("。，、；：？！“”‘’（）《》—…,.;:?!()")

# A place in a stretch: a known character, the characters a lost one may be, or None for nothing known.
Place = str | frozenset[str] | None


def likelihood(stretch: Sequence[Place]) -> float:
    """The log probability of the stretch under jieba's unigram word model, summed over its segmentations
    and over the characters each lost place may be (a place of which nothing is known may be any, and
    costs nothing). A punctuation mark counts PUNCTUATION; a character the dictionary does not hold, as a
    word seen once."""
    return _likelihood(tuple(stretch))


def _add(a: float, b: float) -> float:
    """log(exp(a) + exp(b))."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    high, low = (a, b) if a > b else (b, a)
    return high + math.log1p(math.exp(low - high))


@lru_cache(maxsize=4096)
def _likelihood(stretch: tuple[Place, ...]) -> float:
    _, unknown = _dictionary()
    places = [_place(p) for p in stretch]
    total = [0.0] + [-math.inf] * len(places)
    for end in range(1, len(places) + 1):
        place = places[end - 1]
        if place is None:
            total[end] = total[end - 1]
            continue
        if isinstance(place, str) and not is_han(place):
            total[end] = total[end - 1] + _single(place, unknown)
            continue
        if isinstance(place, frozenset):
            for char in place:
                if not is_han(char):
                    total[end] = _add(total[end], total[end - 1] + _single(char, unknown))
        for start in range(max(0, end - LONGEST), end):
            value = _word(tuple(places[start:end]))
            if value != -math.inf and total[start] != -math.inf:
                total[end] = _add(total[end], total[start] + value)
    return total[-1]


def _single(char: str, unknown: float) -> float:
    return PUNCTUATION if char in _MARKS else unknown


@lru_cache(maxsize=8192)
def _place(place: Place) -> Place:
    """The place as the dictionary spells it (Simplified); a lost place's candidates are the same few sets
    over and over (one per surviving byte), so each is converted once."""
    if isinstance(place, str):
        return _simplified(place) if is_han(place) else place
    if place is None:
        return None
    return frozenset(_simplified(c) if is_han(c) else c for c in place) or None


MAX_SPELLINGS = 2000  # spellings of a piece looked up one by one; beyond, the words are scanned


@cache
def _by_first() -> dict[tuple[str, int], list[tuple[str, float]]]:
    """The dictionary's words by their first character and length."""
    index: dict[tuple[str, int], list[tuple[str, float]]] = {}
    for word, value in _dictionary()[0].items():
        if len(word) > 1:
            index.setdefault((word[0], len(word)), []).append((word, value))
    return index


@lru_cache(maxsize=65536)
def _word(piece: tuple[Place, ...]) -> float:
    """The log of the summed probability of the words the piece can spell (-inf if none)."""
    words, unknown = _dictionary()
    if any(p is None or (isinstance(p, str) and not is_han(p)) for p in piece):
        return -math.inf
    if all(isinstance(p, str) for p in piece):
        word = "".join(p for p in piece if isinstance(p, str))
        return words.get(word, unknown if len(piece) == 1 else -math.inf)
    total = -math.inf
    if len(piece) == 1:
        for char in piece[0] or ():
            if is_han(char):
                total = _add(total, words.get(char, unknown))
        return total
    choices = [(p,) if isinstance(p, str) else tuple(c for c in p or () if is_han(c)) for p in piece]
    if math.prod(map(len, choices)) <= MAX_SPELLINGS:
        for spelling in product(*choices):
            value = words.get("".join(spelling))
            if value is not None:
                total = _add(total, value)
        return total
    index = _by_first()
    for start in choices[0]:
        for word, value in index.get((start, len(piece)), ()):
            if all(
                c == p if isinstance(p, str) else c in (p or ()) for c, p in zip(word, piece, strict=True)
            ):
                total = _add(total, value)
    return total


def beats(left: str, reading: Sequence[Place], other: Sequence[Place], right: str) -> bool:
    """Whether the text around a run is MARGIN likelier with `reading` of it than with `other` (a Bayes
    factor: the readings are of the same bytes, each lost character summed over what it may be)."""
    if not (left or right):
        return False
    return likelihood([*left, *reading, *right]) - likelihood([*left, *other, *right]) >= MARGIN


def known_before(text: str) -> str:
    """The Han characters that end `text`, at most CONTEXT."""
    out: list[str] = []
    for char in reversed(text):
        if len(out) == CONTEXT or not is_han(char):
            break
        out.append(char)
    return "".join(reversed(out))


def known_after(text: str) -> str:
    """The Han characters that begin `text`, at most CONTEXT."""
    out: list[str] = []
    for char in text:
        if len(out) == CONTEXT or not is_han(char):
            break
        out.append(char)
    return "".join(out)


TOP = 8  # characters of each lost place tried together when two are settled at once


def choose(stretch: Sequence[Place], at: Sequence[int]) -> tuple[str, ...] | None:
    """The characters for the lost places `at` of the stretch (one, or two side by side), when one choice
    of them holds at least MARGIN more of the stretch's probability than every other choice together
    (posterior odds, the other lost places summed over what they may be); else None."""
    if not at or any(not isinstance(stretch[k], frozenset) for k in at):
        return None
    total = likelihood(stretch)
    ranked = []
    for k in at:
        options = stretch[k]
        assert isinstance(options, frozenset)
        scores = sorted(((likelihood(_put(stretch, {k: c})), c) for c in options), reverse=True)
        if len(at) == 1:
            return _if_certain(scores[0][0], total, (scores[0][1],))
        ranked.append([c for _, c in scores[:TOP]])
    best = max(
        ((likelihood(_put(stretch, dict(zip(at, combo, strict=True)))), combo) for combo in _combos(ranked)),
        default=None,
    )
    return _if_certain(best[0], total, best[1]) if best else None


def _put(stretch: Sequence[Place], chars: dict[int, str]) -> list[Place]:
    return [chars.get(k, place) for k, place in enumerate(stretch)]


def _combos(ranked: list[list[str]]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for options in ranked:
        combos = [(*combo, c) for combo in combos for c in options]
    return combos


def _if_certain(best: float, total: float, choice: tuple[str, ...]) -> tuple[str, ...] | None:
    """`choice` when its probability `best` is MARGIN above the rest of `total` (both logs)."""
    if best == -math.inf:
        return None
    rest = total + math.log1p(-min(1.0, math.exp(best - total))) if best < total else -math.inf
    return choice if best - rest >= MARGIN else None
