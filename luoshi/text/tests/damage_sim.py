"""Damage any clean Chinese text the way the corpus README says real web text was damaged.

The mechanisms, each as a general rule over any character (tests/corpus/README.md):

- ruby readings flattened after characters: `中國(guó)`, a reading pypinyin lists for the character;
- a half-width comma doubled before punctuation: `,,` `,、` `,。`;
- the page's GBK bytes decoded one byte out of step: the lead byte of the run's first character is lost
  (`?`), the following bytes pair up across characters (phantoms), and the decoder falls back in step where
  a trail byte in the ASCII range comes out as a letter or where a second byte is lost (`?`). On the way,
  phantoms in GBK's user-defined area become private-use characters and are mostly deleted, full-width
  phantoms are folded to ASCII (`！` → `!`), the phantom formed by the lost lead byte and the character before
  it may leave its own reading (`?yōu)`), and a reading after the run's last character loses its `(` with
  the lost trail byte (`?shí)`);
- site boilerplate lines (editor, source, copyright, filing number) around the text.

`damage(text, rng)` returns the damaged text; the clean text is the gold the cleaner must give back, except
where it marks a lost character with U+FFFD. Plain Python and pypinyin; deterministic for a given `rng`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from luoshi.text.cleaning.ruby import readings

BOILERPLATE = (
    "責任編輯: 王曉明",
    "责任编辑：李华",
    "來源: 本網 瀏覽次數: 1024",
    "来源：市政府办公室 作者：综合科 浏览次数：88",
    "版權所有 © 2026 某市人民政府 All Rights Reserved",
    "备案号：京ICP备12345678号",
    "首页 | 关于我们 | 网站地图 | 联系我们 | 法律声明",
)
COMMA_TARGETS = ",，、。;；"
RUN_CHARS = (1, 9)  # a garbled run spans this many characters (inclusive)
GAP = 4  # characters between two runs at least


@dataclass
class Damage:
    """How much of each mechanism to apply (probabilities per character or per text)."""

    ruby: float = 0.12  # per Han character
    comma: float = 0.2  # per punctuation mark in COMMA_TARGETS
    runs: int = 2  # garbled runs per text, at most
    deleted_pua: float = 0.8  # a user-defined-area phantom is deleted (else kept as a private-use char)
    phantom_reading: float = 0.5  # the lost lead byte's phantom leaves its reading
    boilerplate: float = 0.5  # a boilerplate line before and after the text, each


def _double_byte(char: str) -> bytes | None:
    try:
        encoded = char.encode("gbk")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 else None


def _pair(lead: int, trail: int) -> str | None:
    """What a GBK decoder makes of two bytes: a character, a private-use one for the user-defined area."""
    try:
        return bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        pass
    try:
        char = bytes((lead, trail)).decode("gb18030")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


def _fold(char: str) -> str:
    return chr(ord(char) - 0xFEE0) if "\uff01" <= char <= "\uff5e" else char


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def add_ruby(text: str, rng: random.Random, rate: float) -> str:
    out = []
    for k, char in enumerate(text):
        out.append(char)
        following = text[k + 1 : k + 2]
        if _is_han(char) and following not in ("(", "（") and rng.random() < rate:
            known = sorted(readings(char))
            if known:
                out.append(f"({rng.choice(known)})")
    return "".join(out)


def double_commas(text: str, rng: random.Random, rate: float) -> str:
    out = []
    for k, char in enumerate(text):
        if char in COMMA_TARGETS and k > 0 and text[k - 1] != "," and rng.random() < rate:
            out.append(",")
        out.append(char)
    return "".join(out)


def garble(text: str, start: int, length: int, rng: random.Random, damage: Damage) -> tuple[str, int] | None:
    """Decode `length` double-byte characters from `start` one byte out of step: the garbled run and the
    index in `text` where it ends (the decoder may fall back in step early); None where no run fits.

    The character before `start` must be double-byte (its trail byte forms the first phantom), and so must
    every character of the run.
    """
    if start < 1 or _double_byte(text[start - 1]) is None:
        return None
    chars = text[start : start + length]
    if len(chars) < 1 or any(_double_byte(c) is None for c in chars):
        return None
    data = b"".join(_double_byte(c) or b"" for c in chars)
    before = _double_byte(text[start - 1])
    assert before is not None
    out = ["?"]
    phantom = _pair(before[1], data[0])
    if phantom and rng.random() < damage.phantom_reading:
        known = sorted(readings(phantom))
        if known:
            out.append(rng.choice(known) + ")")
    p = 1
    while p < len(data) - 1:
        byte = data[p]
        if byte < 0x80:
            out.append(chr(byte))  # a trail byte in the ASCII range: back in step after it
            return "".join(out), start + (p + 1) // 2
        char = _pair(byte, data[p + 1])
        if char is None:
            out.append("?")  # a byte that did not decode: back in step after it
            return "".join(out), start + (p + 1) // 2
        if "\ue000" <= char <= "\uf8ff":
            if rng.random() >= damage.deleted_pua:
                out.append(char)
        else:
            out.append(_fold(char))
        p += 2
    end = start + length
    if data[-1] < 0x80:
        out.append(chr(data[-1]))  # a trail byte in the ASCII range brings the decoder back in step
        return "".join(out), end
    # Else the last trail byte is lost; a reading after the run loses its `(` with it.
    out.append("?")
    rest = text[end:]
    if rest.startswith("(") and ")" in rest[:10] and rest[1:2].isascii():
        end += 1
    return "".join(out), end


def add_runs(text: str, rng: random.Random, damage: Damage) -> str:
    """Up to `damage.runs` garbled runs, each at least GAP characters from the others."""
    taken: list[tuple[int, int]] = []  # (start, end) of each run in the current text
    for _ in range(damage.runs):
        for _attempt in range(20):
            start = rng.randrange(1, max(2, len(text)))
            length = rng.randint(*RUN_CHARS)
            if any(start < end + GAP and start + length + GAP > begin for begin, end in taken):
                continue
            garbled = garble(text, start, length, rng, damage)
            if garbled is not None:
                run, end = garbled
                text = text[:start] + run + text[end:]
                shift = len(run) - (end - start)
                taken = [(b + shift, e + shift) if b > start else (b, e) for b, e in taken]
                taken.append((start, start + len(run)))
                break
    return text


def add_boilerplate(text: str, rng: random.Random, rate: float) -> str:
    if rng.random() < rate:
        text = rng.choice(BOILERPLATE) + "\n" + text
    if rng.random() < rate and text.endswith("\n"):
        text = text + rng.choice(BOILERPLATE) + "\n"
    return text


def damage(text: str, rng: random.Random, damage: Damage | None = None) -> str:
    """The clean `text` damaged by every mechanism, in the order a page meets them."""
    damage = damage or Damage()
    text = add_ruby(text, rng, damage.ruby)
    text = double_commas(text, rng, damage.comma)
    text = add_runs(text, rng, damage)
    return add_boilerplate(text, rng, damage.boilerplate)


@dataclass
class Score:
    """The cleaner's output against the gold: characters compared, wrong, marked lost, invented."""

    chars: int = 0
    errors: int = 0  # gold characters not reproduced (lost, missing or wrong)
    lost: int = 0  # U+FFFD in the output
    invented: int = 0  # output characters that differ from the gold and are not U+FFFD

    @property
    def accuracy(self) -> float:
        return 1 - self.errors / self.chars if self.chars else 1.0

    def add(self, output: str, gold: str) -> None:
        """Align the output with the gold (difflib, no junk heuristic) and count the differences."""
        from difflib import SequenceMatcher

        self.chars += len(gold)
        self.lost += output.count(REPLACEMENT)
        matcher = SequenceMatcher(None, output, gold, autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                continue
            self.errors += max(a1 - a0, b1 - b0)
            self.invented += sum(1 for char in output[a0:a1] if char != REPLACEMENT)


REPLACEMENT = "\ufffd"
