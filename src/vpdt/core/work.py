"""What waits for a person (việc chờ xử lý): every app that gives people work registers its queues here in its
``AppConfig.ready()`` — the documents waiting for a leader's direction, the assignments to handle, the drafts to
review, the arrivals to receive… The home page's counters and cards, the menu's badges and the notification bell
ask this registry, so core imports no app and each app keeps its own rule of what "waiting" means (its
``queries.py``).

A queue gives:

* ``applies(scope)``: whether the person has this queue at all, from their scope alone (no query);
* ``items(user)``: the waiting items as a queryset (or several, added up: a queue fed by two routes);
* ``url``: the list that shows exactly those items (a URL name and its query string), and ``due``, the name of the
  deadline column when that list also takes ``han=sap-den-han`` / ``han=qua-han`` (the counters of work due soon
  and late link there).

Counts are bounded: each is read from at most ``CAP + 1`` rows through a ``LIMIT`` subquery (shown "99+"), never a
COUNT(*) over everything, and all the counts a page shows are read in ONE SQL statement, once per request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import deadlines
from .authz import Scope, scope_of

CAP = 99
LATE, DUE_SOON = "qua-han", "sap-den-han"  # the ``han`` parameter of the lists
DUE_PARAM = "han"


def _always(scope: Scope) -> bool:
    return True


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    url: str  # URL name of the list showing the items
    items: Callable[[object], QuerySet | Iterable[QuerySet]]
    applies: Callable[[Scope], bool] = _always
    query: str = ""  # the list's query string, without "?"
    due: str | None = None  # the deadline column (a date), when the list filters by han=
    order: int = 100
    icon: str = "bi-inbox"
    tone: str = ""  # "warning", "danger": a counter of work due soon or late in itself
    home: bool = True  # a counter on the home page (the unread notifications are the bell's)
    waiting: bool = True  # work waiting for the person, added up in a menu section's badge (not an overview)
    always: bool = False  # on the home page even at 0 (the person's main queues); the others when not empty

    def href(self, due: str | None = None) -> str:
        params = [p for p in (self.query, f"{DUE_PARAM}={due}" if due else "") if p]
        return reverse(self.url) + (f"?{'&'.join(params)}" if params else "")


_queues: dict[str, Queue] = {}


def register(queue: Queue) -> None:
    """Add (or replace) a queue."""
    _queues[queue.key] = queue


def get(key: str) -> Queue:
    return _queues[key]


def queues_for(user) -> list[Queue]:
    """The queues the person has, in order (no query)."""
    scope = scope_of(user)
    return sorted((q for q in _queues.values() if q.applies(scope)), key=lambda q: (q.order, q.key))


def badge(n: int | None) -> str:
    """How a count is shown: "" for none, "99+" beyond CAP."""
    if not n:
        return ""
    return f"{CAP}+" if n > CAP else str(n)


@dataclass
class Count:
    queue: Queue
    n: int = 0
    late: int | None = None
    due_soon: int | None = None

    @property
    def badge(self) -> str:
        return badge(self.n)

    @property
    def href(self) -> str:
        return self.queue.href()

    @property
    def late_href(self) -> str:
        return self.queue.href(LATE)

    @property
    def due_soon_href(self) -> str:
        return self.queue.href(DUE_SOON)

    @property
    def late_badge(self) -> str:
        return badge(self.late)

    @property
    def due_soon_badge(self) -> str:
        return badge(self.due_soon)


@dataclass
class Summary:
    """The counts of a person's queues: ``by_key[key]`` a :class:`Count`."""

    counts: list[Count] = field(default_factory=list)
    with_due: bool = False

    @property
    def by_key(self) -> dict[str, Count]:
        return {c.queue.key: c for c in self.counts}

    @property
    def total(self) -> int:
        return sum(min(c.n, CAP + 1) for c in self.counts)


def _as_list(found) -> list[QuerySet]:
    return [found] if isinstance(found, QuerySet) else list(found)


def due_filter(qs: QuerySet, column: str, which: str, today: dt.date | None = None) -> QuerySet:
    """``qs`` narrowed to the rows late (deadline before today) or due soon (today up to the horizon)."""
    today = today or deadlines.local_today()
    if which == LATE:
        return qs.filter(**{f"{column}__lt": today})
    if which == DUE_SOON:
        return qs.filter(**{f"{column}__gte": today, f"{column}__lte": deadlines.due_soon_horizon(today)})
    return qs


DUE_CHOICES = {LATE: _("Quá hạn"), DUE_SOON: _("Sắp đến hạn")}
BAD_DUE = "Bộ lọc hạn xử lý không hợp lệ; đang hiển thị tất cả."


def due_param(params) -> tuple[str | None, bool]:
    """The ``han`` filter a list was asked for: (``LATE``, ``DUE_SOON`` or None; whether the value was refused)."""
    raw = (params.get(DUE_PARAM) or "").strip()
    if not raw:
        return None, False
    return (raw, False) if raw in DUE_CHOICES else (None, True)


def count_many(querysets: list[QuerySet], cap: int = CAP) -> list[int]:
    """How many rows each queryset has, up to ``cap + 1``, in one SQL statement: ``SELECT (SELECT COUNT(*) FROM
    (… LIMIT cap + 1)), …``. The querysets must use one database."""
    if not querysets:
        return []
    db = querysets[0].db
    parts, params = [], []
    for i, qs in enumerate(querysets):
        bounded = qs.order_by().values("pk")[: cap + 1]
        sql, more = bounded.query.get_compiler(using=db).as_sql()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS vpdt_count_{i})")
        params.extend(more)
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(n) for n in cursor.fetchone()]


def summary(request, *, with_due: bool = False) -> Summary:
    """The counts of the person's queues (and of their items due soon and late, ``with_due``), read once per
    request: the home page asks first with the due counts, the menu and the bell then reuse them."""
    cached = getattr(request, "_vpdt_work", None)
    if cached is not None and (cached.with_due or not with_due):
        return cached
    user = request.user
    counts = [Count(q) for q in queues_for(user)]
    querysets, slots = [], []
    today = deadlines.local_today()
    for c in counts:
        sources = _as_list(c.queue.items(user))
        for qs in sources:
            querysets.append(qs)
            slots.append((c, "n"))
        if with_due and c.queue.due:
            c.late, c.due_soon = 0, 0
            for qs in sources:
                querysets.append(due_filter(qs, c.queue.due, LATE, today))
                slots.append((c, "late"))
                querysets.append(due_filter(qs, c.queue.due, DUE_SOON, today))
                slots.append((c, "due_soon"))
    for (c, attr), n in zip(slots, count_many(querysets), strict=True):
        setattr(c, attr, (getattr(c, attr) or 0) + n)
    result = Summary(counts, with_due)
    request._vpdt_work = result
    return result
