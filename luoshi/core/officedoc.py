"""One-page official documents (.docx) in the layout of GB/T 9704: A4 with its margins, the official fonts
by name with fallbacks (方正小标宋简体 for titles, 仿宋_GB2312 for the text, 黑体 for headings), and the
paragraph and table-cell helpers the 督办单 and the 工作提醒函 are written with."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.http import HttpResponse
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
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


# --- Longer documents (通报, 报告): the 版头, numbered headings, tables, the date and page numbers ---

RED = RGBColor(0xE6, 0x00, 0x12)  # the 发文机关标志 and the rule under it
TITLE_SIZE = Pt(22)  # 二号
LETTER_SIZE = Pt(16)  # 三号: the body of a 公文
MASTHEAD_SIZE = Pt(36)
KAITI = "楷体_GB2312"
FALLBACKS[KAITI] = "楷体"
_DIGITS = "〇一二三四五六七八九"


def chinese_date(day: dt.date) -> str:
    """The 成文日期 as GB/T 9704 writes it: 二〇二六年十一月三十日."""

    def number(n: int) -> str:
        tens, ones = divmod(n, 10)
        if tens == 0:
            return _DIGITS[ones]
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")

    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{number(day.month)}月{number(day.day)}日"


def masthead(document: DocumentObject, issuer: str, number: str) -> None:
    """The 版头: the issuing office's mark in red, the 发文字号 centred, a red rule across the page."""
    mark = paragraph(document, issuer, font=TITLE_FONT, size=MASTHEAD_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    mark.runs[0].font.color.rgb = RED
    mark.paragraph_format.space_after = Pt(24)
    if number:
        paragraph(document, number, size=LETTER_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule = paragraph(document, "", size=Pt(4))
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", str(RED))):
        bottom.set(qn(key), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)
    rule.paragraph_format.space_after = Pt(24)


def title(document: DocumentObject, text: str) -> Paragraph:
    p = paragraph(document, text, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.space_after = Pt(16)
    return p


def heading(document: DocumentObject, text: str) -> Paragraph:
    """A first-level heading, 一、…, in 黑体 三号."""
    p = paragraph(document, text, font=HEADING_FONT, size=LETTER_SIZE)
    p.paragraph_format.first_line_indent = Pt(32)
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.keep_with_next = True
    return p


def subheading(document: DocumentObject, text: str) -> Paragraph:
    """A second-level heading, （一）…, in 楷体 三号."""
    p = paragraph(document, text, font=KAITI, size=LETTER_SIZE)
    p.paragraph_format.first_line_indent = Pt(32)
    p.paragraph_format.keep_with_next = True
    return p


def body(document: DocumentObject, text: str) -> list[Paragraph]:
    """The letter's text in 仿宋 三号, each line a paragraph indented by two characters."""
    out = []
    for line in text.splitlines() or [""]:
        p = paragraph(document, line.strip(), size=LETTER_SIZE)
        p.paragraph_format.first_line_indent = Pt(32)
        p.paragraph_format.line_spacing = Pt(28)
        out.append(p)
    return out


def table(document: DocumentObject, columns: list[str], rows: list[list[object]]) -> None:
    """A three-line table (三线表) in 仿宋 五号: rules above and below the header row (repeated on each page)
    and under the last row.

    Written as one piece of XML: python-docx's cell by cell API takes about 10 ms a cell, and a bulletin's
    tables at a province's scale have tens of thousands of cells."""
    width = 8844 // max(len(columns), 1)  # twips: the text block of an A4 page in GB/T 9704's margins

    def line(values: list[object], *, header: bool) -> str:
        bold = "<w:b/>" if header else ""
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
            + ('<w:tcBorders><w:bottom w:val="single" w:sz="6"/></w:tcBorders>' if header else "")
            + f'</w:tcPr><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr>{fonts}{bold}'
            f'<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr><w:t xml:space="preserve">'
            f"{escape('' if value is None else str(value))}</w:t></w:r></w:p></w:tc>"
            for value in values
        )
        head = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
        return f"<w:tr>{head}{cells}</w:tr>"

    fonts = f'<w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:eastAsia="{BODY_FONT}"/>'
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in columns)
    xml = (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/>'
        '<w:tblBorders><w:top w:val="single" w:sz="12"/><w:bottom w:val="single" w:sz="12"/>'
        "</w:tblBorders></w:tblPr>"
        f"<w:tblGrid>{grid}</w:tblGrid>{line(list(columns), header=True)}"
        + "".join(line(row, header=False) for row in rows)
        + "</w:tbl>"
    )
    document.element.body.sectPr.addprevious(parse_xml(xml))


def signature(document: DocumentObject, issuer: str, day: dt.date) -> None:
    """The issuing office and the 成文日期, right aligned, four characters in from the margin."""
    for text in ("", issuer, chinese_date(day)):
        p = paragraph(document, text, size=LETTER_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(64)


def page_numbers(document: DocumentObject) -> None:
    """Page numbers in the footer as GB/T 9704 prints them: — 1 —."""
    p = document.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run("— "), "宋体", Pt(14))
    run = p.add_run()
    set_font(run, "宋体", Pt(14))
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    set_font(p.add_run(" —"), "宋体", Pt(14))
