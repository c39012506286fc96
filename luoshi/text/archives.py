"""Check a zip-based file (.docx, .xlsx, .ofd) before anything unpacks it: refuse zip bombs. No Django.

`check_zip()` reads the archive's central directory, never inflating an entry to measure it: Python's
zipfile stops every entry at the size the directory declares (a lying entry fails its CRC instead), so
the declared sizes bound what a parser will get. It refuses, with an `ArchiveError` naming the file and
the limit, an archive that

- has more entries than the limit (counted by walking the directory, so a forged count does not help),
- would inflate to more than the limit in all, nested archives included,
- has an entry compressed beyond the ratio limit (entries under RATIO_GRACE inflate too little to matter),
- uses a compression method other than stored or deflate (a bzip2 or LZMA entry inflates unbounded in
  one step before zipfile can cut it off),
- holds archives nested deeper than the limit (a Word file with a chart holds one .xlsx: depth 1),
- has an XML part larger than the limit (a parser's tree, and its time, are many times the part's size),
- has an XML part with a DTD (where billion laughs and XXE live; OPC forbids DTDs in parts), or one that
  is not XML.

Only the first bytes of each entry are inflated, to recognise a nested archive or an XML part; an XML
part's prolog (where a DTD must be) is read up to its root element, at most PROLOG_LIMIT bytes; a nested
archive is inflated to a spooled temporary file, so memory stays small whatever the input.
"""

from __future__ import annotations

import enum
import io
import shutil
import struct
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

MB = 1024 * 1024
RATIO_GRACE = MB  # an entry that inflates to less than this is not ratio-checked
PROLOG_LIMIT = MB  # an XML part's root element must start within this many bytes
HEAD = 64  # the bytes of each entry read to tell what it is

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory: signature … entries, size, offset, comment
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # one central directory header, without its name and extras
_SIG_EOCD, _SIG_EOCD64, _SIG_LOCATOR, _SIG_CENTRAL = (
    b"PK\x05\x06",
    b"PK\x06\x06",
    b"PK\x06\x07",
    b"PK\x01\x02",
)
_ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06")  # an archive's first bytes (an empty one is only its end record)
_XML_HEADS = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00<")


class Problem(enum.StrEnum):
    UNREADABLE = "unreadable"
    ENTRIES = "entries"
    INFLATED = "inflated"
    RATIO = "ratio"
    METHOD = "method"
    NESTING = "nesting"
    XML_DTD = "xml_dtd"
    XML_BROKEN = "xml_broken"
    XML_SIZE = "xml_size"


@dataclass(frozen=True)
class ZipLimits:
    inflated: int = 100 * MB  # bytes all entries inflate to, nested archives' entries included
    ratio: int = 100  # inflated size over compressed size, for each entry of RATIO_GRACE or more
    entries: int = 10_000  # entries, nested archives' entries included
    depth: int = 1  # how deep archives may nest inside the file (0: none at all)
    xml: int = 10 * MB  # the largest XML part: what a parser builds a tree of


LIMITS = ZipLimits()  # the defaults, for callers with no settings of their own


class ArchiveError(ValueError):
    """A zip-based file refused before parsing: which file, what was wrong, the limit, and the part."""

    def __init__(self, name: str, problem: Problem, *, limit: int = 0, part: str = "") -> None:
        self.name, self.problem, self.limit, self.part = name, problem, limit, part
        super().__init__(f"{name}: {_WORDING[problem].format(limit=limit, mb=limit // MB, part=part)}")


_WORDING = {
    Problem.UNREADABLE: "not a readable zip archive",
    Problem.ENTRIES: "refused, it holds more than {limit:,} files",
    Problem.INFLATED: "refused, it would unpack to more than {mb:,} MB",
    Problem.RATIO: "refused, “{part}” is compressed more than {limit:,} to 1",
    Problem.METHOD: "refused, “{part}” is compressed with a method other than deflate",
    Problem.NESTING: "refused, it holds archives nested more than {limit} deep (“{part}”)",
    Problem.XML_DTD: "refused, “{part}” has a DTD, where XML entities are declared",
    Problem.XML_BROKEN: "refused, “{part}” is not well-formed XML",
    Problem.XML_SIZE: "refused, “{part}” is an XML part of more than {mb:,} MB",
}


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...
    def seek(self, offset: int, whence: int = 0, /) -> int: ...
    def tell(self) -> int: ...


def check_zip(source: bytes | str | Path | Readable, *, name: str, limits: ZipLimits = LIMITS) -> None:
    """Raise ArchiveError if the zip archive `source` breaks `limits`; `name` is the file's, for the message.

    A file object is read from its start and left where it was.
    """
    if isinstance(source, str | Path):
        with open(source, "rb") as f:
            return check_zip(f, name=name, limits=limits)
    fp: Readable = io.BytesIO(source) if isinstance(source, bytes) else source
    at = fp.tell()
    try:
        _check(fp, _Budget(name, limits), depth=0)
    finally:
        fp.seek(at)
    return None


class _Budget:
    """What is left of the limits, shared by an archive and the archives inside it."""

    def __init__(self, name: str, limits: ZipLimits) -> None:
        self.name, self.limits = name, limits
        self.inflated, self.entries = limits.inflated, limits.entries

    def refuse(self, problem: Problem, *, limit: int = 0, part: str = "") -> ArchiveError:
        return ArchiveError(self.name, problem, limit=limit, part=part)


def _check(fp: Readable, budget: _Budget, *, depth: int, inside: str = "") -> None:
    _count_entries(fp, budget)
    try:
        archive = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise budget.refuse(Problem.UNREADABLE) from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        for info in infos:
            _check_sizes(info, budget, part=inside + info.filename)
        for info in infos:
            if info.file_size:
                _check_content(archive, info, budget, depth=depth, part=inside + info.filename)


def _count_entries(fp: Readable, budget: _Budget) -> None:
    """Walk the central directory header by header, as zipfile will read it, refusing past the limit.

    zipfile.ZipFile reads every header into memory before one can count them, and trusts the directory's
    size rather than its stated count; so the count is taken here first, in constant memory.
    """
    start, size, declared = _central_directory(fp, budget)
    if declared > budget.entries:
        raise budget.refuse(Problem.ENTRIES, limit=budget.limits.entries)
    fp.seek(start)
    seen = 0
    while seen < size:
        header = fp.read(_CENTRAL.size)
        if len(header) < _CENTRAL.size or header[:4] != _SIG_CENTRAL:
            raise budget.refuse(Problem.UNREADABLE)
        fields = _CENTRAL.unpack(header)
        name_len, extra_len, comment_len = fields[12], fields[13], fields[14]
        fp.seek(name_len + extra_len + comment_len, io.SEEK_CUR)
        seen += _CENTRAL.size + name_len + extra_len + comment_len
        budget.entries -= 1
        if budget.entries < 0:
            raise budget.refuse(Problem.ENTRIES, limit=budget.limits.entries)


def _central_directory(fp: Readable, budget: _Budget) -> tuple[int, int, int]:
    """Where the central directory starts, its size and stated entry count, found as zipfile finds them."""
    end = fp.seek(0, io.SEEK_END)
    fp.seek(max(0, end - _EOCD.size - 0xFFFF))  # the end record, then a comment of up to 64 KB
    tail = fp.read()
    found = len(tail) - _EOCD.size  # zipfile looks first for an end record with no comment, then searches
    if tail[found : found + 4] != _SIG_EOCD or tail[-2:] != b"\0\0":
        found = tail.rfind(_SIG_EOCD)
    if found < 0 or len(tail) - found < _EOCD.size:
        raise budget.refuse(Problem.UNREADABLE)
    location = end - len(tail) + found
    *_, declared, size, _offset, _comment = _EOCD.unpack_from(tail, found)
    locator_at = location - _EOCD64_LOCATOR.size
    if locator_at >= _EOCD64.size:
        fp.seek(locator_at)
        if fp.read(4) == _SIG_LOCATOR:  # a ZIP64 archive: the real figures are in the record before it
            fp.seek(locator_at - _EOCD64.size)
            record = fp.read(_EOCD64.size)
            if len(record) < _EOCD64.size or record[:4] != _SIG_EOCD64:
                raise budget.refuse(Problem.UNREADABLE)
            declared, size = _EOCD64.unpack(record)[7:9]
            location = locator_at - _EOCD64.size
    if size > location:
        raise budget.refuse(Problem.UNREADABLE)
    return location - size, size, declared


def _check_sizes(info: zipfile.ZipInfo, budget: _Budget, *, part: str) -> None:
    limits = budget.limits
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise budget.refuse(Problem.METHOD, part=part)
    budget.inflated -= info.file_size
    if budget.inflated < 0:
        raise budget.refuse(Problem.INFLATED, limit=limits.inflated)
    if info.file_size >= RATIO_GRACE and info.file_size > limits.ratio * info.compress_size:
        raise budget.refuse(Problem.RATIO, limit=limits.ratio, part=part)


def _check_content(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, *, depth: int, part: str
) -> None:
    """Look into one entry: an archive inside is checked in turn, an XML part's prolog is read."""
    try:
        with archive.open(info) as entry:
            head = entry.read(HEAD)
            if head.startswith(_ZIP_HEADS):
                if depth >= budget.limits.depth:
                    raise budget.refuse(Problem.NESTING, limit=budget.limits.depth, part=part)
                with tempfile.SpooledTemporaryFile(max_size=MB) as inner:
                    inner.write(head)
                    shutil.copyfileobj(entry, inner, 64 * 1024)
                    _check(inner, budget, depth=depth + 1, inside=part + "/")
            elif head.lstrip(b" \t\r\n").startswith(_XML_HEADS):
                if info.file_size > budget.limits.xml:
                    raise budget.refuse(Problem.XML_SIZE, limit=budget.limits.xml, part=part)
                _check_prolog(_Prefixed(head, entry), budget, part=part)
    except (zipfile.BadZipFile, RuntimeError, EOFError, OSError) as exc:  # RuntimeError: encrypted
        raise budget.refuse(Problem.UNREADABLE) from exc


def _check_prolog(source: _Prefixed, budget: _Budget, *, part: str) -> None:
    """Parse up to the root element's start: a DTD, and any entity it declares, must come before it."""
    try:
        for _event, _element in defusedxml.ElementTree.iterparse(source, events=("start",), forbid_dtd=True):
            return
    except DefusedXmlException:
        raise budget.refuse(Problem.XML_DTD, part=part) from None
    except ET.ParseError:
        pass
    raise budget.refuse(Problem.XML_BROKEN, part=part)


class _Prefixed(io.RawIOBase):
    """The bytes already read from an entry, then the rest of it, ending after PROLOG_LIMIT bytes."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head, self._rest, self._left = head, rest, PROLOG_LIMIT - len(head)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1, /) -> bytes:
        if self._head:
            out, self._head = self._head, b""
            return out
        want = self._left if n < 0 else min(n, self._left)
        out = self._rest.read(want) if want > 0 else b""
        self._left -= len(out)
        return out
