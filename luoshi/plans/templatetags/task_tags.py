"""A task's deadline as the lists show it, and a list column's cell, written in Python: the task list renders
them once a row, a hundred rows a page, where an `{% include %}` each cost more than the rest of the row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from luoshi.core import clock
from luoshi.core.columns import Column

register = template.Library()


@register.simple_tag
def due(task: Any, today: dt.date | None = None) -> SafeString:
    """`{% due task %}`: the deadline, red when overdue; a deadline the office moved says from when.

    A page that shows many gives `today` (`{% due task today %}`), read from the clock once.
    """
    today = today or clock.today()
    day = f"{task.due:%Y-%m-%d}"
    overdue = " text-danger fw-semibold" if task.is_overdue_on(today) else ""
    if not task.due_was_moved:
        return format_html('<span class="text-nowrap{}" data-testid="task-due">{}</span>', overdue, day)
    first = f"{task.first_due:%Y-%m-%d}"
    moved = _("Deadline moved by the office from %(first)s to %(due)s") % {"first": first, "due": day}
    return format_html(
        '<span class="text-nowrap{}" data-testid="task-due" title="{}">{}</span> '
        '<span class="badge text-bg-warning" title="{}" data-testid="due-moved">{}</span> '
        '<span class="small text-muted text-nowrap" data-testid="first-due">{}</span>',
        overdue,
        moved,
        day,
        moved,
        _("moved"),
        _("was %(d)s") % {"d": first},
    )


@register.simple_tag
def cell(column: Column, row: Any) -> SafeString:
    """`{% cell column task %}`: one cell of a column a higher app added to the list (core.columns)."""
    return column.cell(row)
