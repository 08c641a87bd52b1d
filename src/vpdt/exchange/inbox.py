"""The inbox: packages and status messages received from other systems (or from a connected system, when this
deployment is their hub), and where each goes.

Rules:

* A message is read as hostile input (:mod:`vpdt.exchange.edxml.reader`): one that cannot be taken is refused with
  its reason, and nothing is written.
* Receiving is idempotent: one message per document, message type, business type or status code and agency
  (:func:`vpdt.exchange.models.idempotency_key`). The same package or status received twice changes nothing and
  answers as the first did.
* Each recipient agency of a package is routed (:mod:`vpdt.exchange.routing`): an agency of this deployment gets it
  in its clerk's queue of arrivals and the sender is told at once (status 01); a misaddressed package, or one an
  agency may not receive ("exchange only with parent"), is refused with status 02 and the reason; a package for a
  system connected to this hub waits for it to fetch; anything else goes up to the hub above.
* A status message about a document sent from here moves that recipient's delivery (the same machine as inside the
  deployment); one about another system's document is routed like a package.
* Everything is journaled.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from vpdt.accounts.models import User
from vpdt.directory.models import Role
from vpdt.journal import services as journal
from vpdt.notifications import topics
from vpdt.notifications.services import notify
from vpdt.storage.services import store

from . import packages, recalls, replies, routing, signatures
from .edxml import reader
from .edxml.model import BUSINESS_LABELS, BusinessType, StatusCode
from .edxml.values import PackageError
from .models import Direction, Message, MessageState, MessageType, Partner, PartnerRole, idempotency_key
from .outbox import as_file, queue

S = MessageState


@dataclass
class Received:
    messages: list[Message]
    duplicate: bool


def _limits() -> reader.Limits:
    from django.conf import settings

    mb = 1024 * 1024
    return reader.Limits(
        package_bytes=int(getattr(settings, "VPDT_EXCHANGE_MAX_PACKAGE_MB", 200)) * mb,
        attachment_bytes=int(getattr(settings, "VPDT_EXCHANGE_MAX_ATTACHMENT_MB", 150)) * mb,
    )


def receive(data, *, partner: Partner | None = None, organ: str = "") -> Received:
    """Take a package or status message (bytes, or an open binary file); PackageError (with its reason) when it
    cannot be taken."""
    try:
        got = reader.read(as_file(data), _limits())
    except PackageError as err:
        journal.record(
            "exchange.refuse_package",
            details={"reason": str(err), "code": err.code, "partner": getattr(partner, "code", "")},
        )
        raise
    if got.status is not None:
        result = _status(data, got.status, partner)
    else:
        try:
            result = _package(data, got.package, partner, organ)
        finally:
            got.package.close()
    return result


def _summary(data, package) -> dict:
    """What the clerk's queue shows of a package, and its XML signature checked once, on arrival."""
    source = as_file(data)
    source.seek(0, 2)
    size = source.tell()
    source.seek(0)
    checked = signatures.check(source.read() if size <= signatures.MAX_CHECKED else None, size)
    source.seek(0)
    header = package.header
    return {
        "subject": header.subject[:500],
        "code": f"{header.code_number}/{header.code_notation}"[:50],
        "sender_name": (header.sender.organ_name or header.sender.organization_in_charge)[:200],
        "promulgation_date": header.promulgation_date,
        "urgency": int(header.other.priority),
        "files": [
            {"name": a.name, "size": a.size, "sha256": a.sha256, "content_type": a.content_type}
            for a in package.attachments
        ],
        "signature_verdict": checked.verdict,
        "signature_summary": checked.summary[:500],
    }


def _key_for_package(package, organ: str) -> str:
    return idempotency_key(package.header.document_id, MessageType.EDOC, int(package.business.doc_type), organ)


def _record(data: bytes, key: str, **fields) -> tuple[Message, bool]:
    existing = Message.objects.filter(direction=Direction.IN, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    stored = store(
        as_file(data), f"{fields['kind']}-{fields['to_organ']}.edxml", folder="exchange", content_type="application/xml"
    )
    try:
        with transaction.atomic():
            return Message.objects.create(direction=Direction.IN, idempotency_key=key, file=stored, **fields), True
    except IntegrityError:
        return Message.objects.get(direction=Direction.IN, idempotency_key=key), False


def _package(data: bytes, package, partner, organ: str) -> Received:
    header = package.header
    targets = [target for target in ([organ] if organ else [o.organ_id for o in header.to]) if _ours(target, partner)]
    if not targets:
        journal.record(
            "exchange.not_ours",
            details={"document_id": header.document_id, "partner": getattr(partner, "code", ""), "to": organ},
        )
        return Received([], False)
    messages, duplicate = [], True
    summary = None
    for target in targets:
        key = _key_for_package(package, target)
        if summary is None and not Message.objects.filter(direction=Direction.IN, idempotency_key=key).exists():
            summary = _summary(data, package)
        with transaction.atomic():
            message, new = _record(
                data,
                key,
                **(summary or {}),
                kind=MessageType.EDOC,
                state=S.RECEIVED,
                document_id=header.document_id,
                business_type=int(package.business.doc_type),
                from_organ=header.sender.organ_id,
                to_organ=target,
                partner=partner,
            )
            if new:
                duplicate = False
                _route_package(message, data, package, target)
        messages.append(message)
    return Received(messages, duplicate)


def _ours(organ: str, partner: Partner | None) -> bool:
    """Whether a message for ``organ`` that came through ``partner`` is this deployment's to take: its own agencies'
    and its connected systems', never back to the system it came from, and nothing from the hub above for agencies
    the hub above reaches itself."""
    where = routing.route(organ)
    if partner is None or where.kind == routing.LOCAL:
        return True
    if where.kind == routing.CONNECTED:  # a system that uses this deployment as its hub: pass it on
        return where.partner != partner
    return partner.role != PartnerRole.UPSTREAM and where.partner != partner


def _route_package(message: Message, data: bytes, package, target: str) -> None:
    header = package.header
    where = routing.route(target)
    details = {"document_id": header.document_id, "from": header.sender.organ_id, "to": target}
    if where.kind == routing.LOCAL:
        message.agency = where.agency
        Message.objects.filter(pk=message.pk).update(agency=where.agency)
        problem = routing.exchange_refusal(header.sender.organ_id, where.agency)
        if problem:
            _refuse(message, package, where.agency, problem)
            return
        if package.business.doc_type == BusinessType.RECALL:
            recalls.arrive(message, package, where.agency)
            return
        if package.business.doc_type in (BusinessType.UPDATE, BusinessType.REPLACE):
            _supersede(message, package)
        answered = packages.answered_document(package, where.agency)
        if answered:
            Message.objects.filter(pk=message.pk).update(outgoing_id=answered)
            details["answers"] = answered
        journal.record("exchange.arrive", obj=message, agency=where.agency, details=details)
        _arrival_notice(where.agency, package)
        replies.answer(message, package, where.agency, StatusCode.ARRIVED, "Văn bản đã đến hệ thống của cơ quan nhận.")
        return
    if where.kind == routing.UNKNOWN:
        _refuse(message, package, None, f"Không tìm thấy cơ quan nhận có mã định danh {target}.")
        return
    # A hub: keep it for the connected system to fetch, or send it up.
    state = S.WAITING if where.kind == routing.CONNECTED else S.QUEUED
    queue(
        kind=MessageType.EDOC,
        data=data,
        document_id=header.document_id,
        from_organ=header.sender.organ_id,
        to_organ=target,
        partner=where.partner,
        business_type=int(package.business.doc_type),
        state=state,
        urgent=int(header.other.priority) > 0,
    )
    Message.objects.filter(pk=message.pk).update(state=S.APPLIED)
    journal.record("exchange.forward", obj=message, details={**details, "partner": where.partner.code})


def _arrival_notice(agency, package) -> None:
    """An arrival raises a notification for the agency's clerks."""
    header = package.header
    clerks = User.objects.filter(
        positions__agency=agency, positions__role=Role.CLERK, positions__is_active=True, is_active=True
    ).distinct()
    notify(
        clerks,
        "exchange.arrived",
        topic=topics.WORK,
        url_name="exchange:arrivals",
        text=f"Văn bản điện tử đến từ hệ thống khác: {header.code_number}/{header.code_notation} của "
        f"{header.sender.organ_name or header.sender.organ_id} – {header.subject}",
    )


def _supersede(message: Message, package) -> None:
    """An update or a replacement of a document not registered yet takes its place in the clerk's queue; one
    already registered stays, and the new package waits beside it (its business type says what it is)."""
    replaced = [package.business.document_id] + [r.document_id for r in package.business.replacements]
    Message.objects.filter(
        direction=Direction.IN,
        kind=MessageType.EDOC,
        document_id__in=[d for d in replaced if d],
        to_organ=message.to_organ,
        state=S.RECEIVED,
    ).exclude(pk=message.pk).update(
        state=S.REFUSED, reason=f"Được thay bằng gói tin {BUSINESS_LABELS[package.business.doc_type].lower()}."
    )


def _refuse(message: Message, package, agency, reason: str) -> None:
    Message.objects.filter(pk=message.pk).update(state=S.REFUSED, reason=reason[:2000])
    journal.record(
        "exchange.refuse",
        obj=message,
        agency=agency,
        details={"document_id": package.header.document_id, "reason": reason},
    )
    sender_agency = agency or _any_local()
    replies.answer(message, package, sender_agency, StatusCode.REFUSED, reason)


def _any_local():
    """The agency that answers for the hub when a package names nobody it knows: the deployment's root agency."""
    from vpdt.directory.models import Agency

    return Agency.objects.filter(depth=1, is_active=True).order_by("path").first()


def _status(data: bytes, status, partner) -> Received:
    about = status.response_for
    key = idempotency_key(about.document_id, MessageType.STATUS, status.code.value, status.sender.organ_id)
    with transaction.atomic():
        message, new = _record(
            data,
            key,
            kind=MessageType.STATUS,
            state=S.RECEIVED,
            document_id=about.document_id,
            status_code=status.code.value,
            from_organ=status.sender.organ_id,
            to_organ=about.organ_id,
            partner=partner,
        )
        if new and not _ours(about.organ_id, partner):
            Message.objects.filter(pk=message.pk).update(state=S.REFUSED, reason="Không thuộc hệ thống này.")
        elif new:
            where = routing.route(about.organ_id)
            if where.kind == routing.LOCAL:
                from .delivery import apply_status

                apply_status(message, status)
            elif where.kind in (routing.CONNECTED, routing.UPSTREAM):
                queue(
                    kind=MessageType.STATUS,
                    data=data,
                    document_id=about.document_id,
                    from_organ=status.sender.organ_id,
                    to_organ=about.organ_id,
                    partner=where.partner,
                    status_code=status.code.value,
                    state=S.WAITING if where.kind == routing.CONNECTED else S.QUEUED,
                )
                Message.objects.filter(pk=message.pk).update(state=S.APPLIED)
            journal.record(
                "exchange.status",
                obj=message,
                details={"document_id": about.document_id, "code": status.code.value, "from": status.sender.organ_id},
            )
    return Received([message], not new)
