"""Files that belong to a write: in storage if its transaction commits, deleted again if it does not.

Storage (var/media, an S3 bucket) takes no part in a database transaction. A write that stores files runs
them through `atomic_with_files()`, a durable transaction: leaving it without an error means the rows are
committed, and leaving it with one means they are not, so the files it stored are deleted then.

Files are written before the commit, not after it (`on_commit`): a committed row must never name a file
that is not there, and the storage chooses the final name only when it writes. The price is that a
process killed between the write and the rollback leaves an orphan file, which no row points to.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from luoshi.core import db
from luoshi.text.archives import ArchiveError, Problem, ZipLimits, check_zip

FileRow = TypeVar("FileRow", bound=Any)  # a model with file, name, size, content_type and sha256

logger = logging.getLogger(__name__)

# The files offices attach (PDF, Word, Excel, photos): a name's ending, and the bytes such a file starts with.
EVIDENCE_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK",),
    ".xlsx": (b"PK",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
}
ZIP_KINDS = (".docx", ".xlsx")  # zip archives inside: checked for zip bombs before they are stored
# The type each kind is served as. A browser's declared type is not trusted (a "photo" sent as text/html
# would run as a page); the name's ending is, since upload_errors() checked the bytes against it.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
# Shown in the browser rather than saved: kinds a browser renders without running anything of the file's.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def max_bytes() -> int:
    """The largest file Luoshi takes, of any kind (LUOSHI_UPLOAD_MAX_MB): one setting for every upload."""
    return int(settings.LUOSHI_UPLOAD_MAX_BYTES)


def zip_limits(*, parsed: bool = True) -> ZipLimits:
    """What a zip-based file may hold (LUOSHI_ZIP_*); one stored but never `parsed` has no XML part limit."""
    inflated = int(settings.LUOSHI_ZIP_MAX_BYTES)
    return ZipLimits(
        inflated=inflated,
        ratio=int(settings.LUOSHI_ZIP_MAX_RATIO),
        entries=int(settings.LUOSHI_ZIP_MAX_ENTRIES),
        depth=int(settings.LUOSHI_ZIP_MAX_DEPTH),
        xml=int(settings.LUOSHI_ZIP_MAX_XML_BYTES) if parsed else inflated,
    )


def archive_refusal(exc: ArchiveError) -> str:
    """Why a zip-based file was refused, in the reader's language, naming the file and the limit."""
    wording = {
        Problem.UNREADABLE: _("“%(name)s” is damaged: it cannot be opened as a Word or Excel file."),
        Problem.ENTRIES: _("“%(name)s” holds more than %(limit)s parts; the limit is %(limit)s."),
        Problem.INFLATED: _("“%(name)s” would unpack to more than %(limit)s MB; the limit is %(limit)s MB."),
        Problem.RATIO: _(
            "“%(name)s” is compressed more than %(limit)s to 1 (“%(part)s”), as zip bombs are; "
            "the limit is %(limit)s to 1."
        ),
        Problem.METHOD: _(
            "“%(name)s” is compressed in an unusual way (“%(part)s”); save it again and retry."
        ),
        Problem.NESTING: _(
            "“%(name)s” holds archives nested more than %(limit)s deep (“%(part)s”); the limit is %(limit)s."
        ),
        Problem.XML_SIZE: _(
            "“%(name)s” has a part larger than %(limit)s MB (“%(part)s”); the limit is %(limit)s MB."
        ),
        Problem.XML_DTD: _(
            "“%(name)s” has a part with a DTD (“%(part)s”), where XML entities hide; it is refused."
        ),
        Problem.XML_BROKEN: _("“%(name)s” has a damaged part (“%(part)s”); save it again and retry."),
    }[exc.problem]
    in_mb = exc.problem in (Problem.INFLATED, Problem.XML_SIZE)
    return wording % {"name": exc.name, "limit": exc.limit >> 20 if in_mb else exc.limit, "part": exc.part}


def file_name(upload: UploadedFile[bytes]) -> str:
    """The upload's own name, without any folder a browser or a client sent, at most 200 characters."""
    return (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]


def content_type_of(name: str) -> str:
    """The type a stored file is served as, from its name's ending; unknown kinds are plain bytes."""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def sha256_of(upload: File[bytes]) -> str:
    """The hex SHA-256 of the file's content, read in chunks (never whole), left at its start."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def upload_errors(
    uploads: Sequence[UploadedFile[bytes]], *, kinds: dict[str, tuple[bytes, ...]] = EVIDENCE_TYPES
) -> list[str]:
    """What is wrong with each file, by its name, size and first bytes; nothing when all may be stored."""
    errors = []
    limit = max_bytes()
    for upload in uploads:
        name = file_name(upload)
        suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if suffix not in kinds:
            errors.append(_("“%(name)s”: only PDF, Word, Excel, JPEG or PNG files.") % {"name": name})
        elif upload.size is None or upload.size > limit:
            errors.append(_("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": limit >> 20})
        elif not _starts_with(upload, kinds[suffix]):
            errors.append(_("“%(name)s” is not the kind of file its name says.") % {"name": name})
        elif suffix in ZIP_KINDS and (refused := _zip_refusal(upload, name)):
            errors.append(refused)
    return errors


def _zip_refusal(upload: UploadedFile[bytes], name: str) -> str:
    """Why the zip-based upload may not be stored, or nothing; read from its directory, never unpacked."""
    try:
        check_zip(upload, name=name, limits=zip_limits(parsed=False))
    except ArchiveError as exc:
        return archive_refusal(exc)
    return ""


def _starts_with(upload: UploadedFile[bytes], heads: tuple[bytes, ...]) -> bool:
    head: bytes = upload.read(8)
    upload.seek(0)
    return head.startswith(heads)


# A file shown in the browser runs nothing and loads nothing: no scripts, no requests, no forms, no framing
# by another site. `sandbox` is left out because Chromium then refuses to show a PDF at all.
FILE_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def file_response(field_file: FieldFile, name: str, *, download: bool) -> FileResponse:
    """A stored file, streamed under its own name: PDFs and photos shown in the browser unless `download`,
    other kinds saved. Raise Http404 when storage has lost it."""
    content_type = content_type_of(name)
    inline = content_type in INLINE_TYPES and not download
    try:
        stored = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stored, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


def delete_on_commit(files: Sequence[FieldFile]) -> None:
    """Delete the stored files once the transaction that removed their rows commits (never before: a
    rollback must find them still there)."""
    stored = [(f.storage, f.name) for f in files if f.name]
    if stored:
        transaction.on_commit(lambda: _delete_stored(stored))


def _delete_stored(stored: Sequence[tuple[Storage, str]]) -> None:
    for storage, name in stored:
        try:
            storage.delete(name)
        except Exception:  # the removal stands; a file left behind is only an orphan, which no row names
            logger.exception("could not delete the removed file %s", name)


class StoredFiles:
    """The files a transaction has put in storage, to take back out if it rolls back."""

    def __init__(self) -> None:
        self._stored: list[tuple[Storage, str]] = []

    def save(self, field_file: FieldFile, name: str, content: File[bytes]) -> None:
        """Store `content` under the field (the row is saved by the caller) and remember it."""
        field_file.save(name, content, save=False)
        self._stored.append((field_file.storage, field_file.name or name))

    def store_uploads(
        self,
        uploads: Sequence[UploadedFile[bytes]],
        make: Callable[..., FileRow],
        held: dict[str, FileRow] | None = None,
    ) -> list[tuple[FileRow, bool]]:
        """Store checked uploads, each as the row `make(name=, size=, content_type=, sha256=)` builds (the
        file first, then the row), once per content: an upload whose SHA-256 `held` (or an earlier upload
        of the batch) already has gives that row back. Each row comes with whether it is new."""
        held = dict(held or {})
        rows = []
        for upload in uploads:
            assert upload.size is not None, "upload_errors() refuses a file of unknown size"
            digest = sha256_of(upload)
            if digest in held:
                rows.append((held[digest], False))
                continue
            name = file_name(upload)
            row = make(name=name, size=upload.size, content_type=content_type_of(name), sha256=digest)
            self.save(row.file, name, upload)
            row.save()
            held[digest] = row
            rows.append((row, True))
        return rows

    def delete_all(self) -> None:
        for storage, name in reversed(self._stored):
            try:
                storage.delete(name)
            except Exception:  # the rollback's own error is the one to raise; this one is logged
                logger.exception("could not delete %s after its transaction rolled back", name)
        self._stored.clear()


@contextmanager
def atomic_with_files(using: str | None = None) -> Iterator[StoredFiles]:
    """Run a durable transaction; the files saved through what it yields are deleted unless it commits.

    Durable, so nesting it in another atomic block raises RuntimeError: only the outermost transaction
    knows whether the rows, and so the files, are kept.
    """
    stored = StoredFiles()
    try:
        with transaction.atomic(using=using, durable=True):
            yield stored
            # An error caught inside (a courtesy's, in its savepoint) whose savepoint could not be rolled
            # back, the connection cut, leaves the block to end in a rollback that Django does not raise:
            # the caller would acknowledge what was never committed. Raised here instead.
            if db.broken(using):
                raise DatabaseError("the transaction broke inside its block; nothing was committed")
    except BaseException:
        stored.delete_all()
        raise
