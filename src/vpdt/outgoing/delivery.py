"""Handing issued and recalled documents over to the delivery routes (SPEC §3.5–3.6, §4).

* Outgoing decides what is issued and what is recalled. How the document reaches each recipient agency, inside the
  deployment or in another system, and what each recipient answers, is the delivery machine of the exchange app:
  it registers a route here in its ``AppConfig.ready()`` (outgoing never imports it), and the issue and recall
  services hand every recipient over to the registered routes inside their own transaction.
* Internal recipients (units and people of the issuing agency) are notified here.
* An agency marked "exchange only with parent" sends to and receives from its parent agency only
  (:func:`exchange_problem`, checked when recipients are chosen and again at delivery).
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ValidationError

from vpdt.accounts.models import User
from vpdt.directory.models import Agency, Role
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from .models import OutgoingDocument, Recipient, RecipientKind


class Route(Protocol):
    """Delivers to recipient agencies: called inside the issue and the recall transactions."""

    def issued(self, actor, document: OutgoingDocument, recipients: list[Recipient], *, passphrase=None) -> None:
        """``passphrase``: the agency certificate's, when the clerk gave it to seal at issue."""

    def recalled(self, actor, document: OutgoingDocument, reason: str) -> None: ...


_routes: list[Route] = []
ELECTRONIC = (RecipientKind.AGENCY, RecipientKind.EXTERNAL)


def register_route(route: Route) -> None:
    if route not in _routes:
        _routes.append(route)


def exchange_problem(sender: Agency, recipient: Agency) -> str:
    """Why ``sender`` may not send to ``recipient`` ("" when it may)."""
    if sender.exchange_only_with_parent:
        parent = Agency.objects.get_parent(sender)
        if parent is None or parent.pk != recipient.pk:
            return (
                f"{sender.name} chỉ được trao đổi văn bản với cơ quan cấp trên trực tiếp, không gửi được cho "
                f"{recipient.name}."
            )
    if recipient.exchange_only_with_parent:
        parent = Agency.objects.get_parent(recipient)
        if parent is None or parent.pk != sender.pk:
            return f"{recipient.name} chỉ nhận văn bản từ cơ quan cấp trên trực tiếp, không gửi trực tiếp được."
    if not recipient.is_active:
        return f"{recipient.name} đã ngừng hoạt động."
    return ""


def _tell_internal_recipients(document: OutgoingDocument, recipients: list[Recipient]) -> None:
    label = f"{document.number_symbol} của {document.agency.name}"
    for recipient in recipients:
        if recipient.kind == RecipientKind.UNIT:
            leaders = User.objects.filter(
                positions__unit=recipient.unit, positions__role=Role.UNIT_LEADER, positions__is_active=True
            ).distinct()
            notify(
                leaders,
                "outgoing.sent_to_unit",
                topic=topics.WORK,
                target=document,
                text=f"Văn bản {label} gửi đơn vị: {document.subject}",
            )
        elif recipient.kind == RecipientKind.USER:
            notify(
                [recipient.user],
                "outgoing.sent_to_user",
                topic=topics.WORK,
                target=document,
                text=f"Văn bản {label} gửi bạn: {document.subject}",
            )


def hand_over_issued(actor, document: OutgoingDocument, *, passphrase: str | None = None) -> None:
    """Called by :func:`services.issue` inside its transaction: internal recipients are notified, every recipient
    agency is handed over to the routes."""
    recipients = list(document.recipients.select_related("agency", "unit", "user"))
    _tell_internal_recipients(document, recipients)
    if not _routes and any(r.kind in ELECTRONIC for r in recipients):
        raise ValidationError({"recipients": ["Hệ thống chưa có đường gửi văn bản điện tử đến cơ quan nhận."]})
    for route in _routes:
        route.issued(actor, document, recipients, passphrase=passphrase)


def hand_over_recall(actor, document: OutgoingDocument, reason: str) -> None:
    """Called by :func:`services.recall` inside its transaction: every recipient agency is asked to withdraw it."""
    for route in _routes:
        route.recalled(actor, document, reason)
