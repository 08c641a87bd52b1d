"""Storing files with a SHA-256 and verifying their integrity later."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .models import StoredFile

CHUNK = 1024 * 1024


def sha256_of(fileobj) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    return digest.hexdigest(), size


def store(
    fileobj, original_name: str, *, folder: str = "files", content_type: str = "", agency=None, actor=None
) -> StoredFile:
    """Save the bytes through the default storage and record their hash.

    The stored name is random (never the user's file name), so a file cannot overwrite another.
    If the database row cannot be written, the stored bytes are removed again.
    """
    from vpdt.journal import services as journal

    digest, size = sha256_of(fileobj)
    day = timezone.localdate()
    name = f"{folder}/{day:%Y/%m}/{uuid.uuid4().hex}"
    saved = default_storage.save(name, File(fileobj, name=original_name))
    try:
        with transaction.atomic():
            stored = StoredFile.objects.create(
                name=saved,
                original_name=original_name[:255],
                size=size,
                sha256=digest,
                content_type=content_type[:100],
                agency=agency,
                created_by=actor,
            )
            journal.record(
                "storage.store", actor=actor, obj=stored, agency=agency, details={"sha256": digest, "size": size}
            )
    except Exception:
        default_storage.delete(saved)
        raise
    return stored


@dataclass
class Integrity:
    ok: bool
    message: str


def journaled(ids) -> dict[int, tuple[str | None, str | None]]:
    """Per StoredFile id: the SHA-256 journaled when it was stored (``storage.store``), or why it cannot be trusted.

    Each entry's seal is checked with the journal key, so a digest edited in the journal is not believed.
    """
    from vpdt.journal import chain, keys
    from vpdt.journal.models import JournalEntry

    ring = keys.by_id()
    found: dict[int, tuple[str | None, str | None]] = {}
    rows = JournalEntry.objects.filter(
        action="storage.store", object_type=StoredFile._meta.label_lower, object_id__in=[str(i) for i in ids]
    ).order_by("seq")
    for entry in rows:
        pk = int(entry.object_id)
        if pk in found:
            continue
        if chain.check(entry, ring):
            found[pk] = (None, f"Mục nhật ký #{entry.seq} ghi lúc lưu tệp đã bị sửa (mã xác thực không khớp).")
        else:
            found[pk] = ((entry.details or {}).get("sha256"), None)
    return found


def verify(stored: StoredFile, save: bool = True, journal: tuple[str | None, str | None] | None = None) -> Integrity:
    """Check the stored bytes against the row's SHA-256 and size and, with ``journal`` (an item of
    :func:`journaled`), the row's SHA-256 against the one journaled when the file was stored."""
    journaled_sha, journal_problem = journal or (None, None)
    if not default_storage.exists(stored.name):
        result = Integrity(False, "Tệp không còn trong kho lưu trữ.")
    elif journal is not None and journal_problem:
        result = Integrity(False, journal_problem)
    elif journal is not None and journaled_sha != stored.sha256:
        result = Integrity(
            False,
            f"SHA-256 trong cơ sở dữ liệu ({stored.sha256[:12]}…) khác SHA-256 ghi trong nhật "
            f"ký khi lưu tệp ({(journaled_sha or '')[:12]}…): tệp hoặc bản ghi tệp đã bị thay "
            f"đổi sau khi lưu.",
        )
    else:
        with default_storage.open(stored.name, "rb") as fh:
            digest, size = sha256_of(fh)
        if digest != stored.sha256 or size != stored.size:
            result = Integrity(False, "Nội dung tệp đã bị thay đổi (SHA-256 không khớp).")
        else:
            result = Integrity(True, "Tệp toàn vẹn.")
    if save:
        StoredFile.objects.filter(pk=stored.pk).update(verified_at=timezone.now(), verified_ok=result.ok)
    return result


def open_stored(stored: StoredFile):
    """The stored file opened for reading (binary), to be read in chunks and closed by the caller."""
    return default_storage.open(stored.name, "rb")


def read_stored(stored: StoredFile) -> bytes:
    """The bytes of a stored file."""
    with default_storage.open(stored.name, "rb") as fh:
        return fh.read()
