"""Read a document a user brings — PDF, OFD, .docx, .txt or a saved web page — into text. No Django.

What a file is comes from its first bytes, not its name: a PDF named .txt is read as a PDF, never shown as
its raw source. Text files come in UTF-8, GB18030 (GBK, GB2312) or Big5; the encoding is detected
(charset-normalizer) rather than guessed. PDF (luoshi/text/pdf.py) is read from its text layer and OFD
(GB/T 33190, luoshi/text/ofd.py) from its text objects, page by page.

A file that cannot be read raises DocumentError, which carries what went wrong as data — `kind`, the file's
`name`, its `format`, a `limit` and an English `detail` for the log — so that the interface words it in
the reader's language (luoshi.ingest.refusals); its str() is one English line for logs and developers.
Zip-based files (.docx, .ofd) are checked as archives before they are opened (archives.check_zip): one
that breaks a limit raises DocumentRefused, a DocumentError that is also an ArchiveError.
"""

from __future__ import annotations

import enum
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from luoshi.text.archives import LIMITS, ArchiveError, Problem, ZipLimits, check_zip

MAX_BYTES = 20 * 1024 * 1024
MAX_CHARS = 2_000_000  # text read from one PDF or OFD at most; reading stops there, whatever is left
ENCODINGS = (
    "utf_8",
    "gb18030",
    "big5",
)  # what offices' files are in; tried in this order when detection is unsure
BLOCK_TAGS = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "title"]

PDF_HEAD = re.compile(rb"(?:\A|[\r\n])%PDF-\d")  # within the first KB, as readers allow, at a line's start
ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06")
OLE_HEAD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt and WPS Office's own .wps, .et, .dps
RTF_HEAD = b"{\\rtf"
OLE_FORMATS = (".doc", ".wps", ".xls", ".et", ".ppt", ".dps")
OTHER_ZIPS = (".xlsx", ".pptx", ".zip", ".xlsm", ".odt", ".ods", ".epub")  # zips that are no Word document


class Kind(enum.StrEnum):
    """What is wrong with a document, for the interface to word."""

    MISSING = "missing"  # no such file (the command line)
    NOT_A_FILE = "not_a_file"
    TOO_LARGE = "too_large"  # limit: bytes
    BINARY = "binary"  # neither text nor a document format Luoshi reads
    UNDECODABLE = "undecodable"  # text, but in none of ENCODINGS
    UNSUPPORTED = "unsupported"  # a format Luoshi does not read (.doc, .wps, RTF): format says which
    DAMAGED = (
        "damaged"  # a PDF, OFD or .docx that cannot be opened: format says which ("PDF", "OFD", ".docx")
    )
    ENCRYPTED = "encrypted"  # a PDF that opens only with a password
    SCANNED = "scanned"  # pages but no text layer: images of pages
    TOO_MANY_PAGES = "too_many_pages"  # limit: pages
    TOO_LONG = "too_long"  # limit: characters


_ENGLISH = {
    Kind.MISSING: "no such file",
    Kind.NOT_A_FILE: "not a file",
    Kind.TOO_LARGE: "larger than {mb} MB",
    Kind.BINARY: "a binary file, not text or a document Luoshi reads",
    Kind.UNDECODABLE: "not readable as UTF-8, GB18030 or Big5 text",
    Kind.UNSUPPORTED: "a {format} file, which Luoshi does not read",
    Kind.DAMAGED: "not a readable {format} file",
    Kind.ENCRYPTED: "an encrypted PDF that needs a password",
    Kind.SCANNED: "a scanned {format} with no text layer",
    Kind.TOO_MANY_PAGES: "more than {limit:,} pages",
    Kind.TOO_LONG: "more than {limit:,} characters of text",
}


@dataclass(frozen=True)
class Reading:
    """A document's text, and what of it could not be read: the pages of a PDF that are only pictures."""

    text: str
    pages_without_text: tuple[int, ...] = ()  # numbered from 1


class DocumentError(ValueError):
    """A document that cannot be read: what is wrong (`kind`), with which file, as data to word."""

    def __init__(self, name: str, kind: Kind, *, format: str = "", limit: int = 0, detail: str = "") -> None:
        self.name, self.kind, self.format, self.limit, self.detail = name, kind, format, limit, detail
        said = _ENGLISH[kind].format(format=format, limit=limit, mb=limit >> 20)
        super().__init__(f"{name}: {said}" + (f" ({detail})" if detail else ""))


class DocumentRefused(DocumentError, ArchiveError):
    """A zip-based document refused before it was opened: what broke which limit, as ArchiveError says."""

    def __init__(self, refusal: ArchiveError, *, format: str) -> None:
        ArchiveError.__init__(self, refusal.name, refusal.problem, limit=refusal.limit, part=refusal.part)
        self.kind, self.format, self.detail = Kind.DAMAGED, format, ""


def read_document(path: str | Path, *, archive_limits: ZipLimits = LIMITS) -> str:
    return read_file(path, archive_limits=archive_limits).text


def read_file(path: str | Path, *, archive_limits: ZipLimits = LIMITS) -> Reading:
    """As read_document, with what could not be read (the pages of a partly scanned PDF without text)."""
    p = Path(path)
    if not p.exists():
        raise DocumentError(str(p), Kind.MISSING)
    if not p.is_file():
        raise DocumentError(str(p), Kind.NOT_A_FILE)
    if p.stat().st_size > MAX_BYTES:
        raise DocumentError(p.name, Kind.TOO_LARGE, limit=MAX_BYTES)
    return read(p.read_bytes(), name=p.name, archive_limits=archive_limits)


def read_bytes(data: bytes, *, name: str, limit: int = MAX_BYTES, archive_limits: ZipLimits = LIMITS) -> str:
    """The text of a document given as bytes; `name` (its file name) is only a hint, the bytes decide."""
    return read(data, name=name, limit=limit, archive_limits=archive_limits).text


def read(data: bytes, *, name: str, limit: int = MAX_BYTES, archive_limits: ZipLimits = LIMITS) -> Reading:
    """As read_bytes, with what could not be read: the pages of a partly scanned PDF without text."""
    if len(data) > limit:
        raise DocumentError(name, Kind.TOO_LARGE, limit=limit)
    suffix = Path(name).suffix.lower()
    if PDF_HEAD.search(data[:1024]) or (suffix == ".pdf" and not data.startswith(ZIP_HEADS)):
        from luoshi.text.pdf import read_pdf  # pypdf loads only for a PDF

        return read_pdf(data, name=name)
    return Reading(_read_other(data, name=name, suffix=suffix, archive_limits=archive_limits))


def _read_other(data: bytes, *, name: str, suffix: str, archive_limits: ZipLimits) -> str:
    if data.startswith(ZIP_HEADS) or suffix in (".docx", ".ofd"):
        return _zipped(data, name, suffix, archive_limits)
    if data.startswith(OLE_HEAD):
        raise DocumentError(name, Kind.UNSUPPORTED, format=suffix if suffix in OLE_FORMATS else ".doc")
    if suffix == ".wps":
        raise DocumentError(name, Kind.UNSUPPORTED, format=".wps")
    if data.lstrip()[:5] == RTF_HEAD:
        raise DocumentError(name, Kind.UNSUPPORTED, format="RTF")
    text = decode(data, name=name)
    if suffix in (".html", ".htm") or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        return _html(text)
    return text


def decode(data: bytes, *, name: str) -> str:
    """Bytes of a text file to str, in whichever of UTF-8, GB18030 or Big5 they are."""
    if b"\x00" in data[:4096]:
        raise DocumentError(name, Kind.BINARY)
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
    raise DocumentError(name, Kind.UNDECODABLE)


def _zipped(data: bytes, name: str, suffix: str, limits: ZipLimits) -> str:
    """A .docx or an OFD, told apart by what the archive holds; checked against `limits` first."""
    expected = "OFD" if suffix == ".ofd" else ".docx"
    try:
        check_zip(data, name=name, limits=limits)
    except ArchiveError as exc:
        if exc.problem == Problem.UNREADABLE:  # not a zip at all: the file is damaged, not hostile
            raise DocumentError(name, Kind.DAMAGED, format=expected, detail=str(exc)) from None
        raise DocumentRefused(exc, format=expected) from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    if suffix == ".ofd" or ("OFD.xml" in names and "word/document.xml" not in names):
        from luoshi.text.ofd import read_ofd  # only for an OFD

        return read_ofd(data, name=name)
    if suffix in OTHER_ZIPS and "word/document.xml" not in names:
        raise DocumentError(name, Kind.UNSUPPORTED, format=suffix)
    return _docx(data, name)


def _docx(data: bytes, name: str) -> str:
    from docx import Document  # python-docx; imported here so plain-text use does not pay for it
    from lxml.etree import LxmlError  # type: ignore[import-untyped]  # python-docx parses with lxml

    # A file that passed the archive check may still be broken in ways python-docx meets only in reading.
    try:
        document = Document(io.BytesIO(data))
        paragraphs = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                paragraphs.append("\t".join(cell.text for cell in row.cells))
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, LxmlError) as exc:
        raise DocumentError(name, Kind.DAMAGED, format=".docx", detail=exc.__class__.__name__) from None
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
