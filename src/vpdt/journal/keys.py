"""The journal's keys, kept outside the database.

Where the secrets come from (the first that is set):

1. ``VPDT_JOURNAL_KEY`` (environment): one or more secrets separated by commas, each at least 32 characters
   (e.g. ``openssl rand -hex 32``).
2. Otherwise the key file ``VPDT_JOURNAL_KEY_FILE`` (default ``<data dir>/journal.key``): one secret per line,
   blank lines and ``#`` comments ignored. When it does not exist it is created the first time a key is needed,
   with 64 random hexadecimal characters and permissions 0600, so ``make run`` needs no configuration.

The first secret is the current one: it seals new entries and signs checkpoints. The others only verify what
was sealed before a rotation (``vpdt journal-key --rotate`` puts a new secret first in the key file).

From each secret (its UTF-8 bytes) two keys are derived with HKDF-SHA256 (RFC 5869, no salt): the HMAC key of
the chain (info ``vpdt journal chain v1``) and the 32-byte seed of the Ed25519 key that signs checkpoints (info
``vpdt journal checkpoint v1``). A key's id is the first 16 hexadecimal characters of the SHA-256 of its raw
Ed25519 public key, so an auditor given only the public key can tell which checkpoints it signed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from vpdt.core import keyfiles

logger = logging.getLogger(__name__)

MIN_SECRET = 32


@dataclass(frozen=True)
class Key:
    kid: str
    mac_key: bytes
    signer: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.signer.public_key()

    @property
    def public_hex(self) -> str:
        return public_bytes(self.public).hex()


def public_bytes(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_bytes(public)).hexdigest()[:16]


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@lru_cache(maxsize=32)
def _key(secret: str) -> Key:
    raw = secret.encode("utf-8")
    signer = Ed25519PrivateKey.from_private_bytes(_derive(raw, b"vpdt journal checkpoint v1"))
    return Key(kid=key_id(signer.public_key()), mac_key=_derive(raw, b"vpdt journal chain v1"), signer=signer)


def _parse(text: str, separator: str, origin: str) -> tuple[Key, ...]:
    found = []
    for item in text.split(separator):
        secret = item.split("#", 1)[0].strip() if separator == "\n" else item.strip()
        if not secret:
            continue
        if len(secret) < MIN_SECRET:
            raise ImproperlyConfigured(
                f"Khóa nhật ký trong {origin} quá ngắn: mỗi khóa cần ít nhất {MIN_SECRET} ký tự "
                f"(ví dụ tạo bằng `openssl rand -hex 32`)."
            )
        key = _key(secret)
        if all(k.kid != key.kid for k in found):
            found.append(key)
    if not found:
        raise ImproperlyConfigured(f"{origin} không chứa khóa nhật ký nào.")
    return tuple(found)


def key_file() -> Path:
    return Path(settings.VPDT_JOURNAL_KEY_FILE)


def _create(path: Path, content: str) -> None:
    keyfiles.create(path, content.encode("utf-8"))


HEADER = (
    "# Khóa nhật ký vpdt: không chép vào cơ sở dữ liệu, sao lưu riêng (README, mục Khóa nhật ký).\n"
    "# Dòng đầu là khóa hiện hành; các dòng sau chỉ dùng để kiểm tra nhật ký niêm phong trước khi đổi khóa.\n"
)


@lru_cache(maxsize=8)
def _read_file(path: str, _mtime_ns: int) -> tuple[Key, ...]:
    mode = os.stat(path).st_mode
    if mode & 0o077:
        logger.warning("Tệp khóa nhật ký %s có quyền đọc cho người khác (%o); nên đặt 0600.", path, mode & 0o777)
    return _parse(Path(path).read_text(encoding="utf-8"), "\n", f"tệp {path}")


def keyring() -> tuple[Key, ...]:
    """Every configured key, the current one first."""
    configured = getattr(settings, "VPDT_JOURNAL_KEY", "")
    if configured:
        return _parse(configured, ",", "VPDT_JOURNAL_KEY")
    path = key_file()
    if not path.exists():
        _create(path, HEADER + secrets.token_hex(32) + "\n")
        logger.info("Đã tạo tệp khóa nhật ký %s.", path)
    return _read_file(str(path), path.stat().st_mtime_ns)


def current() -> Key:
    return keyring()[0]


def by_id() -> dict[str, Key]:
    return {k.kid: k for k in keyring()}


def source() -> str:
    """Where the keys come from, in words."""
    if getattr(settings, "VPDT_JOURNAL_KEY", ""):
        return "biến môi trường VPDT_JOURNAL_KEY"
    return f"tệp {key_file()}"


def rotate() -> Key:
    """Put a new secret first in the key file, keeping the older ones for verification."""
    if getattr(settings, "VPDT_JOURNAL_KEY", ""):
        raise ImproperlyConfigured(
            "Khóa nhật ký đang lấy từ VPDT_JOURNAL_KEY: hãy thêm khóa mới vào ĐẦU danh sách "
            "trong biến môi trường (giữ các khóa cũ phía sau) rồi khởi động lại."
        )
    keyring()  # creates the file if needed
    path = key_file()
    old = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("# ")]
    new = secrets.token_hex(32)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".journal-key-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(HEADER + new + "\n" + "\n".join(old).strip() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return _key(new)
