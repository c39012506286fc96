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
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)


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
