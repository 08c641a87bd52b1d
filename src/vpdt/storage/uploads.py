"""Checking uploaded files before they are stored: a usable name, size, type sniffed from content, malware scan.

Django drops, without a word, a file part whose name sanitises to nothing ("..", ".", "/", "a/"): a document
would then be registered without its file. The multipart parsers below keep such a part under a marker name
instead, which ``check`` refuses with a clear message before anything is written."""

from __future__ import annotations

import logging
import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlparse

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import multipartparser
from django.utils.datastructures import ImmutableList

from vpdt.core import parsers as core_parsers

log = logging.getLogger(__name__)

UNNAMED = "\u200b"  # a non-printable character: never left in a name Django sanitised, so it marks a dropped name
UNNAMED_MESSAGE = (
    "Có tệp đính kèm không có tên dùng được (tên trống, “.”, “..” hoặc chỉ gồm dấu “/”, “\\”). "
    "Hãy đặt tên cho tệp (ví dụ cong-van.pdf) rồi gửi lại; chưa có gì được lưu."
)


class NamedFilesParser(multipartparser.MultiPartParser):
    """Django's multipart parser, keeping file parts whose name sanitises to nothing (under ``UNNAMED``)."""

    def sanitize_file_name(self, file_name):
        return super().sanitize_file_name(file_name) or UNNAMED


class MultiPartParser(core_parsers.MultiPartParser):
    """The API's multipart parser on ``NamedFilesParser``."""

    django_parser = NamedFilesParser


class NamedFilesMiddleware:
    """Form posts are parsed with ``NamedFilesParser`` too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def parse_file_upload(meta, post_data):
            request.upload_handlers = ImmutableList(
                request.upload_handlers, warning="Upload handlers are fixed once the upload has been parsed."
            )
            return NamedFilesParser(meta, post_data, request.upload_handlers, request.encoding).parse()

        request.parse_file_upload = parse_file_upload
        return self.get_response(request)


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
    name = getattr(upload, "name", None)
    name = "tep-dinh-kem" if name is None else name.rsplit("/", 1)[-1][:255]
    if name == UNNAMED or name.strip() in ("", ".", ".."):
        raise ValidationError({"files": UNNAMED_MESSAGE}, code="no_name")
    limit = settings.VPDT_MAX_UPLOAD_MB * 1024 * 1024
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise ValidationError({"files": f"Tệp “{name}” rỗng."}, code="empty")
    if size > limit:
        raise ValidationError(
            {"files": f"Tệp “{name}” vượt quá giới hạn {settings.VPDT_MAX_UPLOAD_MB} MB."}, code="too_large"
        )
    head = upload.read(8192)
    upload.seek(0)
    mime = sniff(head)
    if mime not in ALLOWED:
        raise ValidationError(
            {
                "files": f"Tệp “{name}” không phải định dạng được chấp nhận (PDF, ảnh PNG/JPEG/TIFF, DOCX, ODT, ZIP); "
                "định dạng được nhận diện theo nội dung tệp, không theo tên."
            },
            code="bad_type",
        )
    infected = scan(upload)
    upload.seek(0)
    if infected:
        from vpdt.journal import services as journal

        journal.record("security.malware_blocked", details={"file": name, "signature": infected})
        raise ValidationError(
            {
                "files": f"Tệp “{name}” chứa mã độc ({infected}) và đã bị chặn. "
                "Sự việc đã được ghi nhật ký; hãy báo cán bộ CNTT."
            },
            code="malware",
        )
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
        raise ValidationError(
            {
                "files": "Không kiểm tra được mã độc (máy quét ClamAV không phản hồi). "
                "Vui lòng thử lại sau hoặc báo cán bộ CNTT."
            },
            code="scanner",
        ) from exc
    text = reply.rstrip(b"\0").decode("utf-8", "replace")
    if text.endswith("FOUND"):
        return text.split(":", 1)[-1].replace("FOUND", "").strip() or "không rõ"
    if not text.endswith("OK"):
        raise ValidationError({"files": f"Máy quét mã độc báo lỗi: {text}"}, code="scanner")
    return None
