"""The outbox: every package and status message sent to another system.

Rules:

* A message is queued in the same transaction as the change that causes it (issuing, registering, refusing,
  recalling…), so a change never happens without its message nor a message without its change.
* Queuing is idempotent: one message per document, message type, business type or status code, and recipient
  agency (:func:`vpdt.exchange.models.idempotency_key`); queuing it again returns the first.
* The worker of the ``exchange`` queue sends what is due. It first takes a lease on the message (the next attempt is
  moved the lease ahead, in its own short transaction), then calls the partner, then records the outcome. A worker
  killed mid-send leaves the message due again when the lease ends: it is sent again, and the receiver's
  idempotency makes that harmless. Nothing holds a database lock during the network call.
* A failure is retried with exponential backoff (1, 2, 4… minutes by default, at most ``MAX_DELAY``); a refusal that sending
  again cannot cure, or ``MAX_ATTEMPTS`` failures, make the message *dead*: the clerk sees it and may resend it.
* Urgent documents (Khẩn and above) are sent at once after commit, without waiting for the schedule.
* Every queuing, sending, failure and resend is journaled.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from vpdt.journal import services as journal
from vpdt.storage.services import read_stored, store

from .models import Direction, Message, MessageState, MessageType, Partner, idempotency_key
from .transport import TransportError, transport_for

log = logging.getLogger(__name__)

S = MessageState
MAX_ATTEMPTS = 10
MAX_DELAY = dt.timedelta(hours=6)


def as_file(data):
    """Bytes or an open binary file, as a file at its start."""
    if isinstance(data, bytes | bytearray):
        return io.BytesIO(data)
    data.seek(0)
    return data


def backoff(attempts: int) -> dt.timedelta:
    base = dt.timedelta(seconds=settings.VPDT_EXCHANGE_RETRY_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), MAX_DELAY)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.VPDT_EXCHANGE_LEASE_SECONDS)


def queue(
    *,
    kind: str,
    data=None,
    stored=None,
    document_id: str,
    from_organ: str,
    to_organ: str,
    partner: Partner | None,
    business_type: int | None = None,
    status_code: str = "",
    state: str = S.QUEUED,
    urgent: bool = False,
    actor=None,
    agency=None,
    **links,
) -> Message:
    """Queue a message (or find the one already queued for the same thing): its edXML as ``data`` (bytes or a
    file), or ``stored`` already (one package stored once for all its recipients)."""
    code = business_type if kind == MessageType.EDOC else status_code
    key = idempotency_key(document_id, kind, code, to_organ)
    existing = Message.objects.filter(direction=Direction.OUT, idempotency_key=key).first()
    if existing is not None:
        return existing
    stored = stored or store(
        as_file(data), f"{kind}-{to_organ}.edxml", folder="exchange", content_type="application/xml", agency=agency
    )
    try:
        with transaction.atomic():
            message = Message.objects.create(
                direction=Direction.OUT,
                kind=kind,
                state=state,
                idempotency_key=key,
                document_id=document_id,
                business_type=business_type,
                status_code=status_code,
                from_organ=from_organ,
                to_organ=to_organ,
                partner=partner,
                file=stored,
                urgent=urgent,
                agency=agency,
                **links,
            )
    except IntegrityError:  # queued concurrently
        return Message.objects.get(direction=Direction.OUT, idempotency_key=key)
    journal.record(
        "exchange.queue",
        actor=actor,
        obj=message,
        agency=agency,
        details={"document_id": document_id, "to": to_organ, "kind": kind, "code": str(code)},
    )
    if urgent and state == S.QUEUED:
        transaction.on_commit(lambda: _send_soon(message.pk))
    return message


def queue_each(messages: list[Message], *, actor=None, agency=None) -> list[Message]:
    """Queue many messages at once (a document issued to many agencies of other systems): those not queued before
    are inserted together and journaled together; a few queries however many there are."""
    keys = [m.idempotency_key for m in messages]
    known = {m.idempotency_key: m for m in Message.objects.filter(direction=Direction.OUT, idempotency_key__in=keys)}
    fresh = [m for m in messages if m.idempotency_key not in known]
    for message in fresh:
        message.direction, message.agency = Direction.OUT, agency
    with transaction.atomic():
        created = Message.objects.bulk_create(fresh)
        if created and created[0].pk is None:  # databases that do not return ids from a bulk insert
            created = list(
                Message.objects.filter(direction=Direction.OUT, idempotency_key__in=[m.idempotency_key for m in fresh])
            )
        journal.record_each(
            [
                {
                    "action": "exchange.queue",
                    "obj": message,
                    "agency": agency,
                    "details": {
                        "document_id": message.document_id,
                        "to": message.to_organ,
                        "kind": message.kind,
                        "code": str(message.business_type if message.kind == MessageType.EDOC else message.status_code),
                    },
                }
                for message in created
            ],
            actor=actor,
        )
        for message in created:
            if message.urgent and message.state == S.QUEUED:
                transaction.on_commit(partial(_send_soon, message.pk))
    by_key = {**known, **{m.idempotency_key: m for m in created}}
    return [by_key[key] for key in keys]


def _send_soon(message_id: int) -> None:
    """Ask the exchange queue's worker to send the message now (by task name: the tasks call this module)."""
    from celery import current_app

    current_app.tasks["vpdt.exchange.tasks.send_message"].apply_async(args=[message_id], queue="exchange")


def due(now=None):
    """Messages to send now: queued or failing, whose next attempt (or lease) has come, to an active partner."""
    now = now or timezone.now()
    return Message.objects.filter(
        direction=Direction.OUT,
        state__in=[S.QUEUED, S.RETRYING],
        partner__is_active=True,
    ).exclude(next_attempt_at__gt=now)


def _lease(message_id: int) -> Message | None:
    now = timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("partner", "file")
            .filter(pk=message_id, direction=Direction.OUT, state__in=[S.QUEUED, S.RETRYING])
            .exclude(next_attempt_at__gt=now)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.next_attempt_at = now + lease()
        message.save(update_fields=["attempts", "next_attempt_at"])
    return message


def send(message_id: int) -> Message | None:
    """Send one message if it is due; None when another worker has it or it is not due."""
    message = _lease(message_id)
    if message is None:
        return None
    partner = message.partner
    try:
        transport_for(partner).send(read_stored(message.file), kind=message.kind, organ=message.to_organ)
    except TransportError as err:
        return _failed(message, str(err), permanent=err.permanent)
    now = timezone.now()
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(state=S.SENT, done_at=now, next_attempt_at=None, last_error="")
        Partner.objects.filter(pk=partner.pk).update(last_contact_at=now, failures=0, last_error="")
        journal.record(
            "exchange.send",
            obj=message,
            details={"document_id": message.document_id, "to": message.to_organ, "attempts": message.attempts},
        )
    message.refresh_from_db()
    return message


def _failed(message: Message, error: str, *, permanent: bool) -> Message:
    dead = permanent or message.attempts >= MAX_ATTEMPTS
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            state=S.DEAD if dead else S.RETRYING,
            next_attempt_at=None if dead else timezone.now() + backoff(message.attempts),
            last_error=error[:2000],
        )
        Partner.objects.filter(pk=message.partner_id).update(last_error=error[:2000], failures=F("failures") + 1)
        journal.record(
            "exchange.fail",
            obj=message,
            details={"document_id": message.document_id, "to": message.to_organ, "error": error, "dead": dead},
        )
    log.warning("Gửi gói tin %s tới %s lỗi (lần %s): %s", message.pk, message.to_organ, message.attempts, error)
    message.refresh_from_db()
    return message


def resend(actor, message: Message) -> Message:
    """Put a dead (or failing) message back in the queue, to be sent at once."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.direction != Direction.OUT or locked.state not in (S.DEAD, S.RETRYING):
            raise ValidationError("Chỉ gửi lại được gói tin gửi lỗi.", code="state")
        locked.state, locked.next_attempt_at, locked.attempts = S.QUEUED, None, 0
        locked.save(update_fields=["state", "next_attempt_at", "attempts"])
        journal.record("exchange.resend", actor=actor, obj=locked, details={"document_id": locked.document_id})
        transaction.on_commit(lambda: _send_soon(locked.pk))
    return locked
