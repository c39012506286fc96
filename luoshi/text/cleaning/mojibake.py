"""Repair a page's own GBK bytes that were decoded one byte out of step (tests/corpus/README.md).

How such a run looks: after a correctly decoded double-byte character, one byte could not be decoded and
became an ASCII `?`. That single byte put the decoder one byte out of step, so the next characters are
pairs formed across two real ones (`前提?!甭鋵?shí)` for `前提。”落實`). The run ends where another single
byte brings the decoder back in step: a second `?`, or an ASCII letter that is really a trail byte.
On the way, full-width forms were folded to ASCII (`！` → `!`), pairs in GBK's user-defined area became
private-use characters and were mostly deleted, and the phantom character next to a lost byte was sometimes
given a ruby reading whose `(` was lost with it (`?yōu)`).

The repair re-encodes the run (GB18030, restoring folded forms), pairs the bytes again from the `?`, and
reconstructs a character with a lost byte only from evidence: the surviving byte plus a stray reading
(of the character itself or of the phantom the lost byte formed with its neighbour), or a set phrase from a
small list. Anything else becomes U+FFFD, one per lost character. A run is only repaired when the original
shows damage (a rare character, kana, a private-use character or a stray reading) and every character the
re-decoding yields is a common one.

The GBK table, the common characters (with OpenCC's Traditional forms) and the phrase index are built on
first use, not at import: they take most of a second, which a process that never meets a `?` should not pay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain

from luoshi.text.cleaning.ruby import PINYIN_LETTERS, drop_readings, readings

REPLACEMENT = "\ufffd"
MAX_RUN = 64  # characters scanned after the `?`; real runs are a sentence fragment at most
LOST_PENALTY = 0.75

# Set phrases that may fill a lost character (written in Simplified; Traditional variants are derived).
# Deliberately short and generic: officialese that recurs across documents, never a document's sentences.
SET_PHRASES = (
    "变为现实",
    "新担当新作为",
    "贯彻热潮",
    "落到实处",
    "落地生根",
    "抓铁有痕",
    "踏石留印",
    "真抓实干",
    "攻坚克难",
    "市委常委",
    "县委常委",
    "省委常委",
    "常委会",
    "高质量发展",
    "全面从严治党",
    "以人民为中心",
)

_STRAY_READING = re.compile(rf"[{PINYIN_LETTERS}]{{1,7}}\)")
_TRAILING_RUBY = re.compile(rf"\([{PINYIN_LETTERS}]{{1,7}}\)$")

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


def _phrase_variants() -> tuple[str, ...]:
    import opencc

    variants = set(SET_PHRASES)
    for config in ("s2t", "s2tw", "s2hk"):
        converter = opencc.OpenCC(config)
        variants.update(converter.convert(phrase) for phrase in SET_PHRASES)
    return tuple(sorted(variants))


def _gbk(char: str) -> bytes | None:
    """The two GBK (GB18030) bytes of a double-byte character, else None."""
    try:
        encoded = char.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 else None


@dataclass(frozen=True)
class _PhraseIndex:
    """(phrase, index) pairs of the set phrases' characters, by the character's lead byte and trail byte."""

    by_lead: dict[int, list[tuple[str, int]]]
    by_trail: dict[int, list[tuple[str, int]]]
    every: list[tuple[str, int]]


@cache
def _phrase_index() -> _PhraseIndex:
    index = _PhraseIndex({}, {}, [])
    for phrase in _phrase_variants():
        for k, char in enumerate(phrase):
            encoded = _gbk(char)
            if encoded:
                index.by_lead.setdefault(encoded[0], []).append((phrase, k))
                index.by_trail.setdefault(encoded[1], []).append((phrase, k))
                index.every.append((phrase, k))
    return index


# Lead bytes of GBK's user-defined areas (AAA1–AFFE, F8A1–FEFE, A140–A7A0): a deleted pair started with one.
_USER_DEFINED_LEADS = frozenset(chain(range(0xAA, 0xB0), range(0xF8, 0xFF), range(0xA1, 0xA8)))


def _char(lead: int | None, trail: int | None) -> str | None:
    if lead is None or trail is None:
        return None
    return _table().get(lead << 8 | trail)


def plausibility(char: str) -> int:
    """1 for a common character or punctuation, -2 for a rare Han character, -3 for anything else."""
    if char in common():
        return 1
    if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff":
        return -2
    return -3


@dataclass
class _Lost:
    """A character one of whose bytes was lost; `allowed` limits an unknown byte when something is known."""

    lead: int | None
    trail: int | None
    trail_allowed: frozenset[int] | None = None
    choice: str | None = field(default=None)

    def admits(self, char: str) -> bool:
        encoded = _gbk(char)
        if encoded is None:
            return False
        lead, trail = encoded
        if self.lead is not None and lead != self.lead:
            return False
        if self.trail is not None and trail != self.trail:
            return False
        return self.trail_allowed is None or trail in self.trail_allowed


@dataclass
class _Run:
    text: str  # the repaired characters, U+FFFD for each lost one
    end: int  # index just after the damaged span
    lost: int
    score: float  # plausibility gained over the damaged span


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
) -> str | None:
    """Reconstruct the character holding lost byte `index` from a reading of it or of its phantom."""
    at_lead = index % 2 == 0
    if at_lead:
        partner = data[index + 1]
        neighbour = data[index - 1] if index > 0 else before
    else:
        partner = data[index - 1]
        neighbour = data[index + 1] if index + 1 < len(data) else after
    if partner is None:
        return None
    return _reconstruct(at_lead, partner, neighbour, reading)


@lru_cache(maxsize=4096)
def _reconstruct(at_lead: bool, partner: int, neighbour: int | None, reading: str) -> str | None:
    """The one common character (lost byte + `partner`) that the reading points to, through itself or the
    phantom the lost byte formed with `neighbour`; a phantom that is itself common ranks first."""
    ranked: dict[tuple[bool, bool], set[str]] = {}
    common_chars = common()
    for byte in range(0x40, 0xFF):
        true = _char(byte, partner) if at_lead else _char(partner, byte)
        if true is None:
            continue
        phantom = _char(neighbour, byte) if at_lead else _char(byte, neighbour)
        own = reading in readings(true)
        via_phantom = phantom is not None and reading in readings(phantom)
        if own or via_phantom:
            strong = own or phantom in common_chars
            ranked.setdefault((true in common_chars, strong), set()).add(true)
    if not ranked:
        return None
    best = max(ranked)
    chars = ranked[best]
    if best[0] and len(chars) == 1:
        return next(iter(chars))
    return None


def _by_phrase(items: list[str | _Lost], left: str, right: str) -> None:
    """Fill lost characters that exactly one set phrase, aligned with the known context, admits."""
    sequence: list[str | _Lost] = [*left, *items, *right]
    candidates: dict[int, set[str]] = {}
    for position, hole in enumerate(sequence):
        if not isinstance(hole, _Lost) or hole.choice is not None:
            continue
        for phrase, k in _phrases_through(hole):
            offset = position - k
            if offset < 0 or offset + len(phrase) > len(sequence):
                continue
            window = sequence[offset : offset + len(phrase)]
            if all(
                item.admits(phrase[n])
                if isinstance(item, _Lost) and item.choice is None
                else _known(item) == phrase[n]
                for n, item in enumerate(window)
            ):
                candidates.setdefault(position, set()).add(phrase[k])
    for position, chars in candidates.items():
        hole = sequence[position]
        if isinstance(hole, _Lost) and len(chars) == 1:
            hole.choice = next(iter(chars))


def _phrases_through(hole: _Lost) -> list[tuple[str, int]]:
    """(phrase, index) pairs whose character at index the lost character's surviving byte admits."""
    index = _phrase_index()
    if hole.lead is not None:
        return index.by_lead.get(hole.lead, [])
    if hole.trail is not None:
        return index.by_trail.get(hole.trail, [])
    return index.every


def _known(item: str | _Lost) -> str | None:
    return item.choice if isinstance(item, _Lost) else item


def _decode(
    data: list[int | None],
    deleted: int | None,
    stray: list[_Reading],
    before: int | None,
    after: int | None,
) -> tuple[list[str | _Lost], float] | None:
    """Pair the bytes again; None unless every whole character is a common one. Returns items and score."""
    items: list[str | _Lost] = []
    score = 0.0
    common_chars = common()
    for k in range(0, len(data), 2):
        lead, trail = data[k], data[k + 1]
        if lead is not None and trail is not None:
            char = _char(lead, trail)
            if char is None or char not in common_chars:
                return None
            items.append(char)
            score += 1
        else:
            # The first byte of a deleted user-defined pair is this character's trail.
            allowed = _USER_DEFINED_LEADS if deleted is not None and k + 1 == deleted else None
            items.append(_Lost(lead, trail, allowed))
    for reading in stray:
        item = items[reading.byte // 2]
        if isinstance(item, _Lost) and data[reading.byte] is None:
            item.choice = _by_reading(data, reading.byte, reading.value, before, after)
    for item in items:
        if isinstance(item, _Lost):
            score += 1 if item.choice is not None else -LOST_PENALTY
    return items, score


def _render(items: list[str | _Lost], fold: bool) -> tuple[str, int]:
    out = []
    lost = 0
    for item in items:
        char = _known(item)
        if char is None:
            lost += 1
            out.append(REPLACEMENT)
        else:
            out.append(_fold(char) if fold else char)
    return "".join(out), lost


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    left = drop_readings(text[max(0, start - 40) : start])[0][-6:]
    right = drop_readings(text[end : end + 40])[0][:6]
    return left, right


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
    and the span's own plausibility. Only spans that show damage are offered.
    """
    stray: list[_Reading] = []
    j = i + 1
    match = _STRAY_READING.match(text, j)
    if match:
        stray.append(_Reading(0, match.group()[:-1]))
        j = match.end()
    body: list[int] = []  # bytes after the lost first one
    evidence = bool(stray)
    original = -1.0  # the damaged span's own plausibility, to beat
    limit = min(len(text), i + MAX_RUN)
    while j < limit:
        char = text[j]
        code = ord(char)
        if char == "?":
            data: list[int | None] = [None, *body, None]
            end = j + 1
            match = _STRAY_READING.match(text, end)
            if match:
                stray = [*stray, _Reading(len(data) - 1, match.group()[:-1])]
                evidence = True
                end = match.end()
            if evidence:
                yield data, stray, end, original - 1
            return
        if code < 0x21:
            return
        if code < 0x80:
            # An ASCII letter is either the trail byte that ends the run, or a folded full-width form.
            if 0x40 <= code <= 0x7E and evidence:
                yield [None, *body, code], stray, j + 1, original - 1
            body += (0xA3, code + 0x80)
            original -= 1
            j += 1
            continue
        encoded = _gbk(char)
        if encoded is None:
            return
        value = plausibility(char)
        evidence = evidence or value < 0
        original += value
        body += encoded
        j += 1


def _try_run(text: str, i: int, fold: bool) -> _Run | None:
    """Repair the run starting at the `?` at `i`, ending at the nearest point that explains it.

    A reading that needs no deleted user-defined pair is preferred at any end over one that does.
    """
    before = _previous_trail(text, i)
    if before is None:
        return None
    ends = list(_ends(text, i))
    for with_deletion in (False, True):
        for data, stray, end, before_repair in ends:
            after_bytes = _gbk(text[end]) if end < len(text) else None
            after = after_bytes[0] if after_bytes else None
            decoded = None
            if not with_deletion:
                decoded = _decode(data, None, stray, before, after)
            else:
                for cut in range(1, len(data), 2):
                    widened = [*data[:cut], None, None, *data[cut:]]
                    shifted = [_Reading(r.byte + 2 if r.byte >= cut else r.byte, r.value) for r in stray]
                    option = _decode(widened, cut, shifted, before, after)
                    if option is not None and (decoded is None or option[1] > decoded[1]):
                        decoded = option
            if decoded is None or decoded[1] <= before_repair:
                continue
            items, score = decoded
            lost = sum(1 for item in items if isinstance(item, _Lost) and item.choice is None)
            known = len(items) - lost
            if known == 0 or lost > known + 1:
                continue  # mostly lost: too little evidence that this was a run at all
            if any(isinstance(item, _Lost) and item.choice is None for item in items):
                _by_phrase(items, *_context(text, i, end))
            repaired, lost = _render(items, fold)
            return _Run(repaired, end, lost, score - before_repair)
    return None


def repair(text: str, *, fold_fullwidth: bool) -> tuple[str, int, int]:
    """Re-decode out-of-step GBK runs; return the text, the runs repaired and the characters lost."""
    i = text.find("?")
    if i == -1:
        return text, 0, 0
    parts = []
    position = runs = lost = 0
    while i != -1:
        run = _try_run(text, i, fold_fullwidth) if i > 0 else None
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
