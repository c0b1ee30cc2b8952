"""Encryption at rest: a master key wraps per-subject data keys; keyed hashes make lookups possible.

- Every subject has a random 256-bit data key, stored wrapped (AES-GCM) by the master key. Identifiers and
  payloads are AES-GCM ciphertext under it. Erasing the subject deletes the wrapped key: copies of the
  database in old backups can no longer be decrypted (crypto-shredding, issue 8).
- Lookups (e-mail, phone, national id, order number) use HMAC-SHA256 under a lookup key, so equality
  search works without clear text at rest.
- The master key comes from ``PERSONVERN_MASTER_KEY`` (base64, 32 bytes) or a file named by
  ``PERSONVERN_MASTER_KEY_FILE``; it is never stored in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from personvern.errors import CryptoError

NONCE = 12


def new_key() -> bytes:
    return secrets.token_bytes(32)


def encrypt(key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """AES-256-GCM; the 12-byte random nonce is prepended to the ciphertext."""
    nonce = secrets.token_bytes(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE], blob[NONCE:], aad)
    except (InvalidTag, ValueError) as exc:
        raise CryptoError("cannot decrypt: wrong key, or the data was altered") from exc


def derive(key: bytes, info: str) -> bytes:
    """HKDF-SHA256: a sub-key for one use (e.g. the seal key of one order number)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info.encode()).derive(key)


def lookup_hash(key: bytes, kind: str, normalised: str) -> bytes:
    """Keyed hash of a normalised identifier; the kind is bound in so an e-mail never matches a phone."""
    return hmac.new(key, f"{kind}\x00{normalised}".encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class MasterKey:
    key: bytes

    @property
    def id(self) -> str:
        """A fingerprint that names the key without revealing it."""
        return hashlib.sha256(b"personvern-master\x00" + self.key).hexdigest()[:16]

    def wrap(self, data_key: bytes) -> bytes:
        return encrypt(self.key, data_key, b"personvern-key")

    def unwrap(self, wrapped: bytes) -> bytes:
        return decrypt(self.key, wrapped, b"personvern-key")

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(new_key())

    @classmethod
    def parse(cls, text: str, *, origin: str) -> MasterKey:
        try:
            raw = base64.b64decode(text.strip(), validate=True)
        except ValueError as exc:
            raise CryptoError(f"{origin}: the master key is not base64") from exc
        if len(raw) != 32:
            raise CryptoError(f"{origin}: the master key must be 32 bytes (base64 of 32 random bytes)")
        return cls(raw)

    @classmethod
    def from_env(cls, default_file: Path | None = None) -> MasterKey:
        """``PERSONVERN_MASTER_KEY``, else ``PERSONVERN_MASTER_KEY_FILE``, else ``default_file``."""
        if text := os.environ.get("PERSONVERN_MASTER_KEY"):
            return cls.parse(text, origin="PERSONVERN_MASTER_KEY")
        file = os.environ.get("PERSONVERN_MASTER_KEY_FILE") or default_file
        if file is None:
            raise CryptoError(
                "no master key: set PERSONVERN_MASTER_KEY or PERSONVERN_MASTER_KEY_FILE "
                "(create one with `personvern keys generate`)"
            )
        path = Path(file)
        try:
            return cls.parse(path.read_text(), origin=str(path))
        except FileNotFoundError as exc:
            raise CryptoError(f"{path}: master key file not found (`personvern keys generate {path}`)") from exc

    def write(self, path: Path) -> None:
        path.touch(mode=0o600, exist_ok=False)
        path.write_text(base64.b64encode(self.key).decode() + "\n")
