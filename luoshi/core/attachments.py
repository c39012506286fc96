"""Files that belong to a write: in storage if its transaction commits, deleted again if it does not.

Storage (var/media, an S3 bucket) takes no part in a database transaction. A write that stores files runs
them through `atomic_with_files()`, a durable transaction: leaving it without an error means the rows are
committed, and leaving it with one means they are not, so the files it stored are deleted then.

Files are written before the commit, not after it (`on_commit`): a committed row must never name a file
that is not there, and the storage chooses the final name only when it writes. The price is that a
process killed between the write and the rollback leaves an orphan file, which no row points to.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

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


def max_bytes() -> int:
    """The largest file Luoshi takes, of any kind (LUOSHI_UPLOAD_MAX_MB): one setting for every upload."""
    return int(settings.LUOSHI_UPLOAD_MAX_BYTES)


def file_name(upload: UploadedFile[bytes]) -> str:
    """The upload's own name, without any folder a browser or a client sent, at most 200 characters."""
    return (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]


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
    return errors


def _starts_with(upload: UploadedFile[bytes], heads: tuple[bytes, ...]) -> bool:
    head: bytes = upload.read(8)
    upload.seek(0)
    return head.startswith(heads)


class StoredFiles:
    """The files a transaction has put in storage, to take back out if it rolls back."""

    def __init__(self) -> None:
        self._stored: list[tuple[Storage, str]] = []

    def save(self, field_file: FieldFile, name: str, content: File[bytes]) -> None:
        """Store `content` under the field (the row is saved by the caller) and remember it."""
        field_file.save(name, content, save=False)
        self._stored.append((field_file.storage, field_file.name or name))

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
    except BaseException:
        stored.delete_all()
        raise
