"""Writing and verifying the journal.

Threat: someone with write access to the database but not to the application's key (see
:mod:`vpdt.journal.keys`) rewrites history. Three layers, each catching what the others cannot:

* **Keyed chain** (:mod:`vpdt.journal.chain`). Every entry is sealed with an HMAC-SHA256 over every column,
  the previous entry's seal and the key id included. Without the key nobody can produce a valid seal, so an
  edited entry (``request_id`` and ``ip`` as much as ``details``), a whole chain edited and recomputed, and
  entries deleted and renumbered (``seq`` is sealed, so is the link to the previous entry) are all reported.
* **Signed checkpoints** (:mod:`vpdt.journal.checkpoints`). A keyed chain alone cannot show that its *tail* is
  gone: delete the last entries and move the head row back, and what remains is a valid chain. Every ten
  minutes (Celery beat, ``VPDT_JOURNAL_CHECKPOINT_CRON``) the head — seq, seal, time — is signed (Ed25519) and
  appended to a file outside the database and to the log. Each checkpoint names an entry that must still exist
  with that seal: a truncated tail (or a journal replaced by an older copy, or a fork after a truncation) is
  reported. What was appended after the last checkpoint can still be dropped unnoticed; the interval bounds it.
  The checkpoints export to a file that is verified offline, with the public key only.
* **Append-only triggers** on PostgreSQL and SQLite (UPDATE, DELETE, and emptying the table: TRUNCATE on
  PostgreSQL), and a model and queryset that refuse changes: mistakes and casual edits are refused outright (a
  database owner can disable a trigger, see :func:`.chain.append_only_off`; the two layers above remain).

Appending locks the single :class:`JournalHead` row, so entries are strictly sequential even under concurrent
writers, and a rolled-back transaction leaves no entry and no gap.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vpdt.core.middleware import client_ip, current_request

from . import chain, checkpoints, keys
from .models import JournalEntry, JournalHead

GENESIS = chain.GENESIS
logger = logging.getLogger("vpdt.journal")
MAX_PROBLEMS = 200
_on_behalf: ContextVar = ContextVar("vpdt_on_behalf", default=None)
_IP = JournalEntry._meta.get_field("ip")


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


def _ip(value):
    """The address as the database gives it back (what is sealed must be what is read)."""
    try:
        return _IP.get_prep_value(value) or None
    except ValidationError:
        return None


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


def record_each(events: list[dict], *, actor=None, on_behalf_of=None, request=None) -> list[JournalEntry]:
    """Append several events of one action by one actor at once (e.g. a document delivered to many agencies):
    each ``event`` has ``action``, ``obj`` and optionally ``agency`` and ``details``. The entries are the ones
    :func:`record` would write one by one, chained in order, with one lock of the chain's head and one insert."""
    if not events:
        return []
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if on_behalf_of is None:
        on_behalf_of = _on_behalf.get()
    if on_behalf_of is None and request is not None:
        on_behalf_of = getattr(request, "on_behalf_of", None)
    key, now = keys.current(), timezone.now()
    shared = {
        "actor_id": getattr(actor, "pk", None),
        "actor_repr": _user_repr(actor)[:200],
        "on_behalf_of_id": getattr(on_behalf_of, "pk", None),
        "on_behalf_of_repr": _user_repr(on_behalf_of)[:200],
        "ip": _ip(client_ip(request)),
        "request_id": (getattr(request, "request_id", "") or "")[:64] if request is not None else "",
    }
    with transaction.atomic():
        head = _locked_head()
        seq, prev, entries = head.seq, head.hash, []
        for event in events:
            obj, agency = event["obj"], event.get("agency")
            if agency is None:
                agency_id = getattr(obj, "agency_id", None) or getattr(actor, "agency_id", None)
            else:
                agency_id = agency if isinstance(agency, int) else agency.pk
            seq += 1
            entry = JournalEntry(
                seq=seq,
                created_at=now,
                agency_id=agency_id,
                action=event["action"],
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                details=_normalise(event.get("details")),
                **shared,
            )
            prev = chain.seal(entry, prev, key)
            entries.append(entry)
        JournalEntry.objects.bulk_create(entries)
        JournalHead.objects.filter(pk=1).update(seq=entries[-1].seq, hash=entries[-1].hash)
    return entries


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    agency=None,
    details=None,
    on_behalf_of=None,
    object_type: str | None = None,
    object_id=None,
    object_repr: str | None = None,
    request=None,
) -> JournalEntry:
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
    key = keys.current()
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
            ip=_ip(client_ip(request)),
            request_id=(getattr(request, "request_id", "") or "")[:64] if request is not None else "",
        )
        chain.seal(entry, head.hash, key)
        entry.save()
        JournalHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def sealed_entries(items: list[dict], head: JournalHead, created_at=None) -> list[JournalEntry]:
    """Entries for ``items`` after ``head`` (locked by the caller), chained and sealed; not saved.

    Each item has ``action`` and optionally actor_id, actor_repr, agency_id, object_type, object_id,
    object_repr, details and created_at.
    """
    key = keys.current()
    seq, prev = head.seq, head.hash
    entries = []
    for item in items:
        seq += 1
        entry = JournalEntry(
            seq=seq,
            created_at=item.get("created_at") or created_at or timezone.now(),
            actor_id=item.get("actor_id"),
            actor_repr=(item.get("actor_repr") or "")[:200],
            on_behalf_of_id=None,
            on_behalf_of_repr="",
            agency_id=item.get("agency_id"),
            action=item["action"],
            object_type=item.get("object_type", ""),
            object_id=str(item.get("object_id", "")),
            object_repr=(item.get("object_repr") or "")[:300],
            details=_normalise(item.get("details")),
            ip=None,
            request_id="",
        )
        prev = chain.seal(entry, prev, key)
        entries.append(entry)
    return entries


def record_many(items: list[dict], created_at=None) -> int:
    """Append many events at once (bulk imports, generated data), chained exactly like :func:`record`."""
    if not items:
        return 0
    with transaction.atomic():
        head = _locked_head()
        entries = sealed_entries(items, head, created_at)
        JournalEntry.objects.bulk_create(entries, batch_size=2000)
        JournalHead.objects.filter(pk=1).update(seq=entries[-1].seq, hash=entries[-1].hash)
    return len(entries)


@dataclass
class VerifyResult:
    checked: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    more: int = 0  # problems found beyond MAX_PROBLEMS, counted but not listed

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def count(self) -> int:
        return len(self.problems) + self.more

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more += 1

    def close(self) -> None:
        if self.more:
            self.problems.append(f"… và còn {self.more} vấn đề khác.")


def _walk(
    result: VerifyResult, *, after: int, prev_hash: str, until: int | None, cps: dict, progress, batch: int
) -> tuple[int, str]:
    """Check the entries after seq ``after`` (whose seal is ``prev_hash``), up to ``until``."""
    ring = keys.by_id()
    expected, last = after + 1, after
    qs = JournalEntry.objects.order_by("seq")
    if until is not None:
        qs = qs.filter(seq__lte=until)
    while True:
        rows = list(qs.filter(seq__gt=last)[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected:
                result.add(f"Thiếu mục nhật ký #{expected}–#{entry.seq - 1} (đã bị xóa).")
            if entry.prev_hash != prev_hash:
                result.add(f"Mục #{entry.seq}: liên kết với mục trước không khớp.")
            problem = chain.check(entry, ring)
            if problem:
                result.add(problem)
            for cp in cps.pop(entry.seq, ()):
                if cp.hash != entry.hash:
                    result.add(
                        f"{checkpoints.describe(cp)} ghi mục #{cp.seq} với mã {cp.hash[:12]}…, nhưng mục này "
                        f"nay có mã {entry.hash[:12]}…: nhật ký đến mục #{cp.seq} đã bị viết lại."
                    )
            prev_hash, expected, last = entry.hash, entry.seq + 1, entry.seq
            result.checked += 1
        if progress is not None:
            progress(len(rows))
    return last, prev_hash


def verify(progress=None, batch: int = 2000, checkpoint_files=()) -> VerifyResult:
    """Walk the whole chain with the keys and check it against every checkpoint.

    Reports edited entries, deleted or renumbered entries, entries not sealed with a configured key, a head that
    does not match the last entry, and a tail truncated below a checkpoint. ``checkpoint_files`` are checked as
    well as the checkpoint file of this installation (e.g. an exported copy kept elsewhere).
    """
    result = VerifyResult()
    found, problems = checkpoints.read_all(checkpoint_files)
    for problem in problems:
        result.add(problem)
    result.checkpoints = len(found)
    cps: dict[int, list] = {}
    for cp in found:
        cps.setdefault(cp.seq, []).append(cp)
    last, prev_hash = _walk(result, after=0, prev_hash=GENESIS, until=None, cps=cps, progress=progress, batch=batch)
    for seq in sorted(s for s in cps if s < last):  # inside a gap, already reported as missing entries
        result.add(f"{checkpoints.describe(cps[seq][-1])} ghi mục #{seq}, nhưng mục này không còn.")
    if cps and max(cps) > last:
        cp = cps[max(cps)][-1]
        result.add(
            f"{checkpoints.describe(cp)} ghi nhật ký đã có đến mục #{cp.seq}, nhưng nay chỉ còn đến mục "
            f"#{last}: các mục cuối đã bị xóa."
        )
    head = JournalHead.objects.filter(pk=1).first()
    if head is None:
        if last:
            result.add("Không tìm thấy đầu chuỗi nhật ký.")
    elif head.seq != last or head.hash != prev_hash:
        result.add(f"Đầu chuỗi ghi #{head.seq} nhưng mục cuối cùng là #{last}: có mục cuối đã bị xóa hoặc sửa.")
    result.close()
    return result


def verify_after(seq: int, seal: str, until: int) -> VerifyResult:
    """Check the entries after ``seq`` (which must still have the seal ``seal``) up to ``until``."""
    result = VerifyResult()
    if seq:
        start = JournalEntry.objects.filter(seq=seq).first()
        if start is None or start.hash != seal:
            result.add(f"Mục #{seq} của điểm kiểm tra trước đã bị xóa hoặc sửa.")
            return result
    _walk(result, after=seq, prev_hash=seal, until=until, cps={}, progress=None, batch=2000)
    if result.checked != until - seq:
        result.add(f"Nhật ký không liền mạch từ mục #{seq + 1} đến mục #{until}.")
    result.close()
    return result


def count() -> int:
    head = JournalHead.objects.filter(pk=1).first()
    return head.seq if head else 0


@dataclass
class WriteResult:
    checkpoint: checkpoints.Checkpoint | None
    problems: list[str]


def write_checkpoint() -> WriteResult:
    """Sign the current head if it moved since the last checkpoint, after verifying the entries since then."""
    head = JournalHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return WriteResult(None, [])
    found, problems = checkpoints.read(checkpoints.path())
    last = found[-1] if found else None
    if last is not None and (last.seq, last.hash) == (head.seq, head.hash):
        return WriteResult(None, problems)
    if last is not None and last.seq > head.seq:
        problems.append(
            f"{checkpoints.describe(last)} ghi nhật ký đã có đến mục #{last.seq}, nhưng đầu chuỗi nay là "
            f"#{head.seq}: các mục cuối đã bị xóa."
        )
    else:
        problems += verify_after(last.seq if last else 0, last.hash if last else GENESIS, head.seq).problems
    if problems:
        logger.error("Không ghi điểm kiểm tra nhật ký: %s", " ".join(problems))
        return WriteResult(None, problems)
    cp = checkpoints.sign(head.seq, head.hash)
    checkpoints.append(cp)
    return WriteResult(cp, [])
