"""Search over incoming documents, outgoing documents and dossiers.

* Indexing: :func:`schedule` (after commit, from the signal receivers), :func:`index_object`,
  :func:`index_text` (the hook for OCR text of scans), :func:`reindex` (the reconciliation command).
* Searching: :func:`search` — trimmed by the same authorization predicate as the lists, as ONE SQL filter.
* Saved searches: :func:`save_search`, :func:`delete_search`.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from vpdt.core import authz
from vpdt.core.authz import NOTHING, scope_of, visible

from . import documents
from .backends import get_backend
from .models import KIND_GROUPS, Kind, SavedSearch, SearchEntry
from .text import index_form, parse, snippet

log = logging.getLogger(__name__)

PAGE_SIZE = 20
MAX_PAGE = 50
LIST_FIELDS = (
    "id",
    "kind",
    "object_id",
    "agency_id",
    "doc_type_id",
    "number",
    "title",
    "issuer",
    "doc_date",
    "urgency",
    "status",
    "status_label",
)


# ------------------------------------------------------------------------------------------------ indexing

MAX_TEXT = 300_000  # characters of searchable text per object (PostgreSQL's tsvector holds at most 1 MB)


def _text_fields(body: str, extra: str) -> dict:
    full = "\n".join(t for t in (body, extra) if t)[:MAX_TEXT]
    return {"folded": index_form(full), "exact_text": unicodedata.normalize("NFC", full).lower()}


def index_object(kind: str, object_id: int) -> SearchEntry | None:
    """(Re)write the entry of one object; drop it when the object is gone."""
    obj = documents.load(kind, object_id)
    backend = get_backend()
    if obj is None:
        remove(kind, object_id)
        return None
    values = documents.fields_of(kind, obj)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                entry = SearchEntry.objects.select_for_update().filter(kind=kind, object_id=object_id).first()
                if entry is None:
                    entry = SearchEntry(kind=kind, object_id=object_id)
                for name, value in values.items():
                    setattr(entry, name, value)
                for name, value in _text_fields(entry.body, entry.extra_text).items():
                    setattr(entry, name, value)
                entry.save()
                backend.index(entry)
            return entry
        except IntegrityError:  # another process created the entry at the same moment: update it instead
            if attempt == 2:
                raise
    return None  # pragma: no cover


def index_text(kind: str, object_id: int, extra_text: str) -> SearchEntry | None:
    """Hook for text found later (OCR of scanned attachments): searched and highlighted like the rest of the
    object's text, and kept when the object is indexed again. Replaces the previous extra text."""
    with transaction.atomic():
        entry = index_object(kind, object_id)
        if entry is None:
            return None
        entry.extra_text = (extra_text or "")[:MAX_TEXT]
        for name, value in _text_fields(entry.body, entry.extra_text).items():
            setattr(entry, name, value)
        entry.save(update_fields=["extra_text", "folded", "exact_text", "indexed_at"])
        get_backend().index(entry)
    return entry


def remove(kind: str, object_id: int) -> None:
    ids = list(SearchEntry.objects.filter(kind=kind, object_id=object_id).values_list("pk", flat=True))
    get_backend().remove(ids)
    SearchEntry.objects.filter(pk__in=ids).delete()


def _safe_index(kind: str, object_id: int) -> None:
    try:
        index_object(kind, object_id)
    except Exception:  # the reconciliation command repairs what a failed after-commit indexing missed
        log.exception("Không cập nhật được chỉ mục tìm kiếm cho %s %s", kind, object_id)


def schedule(kind: str, object_id: int) -> None:
    """Index after the surrounding transaction commits (at once outside a transaction)."""
    connection = transaction.get_connection()
    key = (kind, int(object_id))
    if connection.in_atomic_block and any(
        getattr(entry[1], "search_key", None) == key and not entry[1].done for entry in connection.run_on_commit
    ):
        return  # already scheduled in this transaction (a document and its versions, recipients…)

    def callback():
        callback.done = True
        _safe_index(kind, object_id)

    callback.done = False

    callback.search_key = key
    transaction.on_commit(callback)


BATCH = 500
TEXT_FIELDS = (
    "agency_id",
    "doc_type_id",
    "number",
    "number_key",
    "title",
    "issuer",
    "issuer_key",
    "doc_date",
    "urgency",
    "status",
    "status_label",
    "body",
    "folded",
    "exact_text",
    "extra_text",
    "indexed_at",
)


def _index_batch(kind: str, ids: list[int]) -> None:
    """Index many objects of one kind in a fixed number of queries (the reconciliation command)."""
    objects = list(documents.loader(kind).filter(pk__in=ids))
    existing = {
        e.object_id: e
        for e in SearchEntry.objects.filter(kind=kind, object_id__in=ids).only("id", "object_id", "extra_text")
    }
    now = timezone.now()
    new, changed = [], []
    for obj in objects:
        entry = existing.get(obj.pk) or SearchEntry(kind=kind, object_id=obj.pk)
        for name, value in documents.fields_of(kind, obj).items():
            setattr(entry, name, value)
        for name, value in _text_fields(entry.body, entry.extra_text).items():
            setattr(entry, name, value)
        entry.indexed_at = now
        (changed if entry.pk else new).append(entry)
    with transaction.atomic():
        SearchEntry.objects.bulk_create(new, batch_size=BATCH)
        SearchEntry.objects.bulk_update(changed, TEXT_FIELDS, batch_size=100)
        get_backend().index_many(new + changed)


def reindex(kinds=None, *, full: bool = False, progress=None) -> int:
    """Reconcile the index with the objects: every object when ``full``, else only missing entries.

    Entries whose object is gone are dropped. ``progress`` wraps an iterable (e.g. tqdm). Returns the count
    of objects (re)indexed."""
    kinds = list(kinds or documents.kinds())
    todo = []
    for kind in kinds:
        objects = documents.source(kind)
        # NOT EXISTS (anti-joins), not NOT IN (subquery): PostgreSQL cannot hash a million-row NOT IN list in
        # work_mem and would rescan the subquery for every row.
        gone = list(
            SearchEntry.objects.filter(kind=kind)
            .filter(~Exists(objects.filter(pk=OuterRef("object_id"))))
            .values_list("pk", flat=True)
        )
        if gone:
            get_backend().remove(gone)
            SearchEntry.objects.filter(pk__in=gone).delete()
        ids = objects.order_by("pk").values_list("pk", flat=True)
        if not full:
            ids = ids.filter(~Exists(SearchEntry.objects.filter(kind=kind, object_id=OuterRef("pk"))))
        todo += [(kind, pk) for pk in ids]
    iterator = iter(progress(todo) if progress else todo)
    while batch := list(islice(iterator, BATCH)):
        for kind in dict.fromkeys(k for k, _pk in batch):
            _index_batch(kind, [pk for k, pk in batch if k == kind])
    return len(todo)


# ------------------------------------------------------------------------------------------------ searching


@dataclass
class Criteria:
    q: str = ""
    exact: bool = False
    kinds: list[str] = field(default_factory=list)
    doc_type_id: int | None = None
    issuer: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    urgency: int | None = None
    status: str = ""
    unit_id: int | None = None
    handler_id: int | None = None
    page: int = 1

    @property
    def has_filters(self) -> bool:
        return bool(
            self.kinds
            or self.doc_type_id
            or self.issuer
            or self.date_from
            or self.date_to
            or self.urgency is not None
            or self.status
            or self.unit_id
            or self.handler_id
        )


@dataclass
class Hit:
    entry: SearchEntry
    snippet: str

    @property
    def url(self) -> str:
        return documents.detail_url(self.entry.kind, self.entry.object_id)

    @property
    def kind(self) -> str:
        """The kind users know: both parts of an outgoing document are "outgoing"."""
        return Kind.OUTGOING if self.entry.kind == Kind.PUBLISHED else self.entry.kind

    @property
    def kind_display(self) -> str:
        return Kind(self.kind).label


@dataclass
class Results:
    hits: list[Hit]
    page: int
    has_more: bool
    searched: bool
    # Words so common that the entries of a branch (an agency's) holding them were ranked among the newest this
    # many only (0: everything that matches was ranked); see the backend's ``query_branches``.
    newest_only: int = 0

    @property
    def shown_before(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    @property
    def at_least(self) -> int:
        return self.shown_before + len(self.hits)


AGENCY_LEAVES = ("agency", "agency_id", "agency__in", "agency_id__in")
MAX_BRANCHES = 32


def _disjuncts(q) -> list[Q]:
    """``q`` as an OR of conjunctions (each a Q without a top-level OR); negations stay whole."""
    if not isinstance(q, Q):
        return [Q(q)]
    if q.negated or not q.children:
        return [q]
    if q.connector == Q.OR:
        return [d for child in q.children for d in _disjuncts(child)]
    result = [Q()]
    for child in q.children:
        result = [r & d for r in result for d in _disjuncts(child)]
        if len(result) > MAX_BRANCHES:
            return [q]
    return result


def _branch(model, conjunct: Q) -> tuple[Q, Q | None]:
    """A conjunct of an object predicate as conditions on entries: its agency condition, repeated on the entry
    (which carries its object's agency) so the database can intersect the entries' agency index with the text index
    before reading rows, and the conjunct itself checked on the objects — None when it is only that agency condition."""
    leaves = [c for c in conjunct.children if isinstance(c, tuple)] if not conjunct.negated else []
    agency, seen = Q(), set()
    for name, value in leaves:
        leaf = (name.replace("agency_id", "agency"), value)
        if name in AGENCY_LEAVES and repr(leaf) not in seen:
            seen.add(repr(leaf))
            agency &= Q(leaf)
    if all(isinstance(c, tuple) and c[0] in AGENCY_LEAVES for c in conjunct.children) and not conjunct.negated:
        return agency, None
    return agency, Q(object_id__in=model._default_manager.filter(conjunct).values("pk"))


def agency_branches(user, narrowing: Q | None = None, by_agency_narrowing=None, *, through_agency=None) -> list:
    """Entries whose object ``user`` may open, each kind by the predicate of the part it holds (see
    :attr:`documents.Source.predicate`),, as querysets of entries, one per branch (:func:`visible_q` joins them into one SQL
    condition: ``id IN (… UNION ALL …)``).

    Each predicate is split into its alternatives (the agency for a leader, the documents assigned or drafted…),
    one branch each, so every branch can use an index; ``narrowing`` (the words and filters of the search) is
    applied inside every branch, so the database collects only the visible entries that match — not every visible
    entry first (13,000 for a province committee's clerk, then ranked). The alternatives under the same agency
    condition share one branch (one pass over the text index). ``by_agency_narrowing(agency)``, when given, is
    the narrowing of a branch under that agency condition (None: a branch bounded by its objects only) instead —
    the same condition, evaluated another way. Each branch comes with its agency condition (None: bounded by its
    objects).

    ``through_agency(agency)``, when given and true for the person's agency: a person who holds positions in their
    own agency only works on that agency's objects (the assignments, drafts and reviews, dossiers and deliveries
    inside it), so their objects' branches carry that agency condition too — the same entries, found through the
    text index under the agency instead of through the entry of each of their objects (thousands for a unit's
    leader)."""
    narrowing = narrowing or Q()
    scope = scope_of(user)
    own = None
    if through_agency and scope.within_own_agency:
        own = scope.agency_id if through_agency(Q(agency=scope.agency_id)) else None
    by_agency: dict[str, tuple[Q, Q]] = {}
    branches = []
    for source in documents.sources():
        predicate = authz.predicate(source.model, source.predicate, scope)
        for conjunct in _disjuncts(predicate):
            if conjunct == NOTHING:
                continue
            agency, objects = _branch(source.model, conjunct)
            if not agency and own is not None:
                agency = Q(agency=own)  # implied: what such a person works on belongs to their agency
            which = Q(kind=source.kind) & (objects or Q())
            if agency:  # one branch per agency condition: one pass over the text index for all its kinds
                key = str(agency)
                by_agency[key] = (agency, by_agency[key][1] | which if key in by_agency else which)
            else:
                narrowed = by_agency_narrowing(None) if by_agency_narrowing else narrowing
                branches.append((None, SearchEntry.objects.filter(which).filter(narrowed)))
    for agency, which in by_agency.values():
        narrowed = by_agency_narrowing(agency) if by_agency_narrowing else narrowing
        branches.append((agency, SearchEntry.objects.filter(agency & which).filter(narrowed)))
    return branches


def visible_branches(user, narrowing: Q | None = None, by_agency_narrowing=None) -> list:
    """The querysets of :func:`agency_branches`."""
    return [entries for _agency, entries in agency_branches(user, narrowing, by_agency_narrowing)]


def visible_q(user, narrowing: Q | None = None, by_agency_narrowing=None) -> Q:
    """The entries of :func:`visible_branches` as one condition."""
    branches = [b.values("pk") for b in visible_branches(user, narrowing, by_agency_narrowing)]
    if not branches:
        return NOTHING
    return Q(pk__in=branches[0].union(*branches[1:], all=True))


def _filters(c: Criteria) -> Q:
    q = Q()
    if c.kinds:
        q &= Q(kind__in=[k for kind in c.kinds for k in KIND_GROUPS.get(kind, (kind,))])
    if c.doc_type_id:
        q &= Q(doc_type_id=c.doc_type_id)
    if c.issuer:
        from .text import fold

        q &= Q(issuer_key__contains=fold(c.issuer).strip())
    if c.date_from:
        q &= Q(doc_date__gte=c.date_from)
    if c.date_to:
        q &= Q(doc_date__lte=c.date_to)
    if c.urgency is not None:
        q &= Q(urgency=c.urgency)
    if c.status:
        q &= Q(status=c.status)
    if c.unit_id:
        q &= documents.unit_q(c.unit_id)
    if c.handler_id:
        q &= documents.handler_q(c.handler_id)
    return q


def search(user, c: Criteria) -> Results:
    """One page of what ``user`` may open that matches ``c``. No COUNT: ``has_more`` says whether more follow."""
    page = min(max(c.page, 1), MAX_PAGE)
    parsed = parse(c.q)
    if parsed.empty and not c.has_filters:
        return Results(hits=[], page=1, has_more=False, searched=False)
    backend = get_backend()
    filters = _filters(c)

    def by_agency(agency: Q | None) -> Q:
        return filters & backend.match_q(parsed, scan=backend.scans(agency, parsed))

    def index_first(agency: Q) -> bool:
        """Words the text index finds under ``agency`` more cheaply than a scan of the agency's entries."""
        return bool(parsed.words or parsed.phrases) and not backend.scans(agency, parsed)

    narrowing = filters & backend.match_q(parsed)
    offset = (page - 1) * PAGE_SIZE
    with backend.tuned():
        if not parsed.empty and backend.ranks_branches:  # ranked inside each branch, rows read for the page only
            rows, newest_only = backend.query_branches(
                agency_branches(user, narrowing, by_agency, through_agency=index_first),
                parsed,
                limit=PAGE_SIZE + 1,
                offset=offset,
                exact=c.exact,
                fields=(*LIST_FIELDS, "body", "extra_text"),
            )
            return _results(rows, parsed, page, c.exact, newest_only=newest_only)
        qs = SearchEntry.objects.filter(visible_q(user, narrowing, by_agency)).filter(filters)
        if parsed.empty:
            rows = list(qs.only(*LIST_FIELDS).order_by("-doc_date", "-id")[offset : offset + PAGE_SIZE + 1])
        else:
            rows = backend.query(
                qs.only(*LIST_FIELDS, "body", "extra_text"),
                parsed,
                limit=PAGE_SIZE + 1,
                offset=offset,
                exact=c.exact,
                matched=True,
            )
    return _results(rows, parsed, page, c.exact)


def _results(rows: list, parsed, page: int, exact: bool, newest_only: int = 0) -> Results:
    has_more = len(rows) > PAGE_SIZE and page < MAX_PAGE
    hits = []
    for entry in rows[:PAGE_SIZE]:
        text = "\n".join(t for t in (entry.body, entry.extra_text) if t) if not parsed.empty else ""
        hits.append(Hit(entry=entry, snippet=snippet(text, parsed, exact=exact) if text else ""))
    return Results(hits=hits, page=page, has_more=has_more, searched=True, newest_only=newest_only)


# ------------------------------------------------------------------------------------------------ saved searches


def saved_searches(user):
    return visible(SavedSearch, user).order_by("name", "id")


QUERY_KEYS = (
    "q",
    "exact",
    "kind",
    "doc_type",
    "issuer",
    "date_from",
    "date_to",
    "urgency",
    "status",
    "unit",
    "handler",
)


def clean_query(query: str) -> str:
    """Keep only the search parameters of a query string, re-encoded (no page, nothing else)."""
    from django.http import QueryDict

    raw = QueryDict((query or "").lstrip("?").replace("\x00", ""))
    clean = QueryDict(mutable=True)
    for key in QUERY_KEYS:
        values = [v for v in raw.getlist(key) if v.strip()]
        if values:
            clean.setlist(key, values)
    return clean.urlencode()


def save_search(user, *, name: str, query: str) -> SavedSearch:
    name = " ".join((name or "").split())
    query = clean_query(query)
    errors = {}
    if not name:
        errors["name"] = "Nhập tên cho tìm kiếm cần lưu."
    elif len(name) > 100:
        errors["name"] = "Tên tìm kiếm tối đa 100 ký tự."
    if not query:
        errors["query"] = "Chưa có điều kiện tìm kiếm để lưu."
    elif len(query) > 2000 or "\x00" in query:
        errors["query"] = "Điều kiện tìm kiếm quá dài hoặc không hợp lệ."
    if not errors and SavedSearch.objects.filter(user=user, name=name).exists():
        errors["name"] = "Bạn đã có một tìm kiếm đã lưu với tên này."
    if errors:
        raise ValidationError(errors)
    return SavedSearch.objects.create(user=user, name=name, query=query)


def delete_search(user, saved: SavedSearch) -> None:
    if saved.user_id != user.pk and not scope_of(user).is_superuser:
        raise PermissionDenied("Bạn chỉ xóa được tìm kiếm đã lưu của mình.")
    saved.delete()
