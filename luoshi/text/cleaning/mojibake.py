"""Repair a page's own GBK bytes that were decoded one byte out of step (tests/corpus/README.md).

How such a run looks: after a correctly decoded double-byte character, one byte could not be decoded and
became an ASCII `?`. That single byte put the decoder one byte out of step, so the next characters are
pairs formed across two real ones (`前提?!甭鋵?shí)` for `前提。”落實`). The run ends where another single
byte brings the decoder back in step: a second `?`, or an ASCII letter that is really a trail byte.
On the way, full-width forms were folded to ASCII (`！` → `!`), pairs in GBK's user-defined area became
private-use characters and were mostly deleted, and the phantom character next to a lost byte was sometimes
given a ruby reading whose `(` was lost with it (`?yōu)`).

The repair re-encodes the run (GB18030, restoring folded forms) and pairs the bytes again from the `?`.
Every rule works on any character of any page; the only knowledge of the language is a general
dictionary's word frequencies (`words`), never a list of phrases seen in the corpus.

- A character one of whose bytes was lost is reconstructed from the run's own evidence: the surviving
  byte plus a stray reading, when exactly one GBK character fits them both (through its own reading or
  through the phantom the lost byte formed with its neighbour), or the surviving byte plus the words
  around it (below). Otherwise it is U+FFFD, one per lost character.
- Nothing in the bytes says where a private-use pair was deleted, and a pair that straddles a deletion
  still decodes to some character, often a common one. So the readings of the bytes with a deletion put
  back at each place (at most two) are scored beside the plain one. A deletion is put back only where the
  bytes around it can have formed a pair that GB18030 decodes to a private-use character (the character
  before it ends, and the one after it begins, with a byte such a pair can hold). A character stands only
  if every reading within DOUBT of the chosen one forms it from the same two bytes, and, if a reading
  within DOUBT_WIDE would split it, only where it also stands beside its neighbour elsewhere on the same
  page. Else U+FFFD.
- A run is repaired only when the re-decoding is more plausible than the damaged span (common characters
  against rare ones, kana, private-use characters, stray `?`, readings and ASCII forms), at the end that
  explains the most damage, counting the run that would start at the next `?`.
- A run goes on past a `?` taken for a folded `？` only when the text after it shows damage as it stands
  (a rare character, kana, a private-use character, an ASCII form). Text in step can read as well out of
  step (一一一, D2BB D2BB D2BB, is 灰灰 one byte on): without evidence in its own characters, the run ends
  at the `?` and the text after it is left as it is.
- The words around the run weigh its readings (`words`): the most plausible reading is chosen unless the
  text around the run is over a thousand times likelier with another one (such as one that splits a
  character in two around a deleted pair) than with all the other readings near it together; a reading
  that splits a character casts no doubt on it when the text is over a thousand times likelier with the
  chosen reading (each lost character summed over what its surviving byte admits). And each character
  one of whose bytes survived (the run's first and last, and the two beside a deleted pair) is settled
  when one of the characters that byte admits holds over a thousand times more of the probability than
  all the others together. A character with no surviving byte is never filled from its context.

The GBK table and the common characters (with OpenCC's Traditional forms) are built on first use, not at
import: they take most of a second, which a process that never meets a `?` should not pay.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import chain

from luoshi.text.cleaning import words
from luoshi.text.cleaning.ruby import PINYIN_LETTERS, readings

REPLACEMENT = "\ufffd"
MAX_RUN = 64  # characters scanned after the `?`; real runs are a sentence fragment at most

# Scores. A re-decoding replaces the damaged span when it gains at least MARGIN over the span as it
# stands: each common character counts +1, a rare Han character -2, anything else (kana, private-use, box
# drawing, full-width letters) -3; in the span, each `?` or ASCII form counts QUESTION and a stray reading
# STRAY; in the re-decoding a lost character counts LOST and each deleted user-defined pair DELETION.
MARGIN = 0.0
LOST = -0.25
DELETION = -1.0
QUESTION = -1.5
STRAY = -3.0
DOUBT = 1.0  # readings of the bytes scoring this close to the best one must agree on a character
DOUBT_WIDE = 3.0  # a character a reading this close would split must also stand beside its neighbour
MAX_FOLDED_QUESTIONS = 1  # a `?` inside a run taken for a folded `？`, at most
MAX_PLANS = 400  # deletion places tried in one run (none, one, or two)
PAGE_WINDOW = 4000  # characters around a run that count as its page

# `yōu)` or `(yōu)` right after a `?`: a reading whose character was lost.
_STRAY_READING = re.compile(rf"\(?[{PINYIN_LETTERS}]{{1,7}}\)")
_TRAILING_RUBY = re.compile(rf"\([{PINYIN_LETTERS}]{{1,7}}\)$")
_READINGS = re.compile(rf"\([{PINYIN_LETTERS}]{{1,7}}\)")
_RUBY_AHEAD = re.compile(rf"\([{PINYIN_LETTERS}A-Z0-9 .\-]{{1,16}}\)")

# Punctuation and symbols a Chinese text plausibly holds (GBK row A1 and the full-width forms in use).
_PUNCTUATION = (
    "。，、；：？！“”‘’（）《》〈〉【】〔〕「」『』—…·□○■●◆◇★☆※№％＋－．／＜＝＞～＃＆＊＠"
    "０１２３４５６７８９"
)


@cache
def _table() -> dict[int, str]:
    """Every double-byte GBK code (lead << 8 | trail) to its character."""
    table = {}
    for lead in range(0x81, 0xFF):
        for trail in chain(range(0x40, 0x7F), range(0x80, 0xFF)):
            try:
                table[lead << 8 | trail] = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
    return table


@cache
def common() -> frozenset[str]:
    """GB2312's level-1 characters in Simplified and Traditional forms, and a Chinese text's punctuation."""
    import opencc

    level1 = "".join(
        bytes((lead, trail)).decode("gb2312")
        for lead in range(0xB0, 0xD8)
        for trail in range(0xA1, 0xFF)
        if lead != 0xD7 or trail <= 0xF9
    )
    joined = "\n".join(level1)
    common = set(level1) | set(_PUNCTUATION)
    for config in ("s2t", "s2tw", "s2hk"):
        common.update(opencc.OpenCC(config).convert(joined).replace("\n", ""))
    return frozenset(common)


def _gbk(char: str) -> bytes | None:
    """The two GBK (GB18030) bytes of a double-byte character, else None."""
    try:
        encoded = char.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 else None


@cache
def _private_use_pairs() -> frozenset[tuple[int, int]]:
    """The byte pairs GB18030 decodes to a private-use character (GBK's user-defined areas AAA1–AFFE,
    F8A1–FEFE, A140–A7A0, and the unassigned codes in the symbol rows): the pairs a decoder could delete."""
    pairs = set()
    for lead in range(0x81, 0xFF):
        for trail in chain(range(0x40, 0x7F), range(0x80, 0xFF)):
            try:
                char = bytes((lead, trail)).decode("gb18030")
            except UnicodeDecodeError:
                continue
            if len(char) == 1 and "\ue000" <= char <= "\uf8ff":
                pairs.add((lead, trail))
    return frozenset(pairs)


@cache
def _deletion_bytes() -> tuple[frozenset[int], frozenset[int]]:
    """The bytes a deleted private-use pair can begin with (the trail of the character before it) and end
    with (the lead of the character after it)."""
    pairs = _private_use_pairs()
    return frozenset(lead for lead, _ in pairs), frozenset(trail for _, trail in pairs if _valid_lead(trail))


def _char(lead: int | None, trail: int | None) -> str | None:
    if lead is None or trail is None:
        return None
    return _table().get(lead << 8 | trail)


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def plausibility(char: str) -> int:
    """1 for a common character or punctuation, -2 for a rare Han character, -3 for anything else."""
    if char in common():
        return 1
    if _is_han(char):
        return -2
    return -3


def _valid_lead(byte: int) -> bool:
    return 0x81 <= byte <= 0xFE


def _valid_trail(byte: int) -> bool:
    return 0x40 <= byte <= 0xFE and byte != 0x7F


@dataclass
class _Lost:
    """A character one of whose bytes was lost; `allowed` limits the unknown byte when it is known to have
    begun (an unknown trail) or ended (an unknown lead) a deleted private-use pair; `choice` is the one
    character the evidence admits."""

    lead: int | None
    trail: int | None
    allowed: frozenset[int] | None = None
    choice: str | None = None
    fits: frozenset[str] | None = None  # the characters a stray reading admits, when more than one


@dataclass
class _Run:
    text: str  # the repaired characters, U+FFFD for each lost one
    end: int  # index just after the damaged span
    lost: int
    gain: float  # plausibility gained over the damaged span


@dataclass
class _Reading:
    byte: int  # index into the run's bytes
    value: str


def _fold(char: str) -> str:
    if "\uff01" <= char <= "\uff5e":
        return chr(ord(char) - 0xFEE0)
    return char


def _by_reading(
    data: list[int | None], index: int, reading: str, before: int | None, after: int | None
) -> frozenset[str]:
    """The characters holding lost byte `index` that a reading of it or of its phantom admits."""
    at_lead = index % 2 == 0
    if at_lead:
        partner = data[index + 1]
        neighbour = data[index - 1] if index > 0 else before
    else:
        partner = data[index - 1]
        neighbour = data[index + 1] if index + 1 < len(data) else after
    if partner is None:
        return frozenset()
    return _fits(at_lead, partner, neighbour, reading)


@lru_cache(maxsize=4096)
def _fits(at_lead: bool, partner: int, neighbour: int | None, reading: str) -> frozenset[str]:
    """The characters (lost byte + `partner`) the reading points to, through their own reading or through
    the phantom the lost byte formed with `neighbour`. Exactly one is a reconstruction; of several, none is
    chosen here (choosing the likelier would be a guess), but the words around may settle it (`words`).

    Every GBK character counts as a candidate, common or not.
    """
    found: set[str] = set()
    for byte in range(0x40, 0xFF):
        true = _char(byte, partner) if at_lead else _char(partner, byte)
        if true is None or not (_is_han(true) or true in common()):
            continue
        phantom = _char(neighbour, byte) if at_lead else _char(byte, neighbour)
        if reading in readings(true) or (phantom is not None and reading in readings(phantom)):
            found.add(true)
    return frozenset(found)


@lru_cache(maxsize=4096)
def _with_byte(lead: int | None, trail: int | None, allowed: frozenset[int] | None) -> frozenset[str]:
    """The Han characters and punctuation marks whose surviving byte is `lead` or `trail` (the other within
    `allowed`)."""
    if lead is not None:
        chars = (_char(lead, byte) for byte in range(0x40, 0xFF) if allowed is None or byte in allowed)
    elif trail is not None:
        chars = (_char(byte, trail) for byte in range(0x81, 0xFF) if allowed is None or byte in allowed)
    else:
        return frozenset()
    return frozenset(char for char in chars if char and (_is_han(char) or char in _PUNCTUATION))


class _Words:
    """The words around a run, asked how likely the text is with each reading of the run (`words`)."""

    def __init__(self, text: str, i: int, end: int) -> None:
        self.left = words.known_before(_READINGS.sub("", text[max(0, i - 40) : i]))
        self.right = words.known_after(_READINGS.sub("", text[end : end + 40]))
        self.known: dict[int, float] = {}

    def likelihood(self, option: _Option) -> float:
        key = id(option)
        if key not in self.known:
            self.known[key] = words.likelihood([*self.left, *_reading_of(option[0]), *self.right])
        return self.known[key]

    def beats(self, chosen: _Option, other: _Option) -> bool:
        """Whether the text around the run is MARGIN likelier with `chosen` than with `other`."""
        if not (self.left or self.right):
            return False
        return self.likelihood(chosen) - self.likelihood(other) >= words.MARGIN

    def pick(self, options: Sequence[_Option]) -> _Option:
        """The reading the words make MARGIN likelier than every other reading near it together (those
        scoring within DOUBT_WIDE of either), else the most plausible one (`options[0]`).

        A reading with a character of which no byte survived is never picked: such a place costs the words
        nothing, which would favour it over a reading whose characters are all known."""
        top = options[0]
        if not (self.left or self.right):
            return top
        pool = [o for o in options if o[2] >= top[2] - DOUBT_WIDE]
        best = max(pool, key=self.likelihood)
        if best is top or any(isinstance(item, _Lost) and _reading_of([item])[0] is None for item in best[0]):
            return top
        rivals = [o for o in options if o is not best and o[2] >= best[2] - DOUBT_WIDE and _differs(best, o)]
        rest = -math.inf
        for rival in rivals:
            rest = words.log_add(rest, self.likelihood(rival))
        return best if self.likelihood(best) - rest >= words.MARGIN else top


def _reading_of(items: Sequence[str | _Lost]) -> list[words.Place]:
    """The reading's characters, each lost one as the characters its surviving byte admits (or None)."""
    return [item if isinstance(item, str) else item.choice or _open(item) for item in items]


def _by_words(items: list[str | _Lost], text: str, i: int, end: int) -> None:
    """Settle each character of the run one of whose bytes was lost (its first and last, and the two
    beside a deleted pair) by the words it forms with the known text around it (`words.choose`), each
    alone; the two of a run of two together first.
    """
    places = [k for k, item in enumerate(items) if isinstance(item, _Lost) and _open(item)]
    if not places:
        return
    left = words.known_before(_READINGS.sub("", text[max(0, i - 40) : i]))
    right = words.known_after(_READINGS.sub("", text[end : end + 40]))
    tries: list[list[int]] = []
    for k in places:
        if k - 1 in places and len(items) == 2:
            tries[-1:] = [[k - 1, k], [k - 1], [k]]
        else:
            tries.append([k])
    for group in tries:
        if any(_char_of(items[k]) is not None for k in group):
            continue
        stretch = [*left, *_reading_of(items), *right]
        found = words.choose(stretch, [len(left) + k for k in group])
        for k, char in zip(group, found or (), strict=False):
            item = items[k]
            if isinstance(item, _Lost):
                items[k] = replace(item, choice=char)


def _open(lost: _Lost) -> frozenset[str] | None:
    """The characters a lost one may be, when its surviving byte is known and no reading settled it."""
    if lost.choice is not None:
        return None
    return lost.fits or _with_byte(lost.lead, lost.trail, lost.allowed) or None


def _admits_something(lost: _Lost) -> bool:
    """Whether any GBK character has the lost character's surviving byte where it survived."""
    if lost.lead is not None:
        return _valid_lead(lost.lead)
    if lost.trail is not None:
        return _valid_trail(lost.trail)
    return True


_Key = tuple[int | None, int | None]


def _decode(
    data: list[int | None],
    cuts: tuple[int, ...],
    stray: list[_Reading],
    before: int | None,
    after: int | None,
) -> tuple[list[str | _Lost], list[_Key], float] | None:
    """Pair the bytes again, with a deleted user-defined pair put back before each index in `cuts`.

    None if a whole pair is not a GBK character. Returns the items, each item's key (the indices into
    `data` of its two bytes, None for a byte of a deleted pair) and the score.
    """
    slots: list[int | None] = []
    for k in range(len(data)):
        slots += [None, None] * cuts.count(k)
        slots.append(k)
    values = [None if slot is None else data[slot] for slot in slots]
    items: list[str | _Lost] = []
    keys: list[_Key] = []
    score = DELETION * len(cuts)
    for k in range(0, len(slots), 2):
        lead, trail = values[k], values[k + 1]
        keys.append((slots[k], slots[k + 1]))
        if lead is not None and trail is not None:
            char = _char(lead, trail)
            if char is None:
                return None
            items.append(char)
            score += plausibility(char)
        else:
            # A deleted private-use pair began with this character's trail, or ended with its lead.
            begins, ends = _deletion_bytes()
            if slots[k] is not None and slots[k + 1] is None and k + 2 < len(slots) and slots[k + 2] is None:
                allowed: frozenset[int] | None = begins
            elif slots[k] is None and slots[k + 1] is not None and k > 0 and slots[k - 1] is None:
                allowed = ends
            else:
                allowed = None
            lost = _Lost(lead, trail, allowed)
            if not _admits_something(lost):
                return None
            items.append(lost)
    for reading in stray:
        slot = slots.index(reading.byte)
        item = items[slot // 2]
        if isinstance(item, _Lost) and values[slot] is None:
            fits = frozenset(
                char
                for char in _by_reading(values, slot, reading.value, before, after)
                if (encoded := _gbk(char)) and (item.allowed is None or encoded[slot % 2] in item.allowed)
            )
            if len(fits) == 1:
                item.choice = next(iter(fits))
            elif fits:
                item.fits = fits
    for item in items:
        if isinstance(item, _Lost):
            score += plausibility(item.choice) if item.choice is not None else LOST
    return items, keys, score


def _render(items: list[str | _Lost], fold: bool) -> tuple[str, int]:
    out = []
    lost = 0
    for item in items:
        char = item.choice if isinstance(item, _Lost) else item
        if char is None:
            lost += 1
            out.append(REPLACEMENT)
        else:
            out.append(_fold(char) if fold else char)
    return "".join(out), lost


def _previous_trail(text: str, i: int) -> int | None:
    """The trail byte of the double-byte character before the `?`, skipping a ruby reading after it."""
    j = i
    if j > 0 and text[j - 1] == ")":
        match = _TRAILING_RUBY.search(text, max(0, j - 10), j)
        if match:
            j = match.start()
    if j == 0:
        return None
    encoded = _gbk(text[j - 1])
    return encoded[1] if encoded else None


_End = tuple[list[int | None], list[_Reading], int, float]


def _ends(text: str, i: int) -> Iterator[_End]:
    """Where the run from the `?` at `i` may end, nearest first.

    Each end gives the run's bytes (None for a lost byte), its stray readings, the index after the span,
    and the span's own plausibility as it stands.
    """
    stray: list[_Reading] = []
    original = QUESTION
    j = i + 1
    match = _STRAY_READING.match(text, j)
    if match:
        stray.append(_Reading(0, match.group().lstrip("(")[:-1]))
        original += STRAY
        j = match.end()
    body: list[int] = []  # bytes after the lost first one
    folded_questions = 0
    # Since a `?` was taken for a folded `？`, whether the text after it shows damage as it stands. Text in
    # step reads as plausibly there as out of step when a pair repeats (`一一一` is D2BB D2BB D2BB, `灰灰`
    # out of step): going on past the `?` is a guess unless the span's own characters say it is damaged.
    damaged = True
    limit = min(len(text), i + MAX_RUN)
    while j < limit:
        char = text[j]
        code = ord(char)
        if not damaged and (char == "?" or (code < 0x80 and 0x40 <= code <= 0x7E and not _in_word(text, j))):
            return  # the run went on through text in step, or so it may have: it ended at the `?`
        if char == "?":
            data: list[int | None] = [None, *body, None]
            end = j + 1
            closing = original + QUESTION
            match = _STRAY_READING.match(text, end)
            if match:
                stray = [*stray, _Reading(len(data) - 1, match.group().lstrip("(")[:-1])]
                closing += STRAY
                end = match.end()
            yield data, stray, end, closing
            if match or folded_questions >= MAX_FOLDED_QUESTIONS:
                return
            # Or a full-width `？` (A3 BF) formed across two characters and folded: the run goes on.
            folded_questions += 1
            body += (0xA3, 0xBF)
            original += QUESTION
            damaged = False
            j += 1
            continue
        if code < 0x21:
            return
        if char == "(" and _RUBY_AHEAD.match(text, j):
            return  # a reading (or a bracketed ASCII word) follows a character in step: the run ended
        if code < 0x80:
            # An ASCII letter is either the trail byte that ends the run, or a folded full-width form.
            if 0x40 <= code <= 0x7E and not _in_word(text, j):
                yield [None, *body, code], stray, j + 1, original + QUESTION
            body += (0xA3, code + 0x80)
            original += QUESTION
            damaged = True
            j += 1
            continue
        encoded = _gbk(char)
        if encoded is None:
            return
        damaged = damaged or plausibility(char) <= 0
        original += plausibility(char)
        body += encoded
        j += 1


_Option = tuple[list[str | _Lost], list[_Key], float]


def _agree(chosen: _Option, near: list[_Option]) -> list[str | _Lost]:
    """The chosen reading, keeping only characters every near reading forms from the same bytes."""
    items, keys, _ = chosen
    tables = [dict(zip(option[1], option[0], strict=True)) for option in near]
    out: list[str | _Lost] = []
    for item, key in zip(items, keys, strict=True):
        char = item.choice if isinstance(item, _Lost) else item
        if char is not None and all(
            _same(table.get(key), char) for table in tables if None not in key or key in table
        ):
            out.append(item)
        else:
            out.append(item if isinstance(item, _Lost) and item.choice is None else _Lost(None, None))
    return out


def _char_of(item: str | _Lost) -> str | None:
    return item.choice if isinstance(item, _Lost) else item


def _same(item: str | _Lost | None, char: str) -> bool:
    if isinstance(item, _Lost):
        return item.choice == char
    return item == char


def _in_word(text: str, j: int) -> bool:
    """Whether the ASCII letter at `j` belongs to a word (`GDP`, `AI`) rather than being a lone trail byte:
    a letter follows it, or two precede it. (One before it may be a folded full-width form: `WC` is `Ｗ` and
    the trail byte `C`; a digit after it is the text going on: `嬤_8000`.) A symbol never is."""
    if not text[j].isalpha():
        return False
    following = text[j + 1 : j + 2]
    if following.isascii() and following.isalpha():
        return True
    previous = text[max(0, j - 2) : j]
    return len(previous) == 2 and previous.isascii() and previous.isalpha()


def _best(
    data: list[int | None],
    stray: list[_Reading],
    before: int | None,
    after: int | None,
    judge: _Words | None = None,
) -> tuple[list[str | _Lost], list[bool], float] | None:
    """The re-decoding of the run's bytes, as they are or with deleted private-use pairs put back.

    Nothing in the bytes says where a pair was deleted: any pair of the run could be two characters with
    a deleted phantom between them. The most plausible reading is chosen, unless the words around the run
    (`judge`) make another one MARGIN likelier than all the readings near it together. Every reading scoring
    within DOUBT of the chosen one is kept, and a character of the chosen reading stands only if each of
    them forms it from the same two bytes; elsewhere it is marked lost. A character that a reading within
    DOUBT_WIDE would split is flagged as doubted: the caller keeps it only with further evidence
    (`_settle`). A reading that the chosen one beats by the words around the run casts no doubt.
    """
    key = tuple((r.byte, r.value) for r in stray)
    options = _options_of(tuple(data), key, before, after)
    if not options:
        return None
    chosen = judge.pick(options) if judge is not None else options[0]
    near = [o for o in options if o[2] >= chosen[2] - DOUBT]
    wide = [o for o in options if o[2] >= chosen[2] - DOUBT_WIDE]
    if judge is not None:
        near = [o for o in near if o is chosen or not _differs(chosen, o) or not judge.beats(chosen, o)]
        wide = [o for o in wide if o is chosen or not _differs(chosen, o) or not judge.beats(chosen, o)]
    items = _agree(chosen, near)
    tables = [dict(zip(option[1], option[0], strict=True)) for option in wide]
    doubted = [
        char is not None and not all(_same(table.get(key), char) for table in tables)
        for char, key in zip(map(_char_of, items), chosen[1], strict=True)
    ]
    return items, doubted, options[0][2]  # how plausible the run's bytes are re-decoded, whichever reading


def _differs(chosen: _Option, other: _Option) -> bool:
    """Whether `other` forms some character of `chosen` otherwise, or not from the same two bytes."""
    table = dict(zip(other[1], other[0], strict=True))
    return any(
        char is not None and not _same(table.get(key), char)
        for char, key in zip(map(_char_of, chosen[0]), chosen[1], strict=True)
    )


@lru_cache(maxsize=1024)
def _options_of(
    data_: tuple[int | None, ...], stray_: tuple[tuple[int, str], ...], before: int | None, after: int | None
) -> tuple[_Option, ...]:
    """The readings of the run's bytes, with a deleted pair put back nowhere, at one place or at two, most
    plausible first."""
    data = list(data_)
    stray = [_Reading(byte, value) for byte, value in stray_]
    places = range(1, len(data), 2)
    plans: list[tuple[int, ...]] = [()]
    plans += [(c,) for c in places]
    plans += [(a, b) for a in places for b in places if a <= b][: MAX_PLANS - len(plans)]
    options = [option for plan in plans if (option := _decode(data, plan, stray, before, after)) is not None]
    return tuple(sorted(options, key=lambda option: -option[2]))


class _Page:
    """The text around the runs, asked whether two Han characters stand side by side in it (within about
    PAGE_WINDOW characters of the run, a reading between them allowed: `現(xiàn)實`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.known: dict[tuple[str, int], bool] = {}

    def pairs(self, left: str | None, right: str | None, at: int) -> bool:
        if not (left and right and _is_han(left) and _is_han(right)):
            return False  # punctuation pairs with almost anything: no evidence
        block = at // PAGE_WINDOW
        key = (left + right, block)
        if key not in self.known:
            window = self.text[max(0, (block - 1) * PAGE_WINDOW) : (block + 2) * PAGE_WINDOW]
            self.known[key] = left + right in window or bool(_pair_pattern(left, right).search(window))
        return self.known[key]


@lru_cache(maxsize=4096)
def _pair_pattern(left: str, right: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(left)}\([{PINYIN_LETTERS}]{{1,7}}\){re.escape(right)}")


def _settle(
    items: list[str | _Lost], doubted: list[bool], left: str | None, right: str | None, page: _Page, at: int
) -> None:
    """Keep a doubted character only where it stands beside its neighbour elsewhere on the same page; else
    mark it lost. A pair split by a deleted phantom reads as some character, but rarely as one the page
    itself pairs with the character next to it. (A character a stray reading pinned down is no exception:
    the reading fits it only under the pairing that the deletion would change.)
    """
    chars = [left, *map(_char_of, items), right]
    for k in range(len(items)):
        if doubted[k] and not (
            page.pairs(chars[k], chars[k + 1], at) or page.pairs(chars[k + 1], chars[k + 2], at)
        ):
            items[k] = _Lost(None, None)


def _try_run(text: str, i: int, fold: bool, page: _Page, *, look_ahead: bool = True) -> _Run | None:
    """Repair the run starting at the `?` at `i`.

    Each end where re-decoding gains at least MARGIN over the span as it stands is a candidate. A farther
    end also swallows the next `?` and its reading, so each candidate is valued together with the run
    that would start at the next `?` after it (if that lies before the farthest end): the best total
    wins, the nearest on a tie.
    """
    before = _previous_trail(text, i)
    if before is None:
        return None
    candidates: list[_Run] = []
    for data, stray, end, as_is in _ends(text, i):
        after_bytes = _gbk(text[end]) if end < len(text) else None
        after = after_bytes[0] if after_bytes else None
        decoded = _best(data, stray, before, after, _Words(text, i, end))
        if decoded is None:
            continue
        items, doubted, score = decoded
        gain = score - as_is
        if gain < MARGIN:
            continue
        ruby = _RUBY_AHEAD.match(text, end)
        last = _char_of(items[-1])
        if ruby and last and ruby.group()[1:-1] in readings(last):
            doubted[-1] = False  # its own reading right after the run confirms the last character
        _settle(items, doubted, _previous_char(text, i), text[end] if end < len(text) else None, page, i)
        _by_words(items, text, i, end)
        repaired, lost = _render(items, fold)
        candidates.append(_Run(repaired, end, lost, gain))
    if not candidates:
        return None
    if len(candidates) == 1 or not look_ahead:
        return max(candidates, key=lambda run: run.gain)
    farthest = max(run.end for run in candidates)

    def value(run: _Run) -> float:
        following = text.find("?", run.end, farthest)
        if following == -1:
            return run.gain
        after_run = _try_run(text, following, fold, page, look_ahead=False)
        return run.gain + (after_run.gain if after_run else 0.0)

    return max(candidates, key=value)


def _previous_char(text: str, i: int) -> str | None:
    """The character before the `?`, skipping a ruby reading after it."""
    j = i
    if j > 0 and text[j - 1] == ")":
        match = _TRAILING_RUBY.search(text, max(0, j - 10), j)
        if match:
            j = match.start()
    return text[j - 1] if j > 0 else None


def _reads_clean(text: str, end: int) -> bool:
    """Whether the text after a run's end reads clean: the end of the text, white space, ASCII other than
    `?` and what could be a trail byte, or a common character. Anything else shows the run went on."""
    if end >= len(text):
        return True
    char = text[end]
    if char.isspace():
        return True
    if char < "\x80":
        return char != "?" and not "\x40" <= char <= "\x7e"
    return plausibility(char) > 0


def repair(text: str, *, fold_fullwidth: bool) -> tuple[str, int, int]:
    """Re-decode out-of-step GBK runs; return the text, the runs repaired and the characters lost."""
    i = text.find("?")
    if i == -1:
        return text, 0, 0
    page = _Page(text)
    parts = []
    position = runs = lost = 0
    while i != -1:
        run = _try_run(text, i, fold_fullwidth, page) if i > 0 else None
        if run is None:
            i = text.find("?", i + 1)
            continue
        parts.append(text[position:i])
        parts.append(run.text)
        position = run.end
        runs += 1
        lost += run.lost
        i = text.find("?", run.end)
    parts.append(text[position:])
    return "".join(parts), runs, lost
