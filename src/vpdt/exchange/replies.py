"""Status messages sent back to the sender of a document: arrived, refused, accepted, assigned, processing,
completed, and the answers to a recall."""

from __future__ import annotations

from . import routing
from .edxml import writer
from .edxml.model import ResponseFor, StatusCode
from .models import Message, MessageState, MessageType
from .outbox import queue
from .packages import status_for

S = MessageState


def about_package(package) -> ResponseFor:
    header = package.header
    return ResponseFor(
        organ_id=header.sender.organ_id,
        code=f"{header.code_number}/{header.code_notation}",
        promulgation_date=header.promulgation_date,
        document_id=header.document_id,
    )


def answer(message: Message, package, agency, code: StatusCode, description: str, actor=None) -> Message | None:
    """Queue a status message from ``agency`` back to the sender of ``package``."""
    return answer_about(message, about_package(package), agency, code, description, actor)


def answer_about(message: Message, about: ResponseFor, agency, code: StatusCode, description: str, actor=None):
    """Queue a status message from ``agency`` about the document ``about`` names, back to its sender's system
    (nothing when its sender is an agency of this deployment, or nobody knows where it is)."""
    if agency is None:
        return None
    back = routing.route(about.organ_id)
    if back.kind in (routing.UNKNOWN, routing.LOCAL):
        return None
    status = status_for(about, agency, code, description, staff=actor)
    return queue(
        kind=MessageType.STATUS,
        data=writer.status_bytes(status),
        document_id=about.document_id,
        from_organ=agency.code,
        to_organ=about.organ_id,
        partner=back.partner,
        status_code=code.value,
        state=S.WAITING if back.kind == routing.CONNECTED else S.QUEUED,
        actor=actor,
        agency=agency,
        incoming_id=message.incoming_id,
    )
