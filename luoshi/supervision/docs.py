"""The 督办单 as a one-page official document (.docx): A4, the official-document fonts by name with fallbacks
(方正小标宋简体 for the title, 仿宋_GB2312 for the text, 黑体 for the urgency), the number, the units, the
deadline (and the original one when an extension moved it), the content, its source and the leader's
instruction, and lines for the office's seal and the unit's signature."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from luoshi.core import clock
from luoshi.core.sheets import long_date
from luoshi.supervision.models import SupervisionItem

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
# What a machine without the official fonts shows instead (the font table's altName, read by Word and
# LibreOffice): the fonts every Chinese Windows and the common Linux packages have.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei"}
BODY_SIZE = Pt(14)  # 四号: a 督办单 is a form on one page, not a 三号 letter


def _font(run: object, name: str, size: Pt, *, bold: bool = False) -> None:
    r = run  # a docx Run
    r.font.name = name  # type: ignore[attr-defined]
    r.font.size = size  # type: ignore[attr-defined]
    r.font.bold = bold  # type: ignore[attr-defined]
    fonts = r._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _para(
    container: object,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> Paragraph:
    p: Paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    _font(p.add_run(text), font, size, bold=bold)
    return p


def _cell(cell: _Cell, text: str, *, bold: bool = False, centred: bool = False) -> None:
    cell.paragraphs[0].text = ""
    lines = text.split("\n") or [""]
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        if centred:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(line), BODY_FONT, BODY_SIZE, bold=bold)


def _fallback_fonts(document: object) -> None:
    """Name a fallback for each official font in the font table (w:altName)."""
    part = next(
        r.target_part
        for r in document.part.rels.values()  # type: ignore[attr-defined]
        if r.reltype.endswith("/fontTable")
    )
    xml = part.blob.decode("utf-8")
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="auto"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    xml = re.sub(r"</w:fonts>\s*$", fonts + "</w:fonts>", xml)
    part._blob = xml.encode("utf-8")


def _a4(document: object) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # GB/T 9704: 37 mm top, 35 mm bottom, 28 mm left (the binding side), 26 mm right.
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def build(item: SupervisionItem, *, instruction_text: str = "", instruction_by: str = "") -> bytes:
    """The 督办单 of `item` as .docx bytes."""
    document = Document()
    _a4(document)
    _fallback_fonts(document)
    style = document.styles["Normal"]
    style.font.name, style.font.size = BODY_FONT, BODY_SIZE
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _para(document, item.get_urgency_display(), font=HEADING_FONT, size=Pt(16))
    title = _para(
        document, _("Supervision notice"), font=TITLE_FONT, size=Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER
    )
    title.paragraph_format.space_before = Pt(6)
    title.paragraph_format.space_after = Pt(6)
    _para(document, item.code, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_after = Pt(8)

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
        _cell(row.cells[0], label, bold=True, centred=True)
        _cell(row.cells[1], value)
        shade = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="F2F2F2"/>')
        row.cells[0]._tc.get_or_add_tcPr().append(shade)

    _para(document, "").paragraph_format.space_after = Pt(6)
    issued = clock.local(item.created_at).date()
    _para(
        document,
        _("Issuing office (seal): %(office)s") % {"office": item.issuer.name},
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    _para(
        document,
        _("Date: %(date)s") % {"date": long_date(issued)},
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    _para(document, "")
    _para(document, _("Signed for by (lead unit): ____________    Date: ____________"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def response(item: SupervisionItem, *, instruction_text: str = "", instruction_by: str = "") -> HttpResponse:
    body = build(item, instruction_text=instruction_text, instruction_by=instruction_by)
    answer = HttpResponse(body, content_type=DOCX)
    name = _("Supervision notice") + f"-{item.code}.docx"
    answer["Content-Disposition"] = f"attachment; filename=\"luoshi.docx\"; filename*=UTF-8''{quote(name)}"
    return answer
