"""How a delivery's file shows on the task page: its kind, and whether a browser shows it or saves it."""

from __future__ import annotations

from django import template

from luoshi.core.attachments import INLINE_TYPES, content_type_of

register = template.Library()


@register.filter
def file_kind(name: str) -> str:
    """The kind of file as people name it: PDF, DOCX, PNG…"""
    return name.rsplit(".", 1)[-1].upper() if "." in name else ""


@register.filter
def shows_inline(name: str) -> bool:
    """PDFs and photos open in the browser; other kinds are saved."""
    return content_type_of(name) in INLINE_TYPES


@register.filter
def is_image(name: str) -> bool:
    return content_type_of(name).startswith("image/")


@register.filter
def is_pdf(name: str) -> bool:
    return content_type_of(name) == "application/pdf"
