"""The key that turns a NIK into a pseudonym: HMAC-SHA256(key, NIK), 32 bytes.

The key is read from the environment (`INPRES_NIK_KEY`) or the Airflow connection `inpres_nik_key` (its
password), hex or base64, at least 32 bytes. It is never stored in the warehouse: only its fingerprint
(`sidik`, an HMAC of a fixed text, which does not reveal the key) marks which key made a list's pseudonyms,
so a rotation knows what is left to re-key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re

ENV = "INPRES_NIK_KEY"
CONN_ID = "inpres_nik_key"
MIN_BYTES = 32
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+$")


class MissingKey(RuntimeError):
    """No usable key: a configuration fault of the ministry, never the pelapor's; the file waits in the inbox."""


def nik_key() -> bytes:
    """The key, or MissingKey with what to set."""
    text = (os.environ.get(ENV) or _connection_password() or "").strip()
    where = f"set {ENV} or the password of the Airflow connection {CONN_ID}"
    if not text:
        raise MissingKey(
            f"no key to pseudonymise NIKs: {where} (hex or base64, at least {MIN_BYTES} bytes; e.g. "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`). A participant list (peserta) cannot "
            "be loaded without it; it stays in the inbox and is judged once the key is set"
        )
    key = _decode(text)
    if key is None or len(key) < MIN_BYTES:
        raise MissingKey(f"the NIK key is not hex or base64 of at least {MIN_BYTES} bytes: {where} again")
    return key


def _connection_password() -> str | None:
    try:
        from airflow.sdk import Connection

        return Connection.get(CONN_ID).password
    except Exception:  # not defined, or no Airflow around: the environment variable is the other way
        return None


def _decode(text: str) -> bytes | None:
    if _HEX.match(text):
        return bytes.fromhex(text)
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_" if "-" in text or "_" in text else None)
    except (binascii.Error, ValueError):
        return None


def sidik(key: bytes) -> str:
    """The key's fingerprint, kept beside the lists it pseudonymised."""
    return hmac.new(key, b"inpres: sidik kunci pseudonim NIK", "sha256").hexdigest()[:16]


def hasher(key: bytes):
    """A function bytes -> HMAC-SHA256(key, bytes), the same as `hmac.digest(key, b, "sha256")`.

    The padded key's inner and outer hash states are computed once and copied per value: half the time of
    `hmac.digest` here, which matters at tens of millions of rows.
    """
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(value: bytes) -> bytes:
        i = inner.copy()
        i.update(value)
        o = outer.copy()
        o.update(i.digest())
        return o.digest()

    return digest
