"""Sealing journal entries: an HMAC-SHA256 chain under a key kept outside the database.

An entry's ``hash`` is HMAC-SHA256, under the MAC key of the key named by its ``key_id`` (see
:mod:`vpdt.journal.keys`), of a canonical JSON of every column of the entry — ``prev_hash`` (the previous entry's
``hash``) and ``key_id`` included — except the surrogate primary key ``id``, which no screen, API or export reads
(entries are identified and ordered by ``seq``). :data:`FIELDS` lists them; a test keeps it equal to the model.

:func:`reseal` moves a journal written before the key existed (SHA-256 chain, see :func:`legacy_hash`) under the
key once, from the migration that added ``key_id``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from contextlib import contextmanager
from datetime import UTC

from django.utils import timezone

from . import keys

GENESIS = "0" * 64
FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_repr",
    "on_behalf_of_id",
    "on_behalf_of_repr",
    "agency_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "details",
    "ip",
    "request_id",
    "prev_hash",
    "key_id",
)
DOMAIN = b"vpdt-journal-entry/1\n"


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry) -> bytes:
    payload = {name: getattr(entry, name) for name in FIELDS}
    payload["created_at"] = _utc(entry.created_at)
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def mac(key: keys.Key, entry) -> str:
    return hmac.new(key.mac_key, DOMAIN + canonical(entry), hashlib.sha256).hexdigest()


def seal(entry, prev_hash: str, key: keys.Key | None = None) -> str:
    """Link ``entry`` after ``prev_hash`` and seal it under ``key`` (the current key by default)."""
    key = key or keys.current()
    entry.prev_hash = prev_hash
    entry.key_id = key.kid
    entry.hash = mac(key, entry)
    return entry.hash


def check(entry, ring: dict[str, keys.Key]) -> str | None:
    """Why ``entry``'s seal is not valid, or None."""
    key = ring.get(entry.key_id)
    if key is None:
        if not entry.key_id:
            return f"Mục #{entry.seq}: không được niêm phong bằng khóa nhật ký."
        return f"Mục #{entry.seq}: niêm phong bằng khóa “{entry.key_id}” không có trong cấu hình khóa nhật ký."
    if not hmac.compare_digest(mac(key, entry), entry.hash):
        return f"Mục #{entry.seq}: nội dung đã bị sửa (mã xác thực không khớp)."
    return None


def legacy_hash(prev_hash: str, entry) -> str:
    """The chain before the key: SHA-256 over the previous hash and a JSON of the entry (request_id not covered)."""
    payload = {
        "seq": entry.seq,
        "created_at": _utc(entry.created_at),
        "actor": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "on_behalf_of": entry.on_behalf_of_id,
        "on_behalf_of_repr": entry.on_behalf_of_repr,
        "agency": entry.agency_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "details": entry.details,
        "ip": entry.ip,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "|" + text).encode("utf-8")).hexdigest()


def reseal(entry_model, head_model, batch: int = 2000) -> dict | None:
    """Seal a journal written before the key under the current key, once; journaled as ``journal.reseal``.

    The old chain is checked first and what was found is written in the ``journal.reseal`` entry (with the old
    head), so a reseal never hides earlier tampering: it is reported, and the old head lets anyone holding an
    older backup check it again. Works on the migration's historical models. Returns the entry's details.
    """
    total = entry_model.objects.count()
    if total == 0:
        return None
    key = keys.current()
    problems: list[str] = []
    expected, legacy_prev, new_prev, last = 1, GENESIS, GENESIS, 0
    while True:
        rows = list(entry_model.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected:
                problems.append(f"Thiếu mục nhật ký #{expected}–#{entry.seq - 1} (đã bị xóa).")
            if entry.prev_hash != legacy_prev:
                problems.append(f"Mục #{entry.seq}: liên kết với mục trước không khớp.")
            if legacy_hash(entry.prev_hash, entry) != entry.hash:
                problems.append(f"Mục #{entry.seq}: nội dung đã bị sửa (hash không khớp).")
            legacy_prev, expected, last = entry.hash, entry.seq + 1, entry.seq
            new_prev = seal(entry, new_prev, key)
        entry_model.objects.bulk_update(rows, ["prev_hash", "key_id", "hash"])
    head = head_model.objects.filter(pk=1).first()
    legacy_head = {"seq": head.seq, "hash": head.hash} if head else None
    if head is None or head.seq != last or head.hash != legacy_prev:
        problems.append(f"Đầu chuỗi cũ không khớp mục cuối cùng #{last}.")
    details = {
        "entries": total,
        "legacy_ok": not problems,
        "legacy_problems": problems[:50],
        "legacy_head": legacy_head,
        "key_id": key.kid,
    }
    entry = entry_model(
        seq=last + 1,
        created_at=timezone.now(),
        actor_repr="",
        on_behalf_of_repr="",
        action="journal.reseal",
        object_type="",
        object_id="",
        object_repr="",
        details=details,
        ip=None,
        request_id="",
    )
    seal(entry, new_prev, key)
    entry.save()
    head_model.objects.update_or_create(pk=1, defaults={"seq": entry.seq, "hash": entry.hash})
    return details


@contextmanager
def append_only_off(connection, reason: str):
    """The database owner's way around the append-only triggers, for a reseal or a whole-database flush.

    PostgreSQL: ``ALTER TABLE … DISABLE TRIGGER USER`` (row UPDATE/DELETE and TRUNCATE). SQLite, which has no
    such statement: a row in ``journal_trigger_off``, which its triggers check.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE journal_journalentry DISABLE TRIGGER USER")
        else:
            cursor.execute("INSERT INTO journal_trigger_off (reason) VALUES (%s)", [reason])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE journal_journalentry ENABLE TRIGGER USER")
            else:
                cursor.execute("DELETE FROM journal_trigger_off")
