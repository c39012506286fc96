"""`{% print_date %}`: today's date from the one clock, for the header of a printed page."""

from __future__ import annotations

from django import template
from django.utils import formats

from luoshi.core import clock

register = template.Library()


@register.simple_tag
def print_date() -> str:
    return formats.date_format(clock.today(), "DATE_FORMAT")
