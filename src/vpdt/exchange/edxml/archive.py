"""Zipped attachments (partners often send the files of a document as one zip), opened with limits.

The sizes a zip declares are not trusted: each member is copied in chunks and counted as it is inflated, and the
copy stops at the limits (total size, members, inflation ratio), so a zip bomb costs nothing. Members keep their
file name only (no folders, so no path tricks); nested archives stay as they are.
"""

from __future__ import annotations

import hashlib
import posixpath
import tempfile
import zipfile
from dataclasses import dataclass

from .model import Attachment
from .values import PackageError

CHUNK = 256 * 1024
ZIP_MAGIC = b"PK\x03\x04"
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".edxml": "application/xml",
    ".zip": "application/zip",
}


@dataclass(frozen=True)
class ZipLimits:
    members: int = 100
    total_bytes: int = 300 * 1024 * 1024
    ratio: int = 100  # inflated size / compressed size, per member


def is_zip(attachment: Attachment) -> bool:
    if attachment.content is None:
        return False
    attachment.content.seek(0)
    head = attachment.content.read(4)
    attachment.content.seek(0)
    return head == ZIP_MAGIC


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(posixpath.splitext(name.lower())[1], "application/octet-stream")


def expand(attachment: Attachment, limits: ZipLimits = ZipLimits()) -> list[Attachment]:
    """The files inside a zipped attachment (the attachment itself when it is not a zip)."""
    if not is_zip(attachment):
        return [attachment]
    where = f"Tệp nén “{attachment.name}”"
    try:
        archive = zipfile.ZipFile(attachment.content)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageError(f"{where}: không mở được (tệp nén hỏng).", "bad_zip") from None
    out: list[Attachment] = []
    total = 0
    try:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.members:
            raise PackageError(f"{where}: có {len(members)} tệp, tối đa {limits.members}.", "zip_too_many")
        for number, info in enumerate(members, start=1):
            if info.flag_bits & 0x1:
                raise PackageError(f"{where}: tệp {info.filename} được đặt mật khẩu.", "zip_encrypted")
            name = posixpath.basename(info.filename.replace("\\", "/")) or f"tep-{number}"
            target = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
            digest, size = hashlib.sha256(), 0
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if total > limits.total_bytes:
                        raise PackageError(
                            f"{where}: giải nén ra hơn {limits.total_bytes // (1024 * 1024)} MB (nghi tệp nén độc hại).",
                            "zip_bomb",
                        )
                    if size > max(info.compress_size, 1) * limits.ratio and size > 1024 * 1024:
                        raise PackageError(
                            f"{where}: tệp {name} nở gấp hơn {limits.ratio} lần khi giải nén (nghi tệp nén độc hại).",
                            "zip_bomb",
                        )
                    digest.update(chunk)
                    target.write(chunk)
            target.seek(0)
            out.append(
                Attachment(
                    content_id=f"{attachment.content_id}/{number}",
                    name=name,
                    content_type=content_type_of(name),
                    description=attachment.description,
                    content=target,
                    sha256=digest.hexdigest(),
                    size=size,
                )
            )
    except PackageError:
        for item in out:
            item.content.close()
        raise
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        for item in out:
            item.content.close()
        raise PackageError(f"{where}: nội dung hỏng, không giải nén được.", "bad_zip") from None
    finally:
        archive.close()
    return out
