"""The 督办单 as a one-page official document (.docx): A4, the official-document fonts by name with fallbacks
(方正小标宋简体 for the title, 仿宋_GB2312 for the text, 黑体 for the urgency), the number, the units, the
deadline (and the original one when an extension moved it), the content, its source and the leader's
instruction, and lines for the office's seal and the unit's signature."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

from luoshi.core import clock
from luoshi.core.officedoc import (
    HEADING_FONT,
    TITLE_FONT,
    attachment,
    cell,
    new_document,
    paragraph,
    to_bytes,
)
from luoshi.core.sheets import long_date
from luoshi.supervision.models import SupervisionItem


def build(item: SupervisionItem, *, instruction_text: str = "", instruction_by: str = "") -> bytes:
    """The 督办单 of `item` as .docx bytes."""
    document = new_document()

    paragraph(document, item.get_urgency_display(), font=HEADING_FONT, size=Pt(16))
    title = paragraph(
        document, _("Supervision notice"), font=TITLE_FONT, size=Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER
    )
    title.paragraph_format.space_before = Pt(6)
    title.paragraph_format.space_after = Pt(6)
    paragraph(document, item.code, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_after = Pt(8)

    due = item.due.strftime("%Y-%m-%d")
    if item.first_due is not None:
        due += "\n" + _("(extended; original deadline %(date)s)") % {
            "date": item.first_due.strftime("%Y-%m-%d")
        }
    rows = [
        (_("Item"), item.title),
        (
            _("Source"),
            item.get_source_display() + (f"\n{item.task.code} {item.task.title}" if item.task else ""),
        ),
        (_("Issuing office"), item.issuer.name),
        (_("Lead unit"), item.lead_unit.name),
        (_("Co-units"), "、".join(u.name for u in item.co_units.order_by("path")) or "—"),
        (_("Deadline"), due),
        (_("What must be done"), item.content),
    ]
    if instruction_text:
        rows.append((_("Leader's instruction"), f"{instruction_text}\n—— {instruction_by}"))
    rows.append(
        (
            _("Requirements"),
            _(
                "Sign for this item on receipt; report what was done before the deadline with evidence; "
                "ask for an extension in advance if the deadline cannot be kept."
            ),
        )
    )
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for (label, value), row in zip(rows, table.rows, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(3.2), Cm(12.4)
        cell(row.cells[0], label, bold=True, centred=True)
        cell(row.cells[1], value)
        shade = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="F2F2F2"/>')
        row.cells[0]._tc.get_or_add_tcPr().append(shade)

    paragraph(document, "").paragraph_format.space_after = Pt(6)
    issued = clock.local(item.created_at).date()
    paragraph(
        document,
        _("Issuing office (seal): %(office)s") % {"office": item.issuer.name},
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    paragraph(
        document,
        _("Date: %(date)s") % {"date": long_date(issued)},
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    paragraph(document, "")
    paragraph(document, _("Signed for by (lead unit): ____________    Date: ____________"))
    return to_bytes(document)


def response(item: SupervisionItem, *, instruction_text: str = "", instruction_by: str = "") -> HttpResponse:
    body = build(item, instruction_text=instruction_text, instruction_by=instruction_by)
    return attachment(body, _("Supervision notice") + f"-{item.code}.docx")
