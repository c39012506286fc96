"""A bulletin as a .docx in the layout of GB/T 9704 and as an .xlsx, built from its stored sections alone
(no fact is read again: the export says what the bulletin says, and costs the same at any scale)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from luoshi.core import clock, officedoc, sheets

from .drafting import chinese_number
from .models import Bulletin, Section

MARK_SUFFIX = "督查通报"


def _sections(bulletin: Bulletin) -> list[Section]:
    return list(bulletin.sections.order_by("order"))


def group_labels(section: Section) -> dict[str, str]:
    """Each group of rows named by the figure that counts it."""
    return {f["key"].split(":", 1)[-1]: f["label"] for f in section.figures}


def grouped(section: Section) -> dict[str, list[dict[str, Any]]]:
    """The section's rows by group, in the order they were generated."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in section.rows:
        groups.setdefault(row["group"], []).append(row)
    return groups


def kept(section: Section, key: str, rows: list[dict[str, Any]]) -> str:
    """What to say under a group that kept only its first rows (drafting.ROWS_MAX), else ""."""
    total = section.totals.get(key, len(rows))
    if total <= len(rows):
        return ""
    return _("The first %(shown)s of %(total)s are listed; the figure counts them all.") % {
        "shown": len(rows),
        "total": total,
    }


def numbered(section: Section) -> str:
    return f"{chinese_number(section.order)}、{section.heading}"


def docx_bytes(bulletin: Bulletin) -> bytes:
    """The bulletin as an official document: 版头, title, the sections with their tables, the date."""
    document = officedoc.new_document()
    officedoc.masthead(document, f"{bulletin.issuer.name}{MARK_SUFFIX}", bulletin.number)
    officedoc.title(document, bulletin.title)
    for section in _sections(bulletin):
        officedoc.heading(document, numbered(section))
        officedoc.body(document, section.text)
        labels = group_labels(section)
        groups = grouped(section)
        for number, (key, rows) in enumerate(groups.items(), start=1):
            if len(groups) > 1:
                officedoc.subheading(document, f"（{chinese_number(number)}）{labels.get(key, key)}")
            officedoc.table(document, section.columns, [r["cells"] for r in rows])
            if note := kept(section, key, rows):
                officedoc.body(document, note)
    day = clock.local(bulletin.published_at).date() if bulletin.published_at else clock.today()
    officedoc.signature(document, bulletin.issuer.name, day)
    officedoc.page_numbers(document)
    return officedoc.to_bytes(document)


def _cell(index: int) -> Any:
    return lambda row: row["cells"][index] if index < len(row["cells"]) else ""


def workbook(bulletin: Bulletin) -> sheets.Book:
    """One sheet per section with its rows, grouped as the page shows them."""
    day = clock.local(bulletin.published_at).date() if bulletin.published_at else clock.today()
    book = sheets.Book(office=bulletin.issuer.name, on=day)
    for section in _sections(bulletin):
        columns = [
            sheets.Column(name, 30 if i in (1,) else 14, _cell(i), centred=i != 1)
            for i, name in enumerate(section.columns or [_("Text")])
        ]
        labels = group_labels(section)
        groups = grouped(section)
        book.sheet(
            title=numbered(section),
            columns=columns,
            groups=[
                (" ".join(filter(None, (labels.get(key, key), kept(section, key, rows)))), rows)
                for key, rows in groups.items()
            ]
            or [(None, [{"cells": [section.text]}])],
        )
    return book


def xlsx_bytes(bulletin: Bulletin) -> bytes:
    return workbook(bulletin).to_bytes()


def filename(bulletin: Bulletin, suffix: str) -> str:
    name = "".join("_" if ch in '\\/:*?"<>|\r\n' else ch for ch in bulletin.title)
    return f"{name}.{suffix}"
