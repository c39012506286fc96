"""`{{ piece|mark_lost }}`: the repaired text with each character the cleaner marked lost highlighted.

The cleaner writes U+FFFD where a damaged source lost a character and nothing in its bytes proves which
(luoshi/text/cleaning/mojibake.py); the review page shows each such run as a marked span whose title tells
the reviewer, in the interface language, to check the original.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from luoshi.text.damage import lost_pieces

register = template.Library()


@register.filter
def mark_lost(text: str) -> SafeString:
    pieces = []
    for piece, lost in lost_pieces(str(text)):
        if not lost:
            pieces.append(conditional_escape(piece))
            continue
        title = ngettext(
            "%(n)d character lost in the damaged source: check it against the original",
            "%(n)d characters lost in the damaged source: check them against the original",
            len(piece),
        ) % {"n": len(piece)}
        pieces.append(format_html('<mark class="lost" title="{}">{}</mark>', title, piece))
    return mark_safe("".join(str(p) for p in pieces))  # noqa: S308 - every piece is escaped above
