"""How a report-quality flag reads: its stored code and numbers, worded in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# For flags stored before they carried their numbers (they held a Simplified Chinese "reason" instead).
LABELS = {
    "near_duplicate": gettext_lazy("Much of the wording repeats the previous report."),
    "no_facts": gettext_lazy("No concrete number, date, quantity or result."),
    "slogans": gettext_lazy("Mostly stock phrasing, with few concrete facts."),
}


def flag_reason(flag: Mapping[str, Any]) -> str:
    """One sentence for the reviewer, from a flag as `services._quality_flags` stores it."""
    code = flag.get("code", "")
    try:
        if code == "near_duplicate":
            return _(
                "About %(repeated)s%% of the previous report's wording recurs in this one "
                "(numbers aside; similarity %(similarity)s)."
            ) % {"repeated": _percent(flag["repeated"]), "similarity": f"{float(flag['similarity']):.2f}"}
        if code == "slogans":
            facts = int(flag["facts"])
            return ngettext(
                "Stock phrasing makes up about %(share)s%% of the wording, with %(facts)s concrete fact.",
                "Stock phrasing makes up about %(share)s%% of the wording, with %(facts)s concrete facts.",
                facts,
            ) % {"share": _percent(flag["share"]), "facts": facts}
    except (KeyError, TypeError, ValueError):
        pass  # an old flag without its numbers: the label for its code
    if code in LABELS:
        return str(LABELS[code])
    return str(flag.get("reason") or code)


def _percent(share: Any) -> int:
    return round(100 * float(share))
