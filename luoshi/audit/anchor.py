"""The anchor: every sealed head, appended to a file outside the database (settings.AUDIT_ANCHOR).

Whoever can write to the database could delete the newest blocks with their events and leave a chain
that is whole but shorter; the anchor still names the heads they removed. Lines are only ever appended
and synced to disk; keep the file on a disk the database's users cannot write to, make it append-only
(`chattr +a`) or ship it to a log host, and print the latest head in bulletins (`luoshi audit head`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from luoshi.audit.models import AuditBlock


@dataclass(frozen=True)
class Head:
    block_id: int
    sealed_at: str
    scheme: str
    hash: str

    def line(self) -> str:
        return f"{self.block_id} {self.sealed_at} {self.scheme} {self.hash}\n"


def head_of(block: AuditBlock) -> Head:
    return Head(
        block_id=block.pk, sealed_at=block.sealed_at.isoformat(), scheme=block.scheme, hash=block.hash
    )


def path() -> Path:
    return Path(settings.AUDIT_ANCHOR)


def append(block: AuditBlock) -> None:
    """Append the block's head and sync it to disk."""
    file = path()
    created = not file.exists()
    fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, head_of(block).line().encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new file's name is durable only once its directory is synced
        dir_fd = os.open(file.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def read() -> tuple[list[Head], list[str]] | None:
    """The heads the file holds, and its lines that cannot be read; None when there is no file."""
    try:
        text = path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    heads: list[Head] = []
    unreadable: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if len(parts) == 4 and parts[0].isdigit():
            heads.append(Head(int(parts[0]), parts[1], parts[2], parts[3]))
        elif line.strip():
            unreadable.append(f"line {number}")
    return heads, unreadable
