"""Checking uploaded files before they are stored: size, type sniffed from content, malware scan."""

from __future__ import annotations

import logging
import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlparse

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

log = logging.getLogger(__name__)

# MIME types accepted for scans and electronic originals (content sniffed, never the file name).
ALLOWED = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/zip": "ZIP",
}


@dataclass
class CheckedUpload:
    file: object
    name: str
    mime: str
    size: int


def sniff(head: bytes) -> str | None:
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check(upload) -> CheckedUpload:
    name = (getattr(upload, "name", "") or "tep-dinh-kem").rsplit("/", 1)[-1][:255]
    limit = settings.VPDT_MAX_UPLOAD_MB * 1024 * 1024
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise ValidationError({"files": f"Tệp “{name}” rỗng."}, code="empty")
    if size > limit:
        raise ValidationError({"files": f"Tệp “{name}” vượt quá giới hạn {settings.VPDT_MAX_UPLOAD_MB} MB."},
                              code="too_large")
    head = upload.read(8192)
    upload.seek(0)
    mime = sniff(head)
    if mime not in ALLOWED:
        raise ValidationError(
            {"files": f"Tệp “{name}” không phải định dạng được chấp nhận (PDF, ảnh PNG/JPEG/TIFF, DOCX, ODT, ZIP); "
                      "định dạng được nhận diện theo nội dung tệp, không theo tên."}, code="bad_type")
    infected = scan(upload)
    upload.seek(0)
    if infected:
        from vpdt.journal import services as journal

        journal.record("security.malware_blocked", details={"file": name, "signature": infected})
        raise ValidationError({"files": f"Tệp “{name}” chứa mã độc ({infected}) và đã bị chặn. "
                                        "Sự việc đã được ghi nhật ký; hãy báo cán bộ CNTT."}, code="malware")
    return CheckedUpload(file=upload, name=name, mime=mime, size=size)


def scan(upload) -> str | None:
    """ClamAV INSTREAM scan when VPDT_CLAMAV is set (tcp://host:3310 or unix:///path). Returns the signature
    name when infected, None when clean or when no scanner is configured."""
    target = settings.VPDT_CLAMAV
    if not target:
        return None
    url = urlparse(target)
    try:
        if url.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(url.path)
        else:
            sock = socket.create_connection((url.hostname, url.port or 3310), timeout=30)
        with sock:
            sock.sendall(b"zINSTREAM\0")
            upload.seek(0)
            for chunk in iter(lambda: upload.read(64 * 1024), b""):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        log.error("Không kết nối được ClamAV tại %s: %s", target, exc)
        raise ValidationError({"files": "Không kiểm tra được mã độc (máy quét ClamAV không phản hồi). "
                                        "Vui lòng thử lại sau hoặc báo cán bộ CNTT."}, code="scanner") from exc
    text = reply.rstrip(b"\0").decode("utf-8", "replace")
    if text.endswith("FOUND"):
        return text.split(":", 1)[-1].replace("FOUND", "").strip() or "không rõ"
    if not text.endswith("OK"):
        raise ValidationError({"files": f"Máy quét mã độc báo lỗi: {text}"}, code="scanner")
    return None
