"""One-page official documents (.docx) in the layout of GB/T 9704: A4 with its margins, the official fonts
by name with fallbacks (方正小标宋简体 for titles, 仿宋_GB2312 for the text, 黑体 for headings), and the
paragraph and table-cell helpers the 督办单 and the 工作提醒函 are written with."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
# What a machine without the official fonts shows instead (the font table's altName, read by Word and
# LibreOffice): the fonts every Chinese Windows and the common Linux packages have.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei"}
BODY_SIZE = Pt(14)  # 四号: a form on one page, not a 三号 letter


def set_font(run: object, name: str, size: Pt, *, bold: bool = False) -> None:
    """Give a docx Run the font `name` for Chinese and Latin text alike."""
    r = run
    r.font.name = name  # type: ignore[attr-defined]
    r.font.size = size  # type: ignore[attr-defined]
    r.font.bold = bold  # type: ignore[attr-defined]
    fonts = r._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def paragraph(
    container: object,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> Paragraph:
    """A paragraph of one run, without the spacing Word adds by default."""
    p: Paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    set_font(p.add_run(text), font, size, bold=bold)
    return p


def cell(target: _Cell, text: str, *, bold: bool = False, centred: bool = False) -> None:
    """Fill a table cell with `text`, a paragraph per line."""
    target.paragraphs[0].text = ""
    lines = text.split("\n") or [""]
    first = target.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else target.add_paragraph()
        if centred:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(p.add_run(line), BODY_FONT, BODY_SIZE, bold=bold)


def _fallback_fonts(document: DocumentObject) -> None:
    """Name a fallback for each official font in the font table (w:altName)."""
    part = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable"))
    xml = part.blob.decode("utf-8")
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="auto"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    xml = re.sub(r"</w:fonts>\s*$", fonts + "</w:fonts>", xml)
    part._blob = xml.encode("utf-8")


def _a4(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # GB/T 9704: 37 mm top, 35 mm bottom, 28 mm left (the binding side), 26 mm right.
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def new_document() -> DocumentObject:
    """An empty A4 official document: margins, fonts and their fallbacks set."""
    document = Document()
    _a4(document)
    _fallback_fonts(document)
    style = document.styles["Normal"]
    style.font.name, style.font.size = BODY_FONT, BODY_SIZE
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return document


def to_bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def attachment(body: bytes, name: str) -> HttpResponse:
    """The .docx `body` as a download named `name` (any script: RFC 5987)."""
    answer = HttpResponse(body, content_type=DOCX)
    answer["Content-Disposition"] = f"attachment; filename=\"luoshi.docx\"; filename*=UTF-8''{quote(name)}"
    return answer
