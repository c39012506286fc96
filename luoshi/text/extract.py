"""Extract a plan's commitments from its repaired text: `extract(text, unit_names=...) -> list[Item]`.

Every task and target carries `commitment` (whether its row starts kept) and `reason` (target, deadline,
owner, measure; or past, framing, heading, fragment, slogan): see `luoshi.text.extraction.commitment`.

The work is done in `luoshi.text.extraction`; this module is the stable import for the web flow, the
command line and the report checks.
"""

from luoshi.text.extraction import KINDS, Item, extract, short_forms

__all__ = ["KINDS", "Item", "extract", "short_forms"]
