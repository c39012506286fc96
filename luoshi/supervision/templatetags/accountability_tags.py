"""A responsible person's name, linked to their page for those entitled to read it (plain text for others,
who would only meet a 403 there)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

from luoshi.supervision.models import entitled

register = template.Library()


@register.simple_tag(takes_context=True)
def person_link(context: Any, person: Any) -> str:
    if person is None:
        return "—"
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if viewer is None or person.unit_id is None or not entitled(viewer, person.unit):
        return format_html("{}", person.display_name)
    url = reverse("supervision:person_page", args=[person.pk])
    return format_html('<a href="{}" data-testid="person-link">{}</a>', url, person.display_name)
