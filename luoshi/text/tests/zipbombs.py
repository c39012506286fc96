"""Hostile zip files, built in the test that uses them: bombs by size, by ratio, by count, by nesting, by XML.

Each one is small on disk (a few MB at most) and built in well under a second.
"""

import io
import zipfile

from docx import Document

MB = 1024 * 1024
W = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE w:document [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
    + W
    + b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


def word(*paragraphs: str) -> bytes:
    """A real .docx, as python-docx writes it."""
    document = Document()
    for text in paragraphs or ("一、主要目标",):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replaced(docx: bytes, name: str, chunks, *, level: int = 9) -> bytes:
    """`docx` with its part `name` written from `chunks` (streamed, so hundreds of MB cost no memory)."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info.filename, source.read(info))
        with archive.open(name, "w", force_zip64=True) as part:
            for chunk in chunks:
                part.write(chunk)
    return out.getvalue()


def inflating(mb: int) -> bytes:
    """A .docx of some hundreds of KB whose document.xml inflates to `mb` MB of one repeated byte."""
    blank = b" " * MB
    body = [b'<?xml version="1.0"?>', W, *(blank for _ in range(mb)), b"</w:body></w:document>"]
    return replaced(word(), "word/document.xml", body, level=1)


def laughing() -> bytes:
    """A .docx whose document.xml is the billion laughs: ten entities, each ten of the one before."""
    return replaced(word(), "word/document.xml", [LAUGHS])


def crowded(entries: int) -> bytes:
    """A zip of `entries` empty files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(entries):
            archive.writestr(f"{i}.txt", b"")
    return out.getvalue()


def wrapped(inner: bytes, name: str) -> bytes:
    """A zip that holds `inner` as its one entry, `name`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, inner)
    return out.getvalue()


def with_chart(docx: bytes) -> bytes:
    """`docx` holding a workbook, as Word stores a chart's data: an archive nested one deep."""
    return replaced(
        docx, "word/embeddings/Microsoft_Excel_Worksheet.xlsx", [wrapped(b"<x/>", "xl/workbook.xml")]
    )
