"""Weigh a garbled run's readings, and settle its half-lost characters, by the words around the run.

A garbled run gives back most of its characters from their bytes (`mojibake`), with two kinds of doubt
left. Nothing in the bytes says where a private-use pair was deleted, so other readings of the same bytes
could split a character in two. And the character whose lead byte went with the first `?`, the one whose
trail byte went with the last, and the two beside a deleted pair keep one byte each: that byte narrows
each to a few dozen GBK characters, but not to one.

A reader settles both from the text around the run, and so does this module, with jieba's general
dictionary: some 350,000 words and single characters with their frequencies in a large corpus of modern
Chinese (nothing in it comes from the pages Luoshi reads); optionally with the words the page itself
repeats (`PageWords`, a cache model: a document repeats its own terms far more often than a general
corpus; not used by the cleaner yet, it costs more time than the ingest floor allows). A stretch of
text has the probability this unigram word model gives it, summed over its segmentations and over the
characters each lost place may be. A reading beats another when it makes the stretch MARGIN (a
thousand) times likelier; a lost character is settled when one of the characters its surviving byte
admits holds MARGIN times more of the probability than all the others together. A character with no
surviving byte is never filled. Traditional text is looked up through OpenCC's `t2s`, character by
character; two candidates spelt alike there (結, 结) are never told apart.

The dictionary (5 MB of text) is read on first use, in about a second, by a process that meets a run.
"""

from __future__ import annotations

import math
from collections import Counter
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
# The same, as the dictionary spells it (Simplified): a lost place keeps one entry per candidate, so two
# candidates that share a Simplified form (結, 结) count twice, as they should.
_Spelt = str | tuple[str, ...] | None

PAGE_WEIGHT = 1.0  # a word the page repeats gains this much of its share of the page's characters
REPEATED = 2  # times a run of characters must occur in the page to count as one of its words


class PageWords:
    """The words a page itself repeats (a cache model): each run of 2 to LONGEST Han characters that occurs
    at least REPEATED times in the page's text, with its count. Such a word's probability in the dictionary
    gains PAGE_WEIGHT times its share of the page's characters: a document repeats its own terms (高质量发展,
    党中央) far more than a general corpus does. Any other word keeps the dictionary's probability, so a
    stretch in which no two neighbours can be a pair the page repeats reads as without the page."""

    def __init__(self, text: str) -> None:
        spelt = "".join(_simplified(c) if is_han(c) else "\n" for c in text)
        counts: dict[str, int] = {}
        for segment in spelt.split():
            for size in range(2, LONGEST + 1):
                for k in range(len(segment) - size + 1):
                    word = segment[k : k + size]
                    counts[word] = counts.get(word, 0) + 1
        self.size = max(1, sum(map(len, spelt.split())))
        self.counts = {word: count for word, count in counts.items() if count >= REPEATED}
        self.by_size: dict[int, list[str]] = {}
        self.by_char: dict[tuple[int, int, str], list[str]] = {}
        for word in self.counts:
            self.by_size.setdefault(len(word), []).append(word)
            for k, char in enumerate(word):
                self.by_char.setdefault((len(word), k, char), []).append(word)
        self.following: dict[str, set[str]] = {}  # the pairs of the page's words, by their first character
        for word in self.counts:
            for first, second in zip(word, word[1:], strict=False):
                self.following.setdefault(first, set()).add(second)
        self.likelihoods: dict[tuple[Place, ...], float] = {}
        self.words: dict[tuple[_Spelt, ...], float] = {}

    def touches(self, stretch: Sequence[Place]) -> bool:
        """Whether two neighbouring places of the stretch can be a pair of one of the page's words."""
        places = [_place(p) for p in stretch]
        for left, right in zip(places, places[1:], strict=False):
            if left is None or right is None:
                continue
            seconds = {right} if isinstance(right, str) else set(right)
            for first in (left,) if isinstance(left, str) else left:
                if not seconds.isdisjoint(self.following.get(first, ())):
                    return True
        return False

    def share(self, piece: tuple[_Spelt, ...]) -> float:
        """The page's probability of the words the piece can spell (0 for a single character)."""
        if len(piece) < 2:
            return 0.0
        if all(isinstance(p, str) for p in piece):
            return self.counts.get("".join(p for p in piece if isinstance(p, str)), 0) / self.size
        found = 0
        known = [(k, p) for k, p in enumerate(piece) if isinstance(p, str)]
        words = self.by_char.get((len(piece), *known[0]), []) if known else self.by_size.get(len(piece), [])
        for word in words:
            if all(
                c == p if isinstance(p, str) else c in (p or ()) for c, p in zip(word, piece, strict=True)
            ):
                found += self.counts[word]
        return found / self.size


def likelihood(stretch: Sequence[Place], page: PageWords | None = None) -> float:
    """The log probability of the stretch under jieba's unigram word model (with the `page`'s own words,
    when given), summed over its segmentations and over the characters each lost place may be (a place
    of which nothing is known may be any, and costs nothing). A punctuation mark counts PUNCTUATION; a
    character the dictionary does not hold, as a word seen once."""
    key = tuple(stretch)
    if page is None or not page.touches(key):
        return _likelihood(key, None)
    if key not in page.likelihoods:
        page.likelihoods[key] = _likelihood(key, page)
    return page.likelihoods[key]


def log_add(a: float, b: float) -> float:
    """log(exp(a) + exp(b))."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    high, low = (a, b) if a > b else (b, a)
    return high + math.log1p(math.exp(low - high))


def _likelihood(stretch: tuple[Place, ...], page: PageWords | None) -> float:
    return _general(stretch) if page is None else _forward(stretch, page)


@lru_cache(maxsize=4096)
def _general(stretch: tuple[Place, ...]) -> float:
    return _forward(stretch, None)


def _forward(stretch: tuple[Place, ...], page: PageWords | None) -> float:
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
        if isinstance(place, tuple):
            for char in place:
                if not is_han(char):
                    total[end] = log_add(total[end], total[end - 1] + _single(char, unknown))
        for start in range(max(0, end - LONGEST), end):
            value = _word(tuple(places[start:end]), page)
            if value != -math.inf and total[start] != -math.inf:
                total[end] = log_add(total[end], total[start] + value)
    return total[-1]


def _scores(stretch: tuple[Place, ...], at: int, page: PageWords | None) -> tuple[float, dict[str, float]]:
    """The stretch's log probability, and for each candidate of the lost place `at`, the stretch's log
    probability with that candidate there: the same sums as `likelihood`, the text before and after the
    place summed once (forward and backward) instead of once per candidate."""
    _, unknown = _dictionary()
    if page is not None and not page.touches(stretch):
        page = None
    places = [_place(p) for p in stretch]
    n = len(places)
    forward = [0.0] + [-math.inf] * n
    backward = [-math.inf] * n + [0.0]
    for end in range(1, n + 1):
        forward[end] = _extend(places, end - 1, forward, page, unknown, ahead=True)
    for start in range(n - 1, -1, -1):
        backward[start] = _extend(places, start, backward, page, unknown, ahead=False)
    options = stretch[at]
    assert isinstance(options, frozenset)
    scores = {}
    for char in options:
        spelt = _place(char)
        assert isinstance(spelt, str)
        if not is_han(spelt):
            scores[char] = forward[at] + _single(spelt, unknown) + backward[at + 1]
            continue
        total = -math.inf
        for start in range(max(0, at - LONGEST + 1), at + 1):
            if forward[start] == -math.inf:
                continue
            for end in range(at + 1, min(n, start + LONGEST) + 1):
                value = _word((*places[start:at], spelt, *places[at + 1 : end]), page)
                if value != -math.inf and backward[end] != -math.inf:
                    total = log_add(total, forward[start] + value + backward[end])
        scores[char] = total
    return forward[n], scores


@lru_cache(maxsize=4096)
def _general_scores(stretch: tuple[Place, ...], at: int) -> tuple[float, dict[str, float]]:
    return _scores(stretch, at, None)


def _extend(
    places: list[_Spelt], k: int, sums: list[float], page: PageWords | None, unknown: float, *, ahead: bool
) -> float:
    """The forward sum of the places before k + 1 (ahead), or the backward sum of those from k on, from the
    sums already made."""
    place = places[k]
    near = sums[k] if ahead else sums[k + 1]
    if place is None:
        return near
    if isinstance(place, str) and not is_han(place):
        return near + _single(place, unknown)
    total = -math.inf
    if isinstance(place, tuple):
        for char in place:
            if not is_han(char):
                total = log_add(total, near + _single(char, unknown))
    if ahead:
        for start in range(max(0, k + 1 - LONGEST), k + 1):
            value = _word(tuple(places[start : k + 1]), page)
            if value != -math.inf and sums[start] != -math.inf:
                total = log_add(total, sums[start] + value)
    else:
        for end in range(k + 1, min(len(places), k + LONGEST) + 1):
            value = _word(tuple(places[k:end]), page)
            if value != -math.inf and sums[end] != -math.inf:
                total = log_add(total, value + sums[end])
    return total


def _single(char: str, unknown: float) -> float:
    return PUNCTUATION if char in _MARKS else unknown


@lru_cache(maxsize=8192)
def _place(place: Place) -> _Spelt:
    """The place as the dictionary spells it (Simplified); a lost place's candidates are the same few sets
    over and over (one per surviving byte), so each is converted once."""
    if isinstance(place, str):
        return _simplified(place) if is_han(place) else place
    if not place:
        return None
    return tuple(sorted(_simplified(c) if is_han(c) else c for c in place))


MAX_SPELLINGS = 2000  # spellings of a piece looked up one by one; beyond, the words are scanned


@cache
def _by_first() -> dict[tuple[str, int], list[tuple[str, float]]]:
    """The dictionary's words by their first character and length."""
    index: dict[tuple[str, int], list[tuple[str, float]]] = {}
    for word, value in _dictionary()[0].items():
        if len(word) > 1:
            index.setdefault((word[0], len(word)), []).append((word, value))
    return index


def _word(piece: tuple[_Spelt, ...], page: PageWords | None) -> float:
    """The log of the summed probability of the words the piece can spell (-inf if none): the dictionary's
    and, with a page, the page's own words mixed in at PAGE_WEIGHT."""
    if any(p is None or (isinstance(p, str) and not is_han(p)) for p in piece):
        return -math.inf
    general = _in_dictionary(piece)
    if page is None or len(piece) < 2:
        return general
    if piece not in page.words:
        share = page.share(piece)
        page.words[piece] = math.log(math.exp(general) + PAGE_WEIGHT * share) if share else general
    return page.words[piece]


@cache
def _by_last() -> dict[tuple[str, int], list[tuple[str, float]]]:
    """The dictionary's words by their last character and length."""
    index: dict[tuple[str, int], list[tuple[str, float]]] = {}
    for word, value in _dictionary()[0].items():
        if len(word) > 1:
            index.setdefault((word[-1], len(word)), []).append((word, value))
    return index


@lru_cache(maxsize=8192)
def _han_only(place: tuple[str, ...] | None) -> tuple[str, ...]:
    return tuple(c for c in place or () if is_han(c))


@lru_cache(maxsize=8192)
def _ways(choice: tuple[str, ...]) -> Counter[str]:
    return Counter(choice)


@lru_cache(maxsize=8192)
def _scan(chars: tuple[str, ...], size: int, first: bool) -> int:
    """How many of the dictionary's words of `size` characters begin (or end) with one of `chars`."""
    index = _by_first() if first else _by_last()
    return sum(len(index.get((char, size), ())) for char in set(chars))


@lru_cache(maxsize=65536)
def _in_dictionary(piece: tuple[_Spelt, ...]) -> float:
    """The log of the dictionary's summed probability of the words the piece can spell (-inf if none)."""
    words, unknown = _dictionary()
    if all(isinstance(p, str) for p in piece):
        word = "".join(p for p in piece if isinstance(p, str))
        return words.get(word, unknown if len(piece) == 1 else -math.inf)
    total = -math.inf
    if len(piece) == 1:
        for char in piece[0] or ():
            if is_han(char):
                total = log_add(total, words.get(char, unknown))
        return total
    choices = [(p,) if isinstance(p, str) else _han_only(p) for p in piece]
    size = len(piece)
    by_first, by_last = _scan(choices[0], size, True), _scan(choices[-1], size, False)
    if math.prod(map(len, choices)) <= min(MAX_SPELLINGS, by_first, by_last):
        for spelling in product(*choices):
            value = words.get("".join(spelling))
            if value is not None:
                total = log_add(total, value)
        return total
    # Each spelling counts once per way the places spell it (two candidates spelt alike count twice).
    ways = [_ways(c) for c in choices]
    index, ends = (_by_first(), ways[0]) if by_first <= by_last else (_by_last(), ways[-1])
    for end in sorted(ends):
        for word, value in index.get((end, size), ()):
            if all(c in w for c, w in zip(word, ways, strict=True)):
                times = math.prod(w[c] for c, w in zip(word, ways, strict=True))
                total = log_add(total, value + math.log(times))
    return total


def beats(
    left: str, reading: Sequence[Place], other: Sequence[Place], right: str, page: PageWords | None = None
) -> bool:
    """Whether the text around a run is MARGIN likelier with `reading` of it than with `other` (a Bayes
    factor: the readings are of the same bytes, each lost character summed over what it may be)."""
    if not (left or right):
        return False
    return likelihood([*left, *reading, *right], page) - likelihood([*left, *other, *right], page) >= MARGIN


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


def choose(
    stretch: Sequence[Place], at: Sequence[int], page: PageWords | None = None
) -> tuple[str, ...] | None:
    """The characters for the lost places `at` of the stretch (one, or two side by side), when one choice
    of them holds at least MARGIN more of the stretch's probability than every other choice together
    (posterior odds, the other lost places summed over what they may be); else None. Two candidates that
    the dictionary spells alike (結 and 结) are never told apart."""
    if not at or any(not isinstance(stretch[k], frozenset) for k in at):
        return None
    total = likelihood(stretch, page)
    ranked = []
    for k in at:
        options = stretch[k]
        assert isinstance(options, frozenset)
        _, each = _scores(tuple(stretch), k, page) if page is not None else _general_scores(tuple(stretch), k)
        scores = sorted(((value, c) for c, value in each.items()), reverse=True)
        if len(at) == 1:
            return _if_certain(scores[0][0], total, (scores[0][1],), [options])
        ranked.append([c for _, c in scores[:TOP]])
    best = max(
        (
            (likelihood(_put(stretch, dict(zip(at, combo, strict=True))), page), combo)
            for combo in _combos(ranked)
        ),
        default=None,
    )
    sets = [options for k in at if isinstance(options := stretch[k], frozenset)]
    return _if_certain(best[0], total, best[1], sets) if best else None


def _put(stretch: Sequence[Place], chars: dict[int, str]) -> list[Place]:
    return [chars.get(k, place) for k, place in enumerate(stretch)]


def _combos(ranked: list[list[str]]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for options in ranked:
        combos = [(*combo, c) for combo in combos for c in options]
    return combos


def _if_certain(
    best: float, total: float, choice: tuple[str, ...], sets: Sequence[frozenset[str]]
) -> tuple[str, ...] | None:
    """`choice` when its probability `best` is MARGIN above the rest of `total` (both logs), and no other
    candidate of its place is spelt alike."""
    if best == -math.inf:
        return None
    for char, options in zip(choice, sets, strict=True):
        if any(other != char and _place(other) == _place(char) for other in options):
            return None
    rest = total + math.log1p(-min(1.0, math.exp(best - total))) if best < total else -math.inf
    return choice if best - rest >= MARGIN else None
