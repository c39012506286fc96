"""Conversion to Simplified script: OpenCC `t2s`, then `著` → `着` outside the zhù words."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import opencc

# 著 stays only as the zhù morpheme, "to write / a work" and "prominent". OpenCC cannot tell that from the
# 着 readings (zhe, zhuó, zháo: 接着, 沿着, 着力, 着眼, 意味着, 睡着), which Traditional also writes 著.
# The zhù words form a small closed set, listed by the character that binds 著 on either side.
ZHU_BEFORE = "显卓昭名专编原巨论遗合译拙土撰鸿杰"
ZHU_AFTER = "名作称述者书录"
_ZHU = re.compile(rf"(?<![{ZHU_BEFORE}])著(?![{ZHU_AFTER}])")


@cache
def _t2s() -> opencc.OpenCC:
    """OpenCC's converter, loaded (with its dictionaries) on the first conversion, not at import."""
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s), with `著` → `着` where it is the particle or the verb."""
    simplified: str = _t2s().convert(text)
    if "著" not in simplified:
        return simplified
    return _ZHU.sub("着", simplified)
