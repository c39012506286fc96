"""Read an OFD (GB/T 33190, the national format for official documents): its text objects, page by page.

An OFD is a zip of XML parts (namespace http://www.ofdspec.org/2016): OFD.xml names each document's
root (DocBody/DocRoot, say Doc_0/Document.xml); the document lists its pages in order (Pages/Page, whose
BaseLoc is the page's Content.xml, relative to the document); a page's layers hold TextObjects, each with
a Boundary ("x y w h", in mm) and TextCodes placed at X, Y inside it. Text is read in page order and, on a
page, in the order of its content; a TextCode whose baseline (Boundary y + Y) is not the previous one's
starts a new line. No Django.

The caller has checked the archive (archives.check_zip, with the XML part limits); parts are parsed with
defusedxml, which refuses a DTD. A part that is missing or is not XML makes the file DAMAGED; pages with
no text objects are a scan (SCANNED).
"""

from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ET
import zipfile

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from luoshi.text.files import MAX_CHARS, DocumentError, Kind
from luoshi.text.layout import unwrap
from luoshi.text.pdf import MAX_PAGES, MIN_CHARS_PER_PAGE

LINE_TOLERANCE = 1.0  # mm a baseline may move within one line, when a text object gives no font size


class _Damaged(Exception):
    """Something the file should hold and does not (caught below, with the part's name)."""


def read_ofd(data: bytes, *, name: str) -> str:
    """The text of every page of the OFD `data`, in the document's page order; `name` is for errors."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            pages = [_page_lines(archive, part) for part in _page_parts(archive, name)]
    except DocumentError:
        raise
    except (
        _Damaged,
        ET.ParseError,
        DefusedXmlException,
        zipfile.BadZipFile,
        RuntimeError,
        ValueError,
    ) as exc:
        raise DocumentError(
            name, Kind.DAMAGED, format="OFD", detail=f"{exc.__class__.__name__}: {exc}"
        ) from None
    if sum(len(line) for lines in pages for line in lines) > MAX_CHARS:
        raise DocumentError(name, Kind.TOO_LONG, limit=MAX_CHARS)
    letters = sum(1 for lines in pages for line in lines for c in line if not c.isspace())
    if letters < MIN_CHARS_PER_PAGE * len(pages):
        raise DocumentError(name, Kind.SCANNED, format="OFD")
    return unwrap(pages)


def _page_parts(archive: zipfile.ZipFile, name: str) -> list[str]:
    """The Content.xml of each page, documents in the order OFD.xml gives them, pages in each's order."""
    root = _parse(archive, "OFD.xml")
    names = set(archive.namelist())
    parts: list[str] = []
    for doc_root in _all(root, "DocRoot"):
        document_part = _resolve(names, "", (doc_root.text or "").strip())
        document = _parse(archive, document_part)
        for page in _all(document, "Page"):
            parts.append(_resolve(names, posixpath.dirname(document_part), page.get("BaseLoc", "")))
            if len(parts) > MAX_PAGES:
                raise DocumentError(name, Kind.TOO_MANY_PAGES, limit=MAX_PAGES)
    if not parts:
        raise _Damaged("no pages")
    return parts


def _page_lines(archive: zipfile.ZipFile, part: str) -> list[str]:
    """A page's lines: its text codes in content order, a new line where the baseline moves."""
    lines: list[str] = []
    last_y: float | None = None
    for text_object in _all(_parse(archive, part), "TextObject"):
        boundary = [float(n) for n in text_object.get("Boundary", "0 0 0 0").split()]
        if len(boundary) != 4:
            raise _Damaged(f"{part}: a Boundary of {len(boundary)} numbers")
        size = float(text_object.get("Size") or 0)
        tolerance = size / 2 if size > 0 else LINE_TOLERANCE
        y = None
        for code in _all(text_object, "TextCode"):
            if code.get("Y") is not None:
                y = boundary[1] + float(code.get("Y") or 0)
            elif y is None:
                y = boundary[1]
            text = code.text or ""
            if last_y is None or abs(y - last_y) > tolerance:
                lines.append(text)
            else:
                lines[-1] += text
            last_y = y
    return lines


def _parse(archive: zipfile.ZipFile, part: str) -> ET.Element:
    try:
        data = archive.read(part)
    except KeyError:
        raise _Damaged(f"{part} is missing") from None
    root: ET.Element = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    return root


def _all(element: ET.Element, local: str) -> list[ET.Element]:
    """The descendants named `local` in any namespace (producers differ in prefix and namespace), in order."""
    return [e for e in element.iter() if e.tag == local or e.tag.endswith("}" + local)]


def _resolve(names: set[str], base: str, location: str) -> str:
    """A part's name from a location in the OFD: absolute from the root, else relative to `base`."""
    if not location:
        raise _Damaged(f"an empty location in {base or 'OFD.xml'}")
    location = location.replace("\\", "/")
    relative = posixpath.normpath(posixpath.join(base, location)) if not location.startswith("/") else ""
    absolute = posixpath.normpath(location.lstrip("/"))
    for candidate in (relative, absolute):  # some producers write relative locations from the root
        if candidate and candidate in names:
            return candidate
    raise _Damaged(f"{location} is missing")
