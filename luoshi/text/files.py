"""Read a document a user brings — .txt, .docx or a web page saved as .html — into text. No Django.

Text files come in UTF-8, GB18030 (GBK, GB2312) or Big5; the encoding is detected (charset-normalizer)
rather than guessed from the name. A missing, binary or undecodable file raises DocumentError, whose
message says what is wrong with which file, in one line.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
ENCODINGS = (
    "utf_8",
    "gb18030",
    "big5",
)  # what offices' files are in; tried in this order when detection is unsure
BLOCK_TAGS = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "title"]


class DocumentError(ValueError):
    pass


def read_document(path: str | Path) -> str:
    p = Path(path)
    if not p.exists():
        raise DocumentError(f"{p}: no such file")
    if not p.is_file():
        raise DocumentError(f"{p}: not a file")
    if p.stat().st_size > MAX_BYTES:
        raise DocumentError(f"{p}: larger than {MAX_BYTES >> 20} MB")
    return read_bytes(p.read_bytes(), name=p.name)


def read_bytes(data: bytes, *, name: str, limit: int = MAX_BYTES) -> str:
    """The text of a document given as bytes; `name` (its file name) tells .docx and .html apart."""
    if len(data) > limit:
        raise DocumentError(f"{name}: larger than {limit >> 20} MB")
    suffix = Path(name).suffix.lower()
    if suffix == ".docx" or data[:4] == b"PK\x03\x04":
        return _docx(data, name)
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


def _docx(data: bytes, name: str) -> str:
    from docx import Document  # python-docx; imported here so plain-text use does not pay for it

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name}: not a readable .docx file ({exc.__class__.__name__})") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
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
