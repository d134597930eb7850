"""Keys, derived credentials, secret hashing and encryption at rest.

Everything here hangs off the master key (``PUNCHOUT_MASTER_KEY``), kept in a
:class:`KeyRing` with the keys it replaced (``PUNCHOUT_PREVIOUS_MASTER_KEYS``) so it can be
rotated: new values are made with the current key, old ones still verify or decrypt with the
previous keys until they are migrated and the old key is retired.

- :func:`derive_key` gives each purpose its own key (HKDF-SHA256), so a key used to sign
  references can never decrypt a stored password;
- per-user PIPO credentials are derived (HMAC), so no per-user password is stored;
- buyers' shared secrets and OCI passwords are stored only as salted scrypt hashes and
  checked in constant time;
- the few passwords that must be stored (temporary users, linked accounts) are encrypted with
  Fernet (AES-128-CBC + HMAC-SHA256, authenticated).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: scrypt cost: tens of milliseconds per check; a success is remembered per process.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def derive_key(master_key: str, purpose: str) -> bytes:
    """A 32-byte key for ``purpose``, derived from the master key.

    Derived once per process for each (master key, purpose): HKDF (RFC 5869) is a pure
    function of its inputs, and a setup derives a user's password on every request. Keyed by
    the master key itself, so a rotated key derives afresh and the previous keys' stay apart.
    """
    return _derive_key(master_key, purpose)


#: The master keys a process uses are few (the current one and those it replaced); the
#: purposes are the code's own words.
@lru_cache(maxsize=64)
def _derive_key(master_key: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(master_key.encode("utf-8"))


def key_id(master_key: str) -> str:
    """A short public name of a master key (8 hex characters), for records and logs."""
    return derive_key(master_key, "key-id").hex()[:8]


@dataclass(frozen=True)
class KeyRing:
    """The current master key and the previous ones, still accepted until retired."""

    current: str = field(repr=False)
    previous: tuple[str, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        return f"KeyRing(current={key_id(self.current)}, previous={len(self.previous)})"

    @property
    def all(self) -> tuple[str, ...]:
        """Every key, the current one first."""
        return (self.current, *self.previous)

    def derive(self, purpose: str) -> tuple[bytes, ...]:
        """The key for ``purpose`` under every master key, the current one first."""
        return tuple(derive_key(k, purpose) for k in self.all)

    def by_id(self, wanted: str) -> str | None:
        return next((k for k in self.all if hmac.compare_digest(key_id(k), wanted)), None)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def derive_username(buyer_id: str, user_key: str) -> str:
    """The PIPO username of a procurement user: stable, and not revealing who it is."""
    return f"po-{buyer_id[:20]}-{_digest(buyer_id, user_key)[:16]}"


def derive_user_password(master_key: str, buyer_id: str, user_key: str) -> str:
    """The PIPO password of a procurement user, recomputed whenever it is needed."""
    key = derive_key(master_key, "user-passwords")
    mac = hmac.new(key, f"{buyer_id}\0{user_key}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode("ascii")


def generate_secret() -> str:
    """A strong random shared secret or OCI password (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


#: A hash of the same cost as real ones that nothing matches: checked instead of a real hash
#: for an unknown identity, so an unknown identity costs as much as a known one.
DUMMY_HASH = "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), "00" * 16, "00" * 32])


def hash_secret(secret: str) -> str:
    """``scrypt$n$r$p$salt$hash`` of ``secret`` with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(
        ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), salt.hex(), digest.hex()]
    )


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=2**26)


#: Fingerprints of secrets already verified by this process: keyed with a random per-process
#: key, so repeated logins skip scrypt without keeping any secret in memory.
_PROCESS_KEY = secrets.token_bytes(32)
_VERIFIED: OrderedDict[bytes, None] = OrderedDict()
_VERIFIED_MAX = 4096


def verify_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches the stored hash, compared in constant time."""
    fingerprint = hmac.new(_PROCESS_KEY, f"{stored}\0{secret}".encode(), hashlib.sha256).digest()
    if fingerprint in _VERIFIED:
        return True
    if not _verify(secret, stored):
        return False
    _VERIFIED[fingerprint] = None
    while len(_VERIFIED) > _VERIFIED_MAX:
        _VERIFIED.popitem(last=False)
    return True


def _verify(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(digest)
        computed = _scrypt(secret, bytes.fromhex(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, expected)


class DecryptionError(ValueError):
    """A stored value cannot be decrypted (another master key, or tampered with)."""


class Encryptor:
    """Authenticated encryption of the few credentials that must be stored.

    Encrypts with the current master key; decrypts with any key of the ring, so values
    stored before a rotation stay readable until :meth:`reencrypt` moves them to the new key.
    """

    def __init__(self, master_key: str, previous: Sequence[str] = ()) -> None:
        self._fernet = MultiFernet(
            [
                Fernet(base64.urlsafe_b64encode(derive_key(k, "stored-credentials")))
                for k in (master_key, *previous)
            ]
        )

    def __repr__(self) -> str:
        return "Encryptor(<key>)"

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError, UnicodeError):
            raise DecryptionError("a stored credential could not be decrypted") from None

    def reencrypt(self, token: str) -> str:
        """``token`` encrypted again with the current key (after a rotation)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, ValueError, UnicodeError):
            raise DecryptionError("a stored credential could not be decrypted") from None
