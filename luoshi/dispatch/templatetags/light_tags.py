"""`{{ task.light.light|light_badge }}`: a light as its badge, named in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from luoshi.dispatch.models import LightChoice

register = template.Library()


@register.filter
def light_badge(value: str | None) -> SafeString:
    if value is None or value not in LightChoice.values:
        # No light (a cancelled task has none): a fixed string, nothing of the caller's in it.
        return mark_safe('<span class="badge text-bg-light border" data-light="">—</span>')  # noqa: S308
    return format_html(
        '<span class="badge light light-{}" data-light="{}">{}</span>',
        value.replace("_", "-"),
        value,
        LightChoice(value).label,
    )
