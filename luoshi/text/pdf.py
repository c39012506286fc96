"""Read the text layer of a PDF, page by page in order (pypdf). No Django.

A PDF comes from anyone, so it is read as hostile: pypdf bounds each stream it inflates (75 MB), and
here the pages read (MAX_PAGES) and the text kept (files.MAX_CHARS) are bounded too. Whatever pypdf
raises on a broken file becomes DocumentError(DAMAGED); a file that opens only with a password is
ENCRYPTED (one whose user password is empty, as many "protected" PDFs have, is simply read); pages with
almost no text are a scan, SCANNED, since the text is then in pictures Luoshi does not read. A PDF only
partly scanned is read from its pages with text, and the pages that are pictures with (almost) no text
are named (Reading.pages_without_text), so that the reader is told what was not read.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from luoshi.text.files import MAX_CHARS, DocumentError, Kind, Reading
from luoshi.text.layout import unwrap

MAX_PAGES = 2_000
MIN_CHARS_PER_PAGE = 20  # fewer letters than this on average: the pages are pictures of text

# A damaged PDF makes pypdf log what it repairs; that is the sender's file, not the operator's concern.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(data: bytes, *, name: str) -> Reading:
    """The text of every page of the PDF `data`, in page order; `name` is the file's, for errors."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))  # tries the empty user password itself
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(name, Kind.ENCRYPTED)
        count = len(reader.pages)
        if count == 0:
            raise DocumentError(name, Kind.DAMAGED, format="PDF", detail="no pages")
        if count > MAX_PAGES:
            raise DocumentError(name, Kind.TOO_MANY_PAGES, limit=MAX_PAGES)
        pages: list[list[str]] = []
        pictures: list[int] = []  # page numbers (from 1) of the pages that are pictures with hardly any text
        read = 0
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text()
            read += len(text)
            if read > MAX_CHARS:
                raise DocumentError(name, Kind.TOO_LONG, limit=MAX_CHARS)
            pages.append(text.splitlines())
            if _letters(text) < MIN_CHARS_PER_PAGE and _draws_image(page.get("/Resources")):
                pictures.append(number)
    except DocumentError:
        raise
    except FileNotDecryptedError:
        raise DocumentError(name, Kind.ENCRYPTED) from None
    except Exception as exc:  # pypdf's own errors, and the KeyErrors, ValueErrors… a hostile file provokes
        raise DocumentError(name, Kind.DAMAGED, format="PDF", detail=exc.__class__.__name__) from None
    letters = sum(_letters(line) for lines in pages for line in lines)
    if letters < MIN_CHARS_PER_PAGE * max(1, count - len(pictures)):  # the pages not pictures: hardly text
        raise DocumentError(name, Kind.SCANNED, format="PDF")
    return Reading(unwrap(pages), pages_without_text=tuple(pictures))


def _letters(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _draws_image(resources: Any, depth: int = 0) -> bool:
    """Whether a page's resources hold an image, directly or in a form it draws (a scanner's page is one).

    A blank page, such as the back of a sheet printed on one side, holds none and is not a scan.
    """
    from pypdf.generic import DictionaryObject

    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject) or depth > 3:
        return False
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return False
    for ref in xobjects.values():
        xobject = ref.get_object()
        if not isinstance(xobject, DictionaryObject):
            continue
        if xobject.get("/Subtype") == "/Image":
            return True
        if xobject.get("/Subtype") == "/Form" and _draws_image(xobject.get("/Resources"), depth + 1):
            return True
    return False
