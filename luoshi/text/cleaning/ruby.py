"""Flattened ruby readings: `中國(guó)` → `中國`, only where pypinyin confirms the reading."""

from __future__ import annotations

import re
from functools import cache

# Lower-case Latin letters and the tone-marked vowels pinyin uses (ü, ā…ǜ, ń ň ǹ ḿ).
PINYIN_LETTERS = (
    "a-z\u00e0-\u00e1\u00e8-\u00e9\u00ec-\u00ed\u00f2-\u00f3\u00f9-\u00fa\u00fc"
    "\u0101\u0113\u011b\u012b\u0144\u0148\u014d\u016b\u01ce\u01d0\u01d2\u01d4\u01d6\u01d8\u01da\u01dc\u01f9\u1e3f"
)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# A Han character (or U+FFFD, a character the cleaner marked lost) followed by a parenthesised (half- or
# full-width) candidate reading.
RUBY = re.compile(rf"([{HAN}\ufffd])[(（]([{PINYIN_LETTERS}]{{1,7}})[)）]")

_readings: dict[str, frozenset[str]] = {}


@cache
def syllables() -> frozenset[str]:
    """Every tone-marked reading pypinyin knows for any character."""
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(reading for value in pinyin_dict.values() for reading in value.split(","))


def readings(char: str) -> frozenset[str]:
    """Every tone-marked pinyin pypinyin knows for one character (cached); for U+FFFD, a character whose
    bytes were lost, every reading of any character: its reading is no evidence, and no part of the text."""
    if char == "\ufffd":
        return syllables()
    found = _readings.get(char)
    if found is None:
        # Imported here, on the first character looked up: pypinyin's tables take a quarter of a second.
        from pypinyin import Style, pinyin

        found = frozenset(
            r for group in pinyin(char, style=Style.TONE, heteronym=True, errors="ignore") for r in group
        )
        if len(_readings) < 100_000:
            _readings[char] = found
    return found


def drop_readings(text: str) -> tuple[str, int]:
    """Drop each `(reading)` pypinyin lists for the character before it; return the text and the count."""
    if "(" not in text and "（" not in text:
        return text, 0
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(2) in readings(match.group(1)):
            count += 1
            return match.group(1)
        return match.group(0)

    return RUBY.sub(replace, text), count
