"""The hash schemes of the audit chain (Django-free).

`sha256` is the unkeyed scheme of the blocks sealed before the chain was keyed: anyone who can write to
the database can recompute it, so it only stays trustworthy behind a keyed block and the anchor. The
keyed schemes are HMACs with a key that lives outside the database: `hmac-sha256`, and `hmac-sm3` for
deployments that must use the OSCCA hash (GB/T 32905-2016), computed by the `cryptography` package.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import cached_property

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

UNKEYED = "sha256"
ALGORITHMS = ("sha256", "sm3")


def sm3(data: bytes = b"") -> str:
    """The SM3 digest of `data`, in hex."""
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


@dataclass(frozen=True)
class Scheme:
    """How one block and its events are hashed: `name` is what the block records."""

    name: str
    key: bytes = b""

    @classmethod
    def keyed(cls, *, algorithm: str, key: bytes) -> Scheme:
        if algorithm not in ALGORITHMS:
            raise ValueError(f"unknown audit hash {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
        return cls(name=f"hmac-{algorithm}", key=key)

    @property
    def is_keyed(self) -> bool:
        return self.name != UNKEYED

    @property
    def algorithm(self) -> str:
        return self.name.removeprefix("hmac-")

    @cached_property
    def key_id(self) -> str:
        """A short fingerprint of the key, so a block sealed with another key says so."""
        if not self.is_keyed:
            return ""
        return self.mac(b"luoshi audit key id")[:16]

    def mac(self, data: bytes) -> str:
        """The HMAC of `data` under the key (the plain hash for the unkeyed scheme), in hex."""
        if not self.is_keyed:
            return hashlib.sha256(data).hexdigest()
        if self.algorithm == "sm3":
            h = crypto_hmac.HMAC(self.key, hashes.SM3())
            h.update(data)
            return h.finalize().hex()
        return hmac.new(self.key, data, hashlib.sha256).hexdigest()

    def hash(self, data: bytes) -> str:
        """The unkeyed hash of `data` in the scheme's algorithm, in hex (a block's events root)."""
        if self.algorithm == "sm3":
            return sm3(data)
        return hashlib.sha256(data).hexdigest()


def known(name: str) -> bool:
    return name == UNKEYED or (name.startswith("hmac-") and name.removeprefix("hmac-") in ALGORITHMS)
