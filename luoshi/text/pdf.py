"""Read the text layer of a PDF, page by page in order (pypdf). No Django.

A PDF comes from anyone, so it is read as hostile: pypdf bounds each stream it inflates (75 MB), and
here the pages read (MAX_PAGES) and the text kept (files.MAX_CHARS) are bounded too. Whatever pypdf
raises on a broken file becomes DocumentError(DAMAGED); a file that opens only with a password is
ENCRYPTED (one whose user password is empty, as many "protected" PDFs have, is simply read); pages with
almost no text are a scan, SCANNED, since the text is then in pictures Luoshi does not read.
"""

from __future__ import annotations

import io
import logging

from luoshi.text.files import MAX_CHARS, DocumentError, Kind
from luoshi.text.layout import unwrap

MAX_PAGES = 2_000
MIN_CHARS_PER_PAGE = 20  # fewer letters than this on average: the pages are pictures of text

# A damaged PDF makes pypdf log what it repairs; that is the sender's file, not the operator's concern.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(data: bytes, *, name: str) -> str:
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
        read = 0
        for page in reader.pages:
            text = page.extract_text()
            read += len(text)
            if read > MAX_CHARS:
                raise DocumentError(name, Kind.TOO_LONG, limit=MAX_CHARS)
            pages.append(text.splitlines())
    except DocumentError:
        raise
    except FileNotDecryptedError:
        raise DocumentError(name, Kind.ENCRYPTED) from None
    except Exception as exc:  # pypdf's own errors, and the KeyErrors, ValueErrors… a hostile file provokes
        raise DocumentError(name, Kind.DAMAGED, format="PDF", detail=exc.__class__.__name__) from None
    letters = sum(1 for lines in pages for line in lines for c in line if not c.isspace())
    if letters < MIN_CHARS_PER_PAGE * count:
        raise DocumentError(name, Kind.SCANNED, format="PDF")
    return unwrap(pages)
