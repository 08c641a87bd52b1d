"""The pending work an SMS may be about (việc đang chờ xử lý): a registry of kinds, each reading the document
apps' public queries. A message is about one item that the sender may see and that waits for the recipient:

* ``incoming`` — an incoming document waiting for the recipient: assigned to them and not finished
  (``incoming.queries.inbox``, boxes to process and in progress), or submitted to them for direction
  (``incoming.queries.to_direct``); the sender must see the document (its ``view`` rule);
* ``outgoing_review`` — a draft waiting for the recipient's review (``outgoing.queries.to_review``); the sender
  must see its drafting record (``record``);
* ``outgoing_returned`` — a draft returned to its drafter for revision (``outgoing.queries.returned``).

Each kind is also a type of message a recipient may opt out of. An app adds a kind with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.authz import permitted
from vpdt.incoming import queries as incoming
from vpdt.incoming.models import IncomingDocument
from vpdt.outgoing import queries as outgoing
from vpdt.outgoing.models import OutgoingDocument


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # on screens and in the opt-out settings
    model: type[Model]
    part: str  # the authorization part the sender must see
    waiting: Callable[[object], QuerySet]  # the ids of the items waiting for a person (a one-column queryset)
    describe: Callable[[Model], str]  # the message's text (Vietnamese; folded later)
    url_name: str


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.code in _kinds:
        raise ValueError(f"Loại việc chờ xử lý “{kind.code}” đã được khai báo.")
    _kinds[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    return _kinds[code]


def every() -> list[Kind]:
    return list(_kinds.values())


@dataclass(frozen=True)
class Item:
    kind: Kind
    obj: Model

    @property
    def key(self) -> str:
        return f"{self.kind.code}:{self.obj.pk}"

    @property
    def label(self) -> str:
        return f"{self.kind.label}: {self.kind.describe(self.obj)}"

    @property
    def url(self) -> str:
        return reverse(self.kind.url_name, args=[self.obj.pk])


def _seen_and_waiting(kind: Kind, sender, recipient) -> QuerySet:
    return permitted(kind.model, sender, kind.part).filter(pk__in=kind.waiting(recipient))


def items(sender, recipient) -> list[Item]:
    """The items waiting for ``recipient`` that ``sender`` may see, newest first (at most 50 per kind)."""
    found = []
    for kind in every():
        for obj in _seen_and_waiting(kind, sender, recipient).order_by("-pk")[:50]:
            found.append(Item(kind, obj))
    return found


def find(sender, recipient, key: str) -> Item:
    """The item ``key`` ("incoming:12"), when it waits for ``recipient`` and ``sender`` may see it."""
    code, _sep, raw_pk = (key or "").partition(":")
    if code not in _kinds or not raw_pk.isdigit():
        raise ValidationError({"item": gettext("Việc cần nhắc không hợp lệ.")}, code="item")
    kind = _kinds[code]
    obj = _seen_and_waiting(kind, sender, recipient).filter(pk=int(raw_pk)).first()
    if obj is None:
        raise ValidationError(
            {
                "item": gettext(
                    "Chỉ gửi tin nhắn về việc đang chờ người nhận xử lý mà bạn được xem; việc này không "
                    "(hoặc không còn) chờ người nhận."
                )
            },
            code="not_pending",
        )
    return Item(kind, obj)


# ------------------------------------------------------------------------------------------------ the kinds


def _incoming_waiting(user) -> QuerySet:
    return IncomingDocument.objects.filter(
        Q(pk__in=incoming.inbox(user, "to_process").order_by().values("document_id"))
        | Q(pk__in=incoming.inbox(user, "in_progress").order_by().values("document_id"))
        | Q(pk__in=incoming.to_direct(user).order_by().values("pk"))
    ).values("pk")


def _due(value) -> str:
    return f", hạn {value:%d/%m/%Y}" if value else ""


def _describe_incoming(doc: IncomingDocument) -> str:
    number = f"{doc.arrival_number}/{doc.year}"
    symbol = f" ({doc.code_number}/{doc.code_notation})" if doc.code_number else ""
    return f"văn bản đến số {number}{symbol} của {doc.issuer_name}{_due(doc.deadline or doc.due_date)}: {doc.subject}"


def _describe_draft(doc: OutgoingDocument) -> str:
    subject = "(văn bản mật)" if doc.secrecy else doc.subject
    return f"dự thảo số {doc.pk}{_due(doc.due_date)}: {subject}"


INCOMING = register(
    Kind(
        "incoming",
        _("Văn bản đến chờ xử lý"),
        IncomingDocument,
        "view",
        _incoming_waiting,
        _describe_incoming,
        "incoming:detail",
    )
)
OUTGOING_REVIEW = register(
    Kind(
        "outgoing_review",
        _("Dự thảo chờ duyệt"),
        OutgoingDocument,
        "record",
        lambda user: outgoing.to_review(user).order_by().values("document_id"),
        _describe_draft,
        "outgoing:detail",
    )
)
OUTGOING_RETURNED = register(
    Kind(
        "outgoing_returned",
        _("Dự thảo bị trả lại"),
        OutgoingDocument,
        "record",
        lambda user: outgoing.returned(user).order_by().values("pk"),
        _describe_draft,
        "outgoing:detail",
    )
)
