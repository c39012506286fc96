"""Read a document a user brings — .txt, .docx or a web page saved as .html — into text. No Django.

Text files come in UTF-8, GB18030 (GBK, GB2312) or Big5; the encoding is detected (charset-normalizer)
rather than guessed from the name. A missing, binary or undecodable file raises DocumentError, whose
message says what is wrong with which file, in one line. A .docx is checked as a zip archive before it
is opened (archives.check_zip): one that breaks a limit raises DocumentRefused, a DocumentError that is
also an ArchiveError, so a caller can word the refusal itself.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from luoshi.text.archives import LIMITS, ArchiveError, ZipLimits, check_zip

MAX_BYTES = 20 * 1024 * 1024
ENCODINGS = (
    "utf_8",
    "gb18030",
    "big5",
)  # what offices' files are in; tried in this order when detection is unsure
BLOCK_TAGS = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "title"]


class DocumentError(ValueError):
    pass


class DocumentRefused(DocumentError, ArchiveError):
    """A .docx refused before it was opened: what broke which limit, as ArchiveError says."""


def read_document(path: str | Path, *, archive_limits: ZipLimits = LIMITS) -> str:
    p = Path(path)
    if not p.exists():
        raise DocumentError(f"{p}: no such file")
    if not p.is_file():
        raise DocumentError(f"{p}: not a file")
    if p.stat().st_size > MAX_BYTES:
        raise DocumentError(f"{p}: larger than {MAX_BYTES >> 20} MB")
    return read_bytes(p.read_bytes(), name=p.name, archive_limits=archive_limits)


def read_bytes(data: bytes, *, name: str, limit: int = MAX_BYTES, archive_limits: ZipLimits = LIMITS) -> str:
    """The text of a document given as bytes; `name` (its file name) tells .docx and .html apart."""
    if len(data) > limit:
        raise DocumentError(f"{name}: larger than {limit >> 20} MB")
    suffix = Path(name).suffix.lower()
    if suffix == ".docx" or data[:4] == b"PK\x03\x04":
        return _docx(data, name, archive_limits)
    text = decode(data, name=name)
    if suffix in (".html", ".htm") or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        return _html(text)
    return text


def decode(data: bytes, *, name: str) -> str:
    """Bytes of a text file to str, in whichever of UTF-8, GB18030 or Big5 they are."""
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name}: a binary file, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for text that is not UTF-8

    best = from_bytes(data, cp_isolation=list(ENCODINGS[1:])).best()
    candidates = ([best.encoding] if best is not None else []) + list(ENCODINGS[1:])
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise DocumentError(f"{name}: not readable as UTF-8, GB18030 or Big5 text")


def _docx(data: bytes, name: str, limits: ZipLimits) -> str:
    from docx import Document  # python-docx; imported here so plain-text use does not pay for it
    from lxml.etree import LxmlError  # type: ignore[import-untyped]  # python-docx parses with lxml

    try:
        check_zip(data, name=name, limits=limits)
    except ArchiveError as exc:
        raise DocumentRefused(exc.name, exc.problem, limit=exc.limit, part=exc.part) from None
    # A file that passed the check may still be broken in ways python-docx meets only while reading it.
    try:
        document = Document(io.BytesIO(data))
        paragraphs = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                paragraphs.append("\t".join(cell.text for cell in row.cells))
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, LxmlError) as exc:
        raise DocumentError(f"{name}: not a readable .docx file ({exc.__class__.__name__})") from None
    return "\n".join(paragraphs)


def _html(text: str) -> str:
    from bs4 import BeautifulSoup  # only for web pages

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)
