"""How systems prove who they are to each other: a system id and an HMAC-SHA256 of the request, with a timestamp and a
nonce so a captured request cannot be replayed; the shared secrets are kept encrypted at rest.

The string signed is ``METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256(body)``; the header names are settings of each
partner (``Partner.settings["headers"]``), so the client can speak to a hub that names them otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.cache import cache

DEFAULT_HEADERS = {
    "system": "X-Vpdt-System",
    "timestamp": "X-Vpdt-Timestamp",
    "nonce": "X-Vpdt-Nonce",
    "signature": "X-Vpdt-Signature",
    "organ": "X-Vpdt-Organ",
    "message_type": "X-Vpdt-Message-Type",
}
MAX_SKEW = 300  # seconds between the two clocks


class AuthError(Exception):
    """The request cannot be trusted; the message says why, in Vietnamese."""


def _fernet() -> Fernet:
    secret = (getattr(settings, "VPDT_EXCHANGE_KEY", "") or settings.SECRET_KEY).encode("utf-8")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"vpdt-exchange", info=b"partner-secret").derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def seal_secret(secret: str) -> bytes:
    return _fernet().encrypt(secret.encode("utf-8"))


def open_secret(sealed: bytes) -> str:
    try:
        return _fernet().decrypt(bytes(sealed)).decode("utf-8")
    except InvalidToken:
        raise AuthError(
            "Không giải mã được khóa bí mật của hệ thống liên thông: khóa mã hóa (VPDT_EXCHANGE_KEY) đã đổi."
        ) from None


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signature(secret: str, method: str, path: str, timestamp: str, nonce: str, body_sha256: str) -> str:
    signed = "\n".join([method.upper(), path, timestamp, nonce, body_sha256]).encode("utf-8")
    return base64.b64encode(hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).digest()).decode("ascii")


def sign_headers(system: str, secret: str, method: str, path: str, body: bytes, names: dict | None = None) -> dict:
    names = {**DEFAULT_HEADERS, **(names or {})}
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    return {
        names["system"]: system,
        names["timestamp"]: timestamp,
        names["nonce"]: nonce,
        names["signature"]: signature(secret, method, path, timestamp, nonce, body_hash(body)),
    }


@dataclass
class Caller:
    system: str
    timestamp: int
    nonce: str


def check_headers(headers, method: str, path: str, body_sha256: str, secret_of, names: dict | None = None) -> Caller:
    """The calling system, once its signature, clock and nonce are right; ``body_sha256``: the hex SHA-256 of the
    request's body; ``secret_of(system)`` gives the system's secret (None: unknown system). AuthError otherwise."""
    names = {**DEFAULT_HEADERS, **(names or {})}
    system = (headers.get(names["system"]) or "").strip()
    timestamp = (headers.get(names["timestamp"]) or "").strip()
    nonce = (headers.get(names["nonce"]) or "").strip()
    given = (headers.get(names["signature"]) or "").strip()
    if not (system and timestamp and nonce and given):
        raise AuthError("Thiếu mã hệ thống, thời điểm, số dùng một lần hoặc chữ ký của yêu cầu.")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) or len(nonce) > 64:
        raise AuthError("Thời điểm hoặc số dùng một lần của yêu cầu không hợp lệ.")
    if abs(time.time() - int(timestamp)) > MAX_SKEW:
        raise AuthError("Thời điểm của yêu cầu lệch quá 5 phút so với đồng hồ của trục.")
    secret = secret_of(system)
    if secret is None:
        raise AuthError(f"Hệ thống “{system[:100]}” chưa được đăng ký hoặc đã ngừng kết nối.")
    expected = signature(secret, method, path, timestamp, nonce, body_sha256)
    if not hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace")):
        raise AuthError("Chữ ký HMAC của yêu cầu không đúng.")
    if not cache.add(f"exchange-nonce:{system}:{nonce}", 1, timeout=2 * MAX_SKEW):
        raise AuthError("Yêu cầu này đã được gửi trước đó (số dùng một lần bị dùng lại).")
    return Caller(system, int(timestamp), nonce)
