"""Writing and verifying the journal.

Every entry's hash is SHA-256 over the previous entry's hash and a canonical JSON of the entry.
Appending locks the single :class:`JournalHead` row, so entries are strictly sequential even
under concurrent writers, and a rolled-back transaction leaves no entry and no gap.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timezone as dt_timezone

from django.db import transaction
from django.utils import timezone

from vpdt.core.middleware import client_ip, current_request

from .models import JournalEntry, JournalHead

GENESIS = "0" * 64
_on_behalf: ContextVar = ContextVar("vpdt_on_behalf", default=None)


@contextmanager
def on_behalf(principal):
    """Entries recorded inside this block say the actor acted on behalf of ``principal`` (a delegation)."""
    token = _on_behalf.set(principal)
    try:
        yield
    finally:
        _on_behalf.reset(token)


def _normalise(details) -> dict:
    return json.loads(json.dumps(details or {}, default=str, ensure_ascii=False))


def _canonical(entry: JournalEntry) -> str:
    created = entry.created_at.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {
        "seq": entry.seq,
        "created_at": created,
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
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(prev_hash: str, entry: JournalEntry) -> str:
    return hashlib.sha256((prev_hash + "|" + _canonical(entry)).encode("utf-8")).hexdigest()


def _user_repr(user) -> str:
    if user is None:
        return ""
    return f"{user.username} ({user.full_name})" if getattr(user, "full_name", "") else user.username


def _locked_head() -> JournalHead:
    head = JournalHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # A missing head is only legitimate for an empty journal (e.g. a freshly flushed database).
    if JournalEntry.objects.exists():
        raise RuntimeError("Đầu chuỗi nhật ký bị mất trong khi nhật ký còn dữ liệu: nghi ngờ can thiệp trái phép.")
    JournalHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
    return JournalHead.objects.select_for_update().get(pk=1)


def record(action: str, *, actor=None, obj=None, agency=None, details=None, on_behalf_of=None,
           object_type: str | None = None, object_id=None, object_repr: str | None = None,
           request=None) -> JournalEntry:
    """Append one event. Call inside the transaction that makes the change it records."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if on_behalf_of is None:
        on_behalf_of = _on_behalf.get()
    if on_behalf_of is None and request is not None:
        on_behalf_of = getattr(request, "on_behalf_of", None)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr if object_repr is not None else str(obj)
    if agency is None:
        agency_id = getattr(obj, "agency_id", None) or getattr(actor, "agency_id", None)
    else:
        agency_id = agency if isinstance(agency, int) else agency.pk
    with transaction.atomic():
        head = _locked_head()
        entry = JournalEntry(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_repr=_user_repr(actor)[:200],
            on_behalf_of_id=getattr(on_behalf_of, "pk", None),
            on_behalf_of_repr=_user_repr(on_behalf_of)[:200],
            agency_id=agency_id,
            action=action,
            object_type=object_type or "",
            object_id="" if object_id is None else str(object_id),
            object_repr=(object_repr or "")[:300],
            details=_normalise(details),
            ip=client_ip(request),
            request_id=getattr(request, "request_id", "") if request is not None else "",
            prev_hash=head.hash,
        )
        entry.hash = compute_hash(head.hash, entry)
        entry.save()
        JournalHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def record_many(items: list[dict], created_at=None) -> int:
    """Append many events at once (bulk imports, generated data), chained exactly like :func:`record`.

    Each item has ``action`` and optionally actor_id, actor_repr, agency_id, object_type, object_id,
    object_repr, details and created_at.
    """
    if not items:
        return 0
    with transaction.atomic():
        head = _locked_head()
        seq, prev = head.seq, head.hash
        entries = []
        for item in items:
            seq += 1
            entry = JournalEntry(
                seq=seq, created_at=item.get("created_at") or created_at or timezone.now(),
                actor_id=item.get("actor_id"), actor_repr=(item.get("actor_repr") or "")[:200],
                on_behalf_of_id=None, on_behalf_of_repr="", agency_id=item.get("agency_id"),
                action=item["action"], object_type=item.get("object_type", ""),
                object_id=str(item.get("object_id", "")), object_repr=(item.get("object_repr") or "")[:300],
                details=_normalise(item.get("details")), ip=None, request_id="", prev_hash=prev,
            )
            entry.hash = compute_hash(prev, entry)
            prev = entry.hash
            entries.append(entry)
        JournalEntry.objects.bulk_create(entries, batch_size=2000)
        JournalHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return len(entries)


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(progress=None, batch: int = 2000) -> VerifyResult:
    """Walk the whole chain. Reports edited entries, deleted entries and a truncated tail."""
    result = VerifyResult()
    expected_seq = 1
    prev_hash = GENESIS
    last = 0
    qs = JournalEntry.objects.order_by("seq")
    while True:
        rows = list(qs.filter(seq__gt=last)[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                result.problems.append(
                    f"Thiếu mục nhật ký #{expected_seq}–#{entry.seq - 1} (đã bị xóa)."
                )
            if entry.prev_hash != prev_hash:
                result.problems.append(f"Mục #{entry.seq}: liên kết với mục trước không khớp.")
            if compute_hash(entry.prev_hash, entry) != entry.hash:
                result.problems.append(f"Mục #{entry.seq}: nội dung đã bị sửa (hash không khớp).")
            prev_hash = entry.hash
            expected_seq = entry.seq + 1
            last = entry.seq
            result.checked += 1
        if progress is not None:
            progress(len(rows))
    head = JournalHead.objects.filter(pk=1).first()
    if head is None:
        result.problems.append("Không tìm thấy đầu chuỗi nhật ký.")
    elif head.seq != last or head.hash != prev_hash:
        result.problems.append(
            f"Đầu chuỗi ghi #{head.seq} nhưng mục cuối cùng là #{last}: có mục cuối đã bị xóa hoặc sửa."
        )
    return result


def count() -> int:
    head = JournalHead.objects.filter(pk=1).first()
    return head.seq if head else 0


