"""PDF and OFD files built by the test that uses them: real files, as offices receive them, made in memory.

PDFs are drawn with reportlab in its built-in Chinese font (the CID font STSong-Light, so no font file is
needed); OFDs are written as the zip of XML parts GB/T 33190 describes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

NS = "http://www.ofdspec.org/2016"
# Two pages of a short work plan; the second page's paragraph is long enough to wrap onto a second line.
PAGES = (
    ("一、主要目标", "加快推进青山县工业园区标准化厂房建设，年底前建成20万平方米。"),
    ("二、重点任务", "（一）实施城市更新行动，改造老旧小区30个，", "6月底前完成，由市住房城乡建设局牵头。"),
)


def pdf(pages: Sequence[Sequence[str]] = PAGES, *, compressed: bool = True) -> bytes:
    """A PDF with a text layer: one page per item of `pages`, one drawn line per string, top down."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pageCompression=1 if compressed else 0)
    for lines in pages:
        _write_page(sheet, lines)
    sheet.save()
    return out.getvalue()


def _write_page(sheet: canvas.Canvas, lines: Sequence[str]) -> None:
    sheet.setFont(FONT, 12)
    for at, line in enumerate(lines):
        sheet.drawString(72, 780 - 20 * at, line)
    sheet.showPage()


def scanned(pages: int = 2) -> bytes:
    """A PDF as a scanner makes it: pages of pictures (here filled rectangles), no text at all."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    for _ in range(pages):
        sheet.setFillGray(0.3)
        sheet.rect(72, 300, 450, 400, stroke=0, fill=1)
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def partly_scanned(pages: Sequence[Sequence[str] | None]) -> bytes:
    """A PDF whose pages are text (a sequence of lines) or, where None, a scanned picture with no text."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    picture = Image.new("L", (120, 160), 255)
    for x in range(10, 110):  # a few dark "lines of print", so the picture is not blank
        for y in range(20, 140, 12):
            picture.putpixel((x, y), 40)
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    for lines in pages:
        if lines is None:
            sheet.drawImage(ImageReader(picture), 72, 200, width=450, height=600)
            sheet.showPage()
        else:
            _write_page(sheet, lines)
    sheet.save()
    return out.getvalue()


def encrypted(data: bytes, *, user_password: str = "青山2026") -> bytes:
    """`data` encrypted (AES-256): it opens only with `user_password`, or with none when that is empty."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ofd(pages: Sequence[Sequence[str]] = PAGES, *, parts: dict[str, bytes] | None = None) -> bytes:
    """An OFD of `pages`, one page per item, one line per string, with its fonts declared.

    Each line is written as two TextObjects on one baseline (as converters split runs by font or by
    spacing), so reading must join them; `parts` replaces or adds parts by name, to damage the file.
    """
    files: dict[str, bytes] = {
        "OFD.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
            "<ofd:DocBody><ofd:DocInfo><ofd:DocID>6b6c1e8a</ofd:DocID></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ).encode(),
        "Doc_0/Document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}">'
            "<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID>"
            "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>"
            + "".join(
                f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
            )
            + "</ofd:Pages></ofd:Document>"
        ).encode(),
        "Doc_0/PublicRes.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
            '<ofd:Font ID="500" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>'
        ).encode(),
    }
    for number, lines in enumerate(pages):
        files[f"Doc_0/Pages/Page_{number}/Content.xml"] = _content(lines, first_id=1000 * (number + 1))
    files.update(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _content(lines: Sequence[str], *, first_id: int) -> bytes:
    objects = []
    for at, line in enumerate(lines):
        top = 30 + 8 * at  # mm from the top of the page
        half = max(1, len(line) // 2)
        for part, (start, text) in enumerate(((0, line[:half]), (half, line[half:]))):
            if not text:
                continue
            x = 25 + 4.2 * start
            deltas = " ".join(["4.2"] * (len(text) - 1))
            objects.append(
                f'<ofd:TextObject ID="{first_id + 2 * at + part}" Boundary="{x} {top} {4.2 * len(text)} 6" '
                f'Font="500" Size="4.2"><ofd:FillColor Value="0 0 0"/>'
                f'<ofd:TextCode X="0" Y="4.5" DeltaX="{deltas}">{escape(text)}</ofd:TextCode>'
                "</ofd:TextObject>"
            )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
        f'<ofd:Layer ID="{first_id - 1}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
    ).encode()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how a .doc, an .xls or a WPS Office .wps file starts


def replaced_part(data: bytes, name: str, change: Callable[[bytes], bytes] | None) -> bytes:
    """The zip `data` with its part `name` changed by `change`, or left out when `change` is None."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info.filename, source.read(info))
            elif change is not None:
                archive.writestr(name, change(source.read(info)))
    return out.getvalue()
