"""`{{ flag|flag_reason }}` (after `{% load report_flags %}`): a stored flag in the reader's words."""

from django import template

from luoshi.dispatch.flags import flag_reason

register = template.Library()
register.filter("flag_reason", flag_reason)
