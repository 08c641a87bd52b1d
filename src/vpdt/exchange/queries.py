"""The clerk's two queues of electronic documents, every route in one list each (read only):

* ``waiting`` — documents arrived for the clerk's agency: delivered by an agency of this deployment (a
  :class:`Recipient` at 01, predicate ``delivered``) or by another system (a :class:`Message`, predicate
  ``arrived``);
* ``recalls`` — recalls of registered documents to confirm or refuse: asked by an agency of this deployment (a
  :class:`Recipient` at 13 the clerk manages) or by another system (a :class:`Message`, predicate ``recalled``).

Who sees what is each predicate's SQL, never a check per row. A page is read newest first by keyset over
(time, route, id): each route's rows after the cursor, at most a page and one of each, merged — two queries a page,
whatever the page, and no COUNT(*).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from vpdt.core.authz import manageable, permitted, visible
from vpdt.core.pagination import KeysetPage
from vpdt.outgoing.models import DeliveryStatus, Recipient

from .models import Message

INTERNAL, EXTERNAL = "internal", "external"
KINDS = (INTERNAL, EXTERNAL)
WAITING, RECALLS = "waiting", "recalls"


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Route:
    kind: str
    rank: int  # the order of two rows of the same time: the higher rank first
    at: str  # the time the row entered the queue
    rows: Callable[[object], QuerySet]


@dataclass
class Entry:
    """One row of a queue: a delivery inside the deployment (``internal``) or a message from another system."""

    kind: str
    obj: Recipient | Message
    at: datetime
    rank: int

    @property
    def pk(self) -> int:
        return self.obj.pk

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.pk}"

    @property
    def internal(self) -> bool:
        return self.kind == INTERNAL

    @property
    def order(self) -> tuple:
        return (self.at, self.rank, self.obj.pk)


def _delivered(user) -> QuerySet:
    return permitted(Recipient, user, "delivered").select_related(
        "agency", "document", "document__agency", "document__doc_type", "document__signer"
    )


def _recall_requested(user) -> QuerySet:
    return (
        manageable(Recipient, user)
        .filter(status=DeliveryStatus.RECALL_REQUESTED)
        .select_related("agency", "document", "document__agency", "document__doc_type", "incoming")
    )


def _arrived(user) -> QuerySet:
    return permitted(Message, user, "arrived").select_related("agency")


def _recalled(user) -> QuerySet:
    return permitted(Message, user, "recalled").select_related("agency")


QUEUES: dict[str, tuple[Route, ...]] = {
    WAITING: (Route(INTERNAL, 1, "delivered_at", _delivered), Route(EXTERNAL, 0, "created_at", _arrived)),
    RECALLS: (Route(INTERNAL, 1, "status_at", _recall_requested), Route(EXTERNAL, 0, "created_at", _recalled)),
}


def rows(user, queue: str, kind: str) -> QuerySet:
    """The rows of one route of ``queue`` that ``user`` may act on (lookups: anything else is not found)."""
    return next(r for r in QUEUES[queue] if r.kind == kind).rows(user)


def find(user, queue: str, kind: str, pk: int) -> Entry | None:
    if kind not in KINDS:
        return None
    route = next(r for r in QUEUES[queue] if r.kind == kind)
    obj = route.rows(user).filter(pk=pk).first()
    return None if obj is None else Entry(kind, obj, getattr(obj, route.at), route.rank)


def lookup(user, kind: str, pk: int) -> Entry | None:
    """A row ``user`` may see, in a queue or not any more, for an action: the service then decides (its answer
    for a document already received, or for someone who may not act, is a message; not a "not found")."""
    if kind == INTERNAL:
        obj = visible(Recipient, user).select_related("agency", "document", "document__agency").filter(pk=pk).first()
        at = "delivered_at"
    elif kind == EXTERNAL:
        obj = visible(Message, user).select_related("agency").filter(pk=pk).first()
        at = "created_at"
    else:
        return None
    return None if obj is None else Entry(kind, obj, getattr(obj, at), 0)


def sources(user, queue: str) -> list[QuerySet]:
    """The rows of each route of ``queue`` a page lists (for counting them: added up, they are the queue)."""
    return [route.rows(user).exclude(**{f"{route.at}__isnull": True}) for route in QUEUES[queue]]


def exists(user, queue: str) -> bool:
    return any(route.rows(user).exists() for route in QUEUES[queue])


def _encode(entry: Entry) -> str:
    raw = json.dumps([entry.at.isoformat(), entry.rank, entry.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int, int]:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
        at, rank, pk = json.loads(raw.decode())
        when = parse_datetime(at) if isinstance(at, str) else None
        if when is None or timezone.is_naive(when):
            raise BadCursor(cursor)
        when = when.astimezone(UTC)
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, binascii.Error):
        raise BadCursor(cursor) from None
    if type(rank) is not int or type(pk) is not int or not 0 <= pk < 2**63:
        raise BadCursor(cursor)
    return when, rank, pk


def _after(route: Route, at: datetime, rank: int, pk: int) -> Q:
    """The route's rows after (time, rank, id) in the newest-first order."""
    if route.rank < rank:
        return Q(**{f"{route.at}__lte": at})
    if route.rank > rank:
        return Q(**{f"{route.at}__lt": at})
    return Q(**{f"{route.at}__lt": at}) | Q(**{route.at: at, "pk__lt": pk})


def page(user, queue: str, cursor: str | None = None, size: int = 20) -> KeysetPage:
    """One page of ``queue`` for ``user``, newest first (``BadCursor`` for a cursor this never wrote)."""
    after = _decode(cursor) if cursor else None
    entries = []
    for route in QUEUES[queue]:
        qs = route.rows(user).exclude(**{f"{route.at}__isnull": True})
        if after is not None:
            qs = qs.filter(_after(route, *after))
        entries += [
            Entry(route.kind, obj, getattr(obj, route.at), route.rank)
            for obj in qs.order_by(f"-{route.at}", "-pk")[: size + 1]
        ]
    entries.sort(key=lambda e: e.order, reverse=True)
    next_cursor = _encode(entries[size - 1]) if len(entries) > size else None
    return KeysetPage(items=entries[:size], next_cursor=next_cursor, is_first=after is None, size=size)
