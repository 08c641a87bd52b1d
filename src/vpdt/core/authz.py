"""Authorization as queryset filters.

A user sees an object because of their agency, unit, role, an assignment, a share or a
delegation. Each model registers its predicates by name: functions ``(scope) -> Q`` that become SQL.
Every model has ``view`` (read) and ``manage`` (administer). A model with an internal part and a shared
part registers one predicate per part as well, e.g. an outgoing document's ``record`` (the drafting record)
and ``published`` (what was issued). Lists, search, API, files and exports all call :func:`visible`,
:func:`manageable` or :func:`permitted` with the name of the part they show, so each rule lives in one
place. Never check visibility row by row in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, F, Func, Model, OuterRef, Q, QuerySet, Subquery

NOTHING = Q(pk__in=[])


class _InIds(Func):
    output_field = BooleanField()
    conditional = True
    ids: QuerySet | None = None

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        top = _TOP.get()
        target = getattr(self.source_expressions[0], "target", None)
        if top is not None and self.ids is not None and getattr(target, "primary_key", False):
            found = top.candidates(self.ids)
            if not found:
                return "1 = 0", ()
            return f"{column} IN ({', '.join(['%s'] * len(found))})", (*params, *found)
        ids, more = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            return f"{column} = ANY(ARRAY{ids})", (*params, *more)
        return f"{column} IN {ids}", (*params, *more)


class NewestIds:
    """While a list reads its page newest first (by primary key), each :func:`in_ids` list of primary keys is
    replaced by the newest ``k`` ids of each of its branches (below ``before``, the page's cursor), read through
    the branch's own index: a unit leader's page no longer collects the ten thousand ids of their unit's work.

    The page is right when no branch was cut (``floor`` None), or when the page is full and all of it is newer than
    the newest id a cut branch left out (``complete``); otherwise the caller reads it again without this."""

    def __init__(self, k: int, before=None):
        self.k, self.before = k, before
        self.floor = None  # the largest id below which a branch was cut
        self._found: dict[int, list] = {}

    def candidates(self, ids: QuerySet) -> list:
        if id(ids) not in self._found:
            found = set()
            for branch in _branches(ids):
                (column,) = branch.query.values_select or ("pk",)
                newest = branch.order_by(f"-{column}")
                if self.before is not None:
                    newest = newest.filter(**{f"{column}__lt": self.before})
                got = list(newest.values_list(column, flat=True)[: self.k])
                if len(got) == self.k and (self.floor is None or got[-1] > self.floor):
                    self.floor = got[-1]
                found.update(got)
            self._found[id(ids)] = sorted(found, reverse=True)
        return self._found[id(ids)]

    def complete(self, full: bool, last_pk) -> bool:
        """Whether a page read with these candidates is the true page: ``full`` when it found every row it asked
        for, ``last_pk`` the oldest of them."""
        return self.floor is None or (full and last_pk is not None and last_pk > self.floor)

    def __enter__(self):
        self._token = _TOP.set(self)
        return self

    def __exit__(self, *exc):
        _TOP.reset(self._token)


_TOP: ContextVar[NewestIds | None] = ContextVar("authz_newest_ids", default=None)


def in_ids(field: str, ids: QuerySet) -> Q:
    """``field IN (ids)``, for a predicate whose ids come from a small, indexed subquery (a person's assignments).

    On PostgreSQL it is written ``field = ANY(ARRAY(ids))``: the ids are collected first and the list walks the
    table's index in its order, whereas an IN becomes a semi-join that PostgreSQL may run by walking the whole
    primary key backwards, newest first, until it has found a page (0.5 s for a unit whose documents are old)."""
    node = _InIds(F(field), Subquery(ids))
    node.ids = ids
    return Q(node)


def _branches(ids: QuerySet) -> list[QuerySet]:
    """The querysets a (possibly UNION-ed) id subquery is made of."""
    if ids.query.combinator != "union":
        return [ids]
    branches = []
    for query in ids.query.combined_queries:
        branch = query.model._base_manager.all()
        branch.query = query.clone()
        branches.append(branch)
    return branches


def _exists(field: str, ids: QuerySet) -> Q:
    """``field IN (ids)`` as one correlated EXISTS per branch, each matching its selected column to the row."""
    q = NOTHING
    for branch in _branches(ids):
        (column,) = branch.query.values_select or ("pk",)
        q |= Q(Exists(branch.order_by().filter(**{column: OuterRef(field)})))
    return q


def row_by_row(q: Q) -> Q:
    """``q`` with every id subquery (:func:`in_ids`, ``__in`` a queryset of one column) written as correlated
    EXISTS, for a predicate evaluated on a page of rows only (an annotation of a list's page): each row costs a few
    index probes, where a hashed subquery would first collect the thousands of ids of a unit leader's work."""
    if not isinstance(q, Q):
        return q
    children = []
    for child in q.children:
        if isinstance(child, _InIds):
            children.append(_exists(child.source_expressions[0].name, child.ids))
        elif isinstance(child, Q):
            children.append(row_by_row(child))
        elif (
            isinstance(child, tuple)
            and child[0].endswith("__in")
            and isinstance(child[1], QuerySet)
            and len(child[1].query.values_select) == 1
        ):
            children.append(_exists(child[0].removesuffix("__in"), child[1]))
        else:
            children.append(child)
    return Q(*children, _connector=q.connector, _negated=q.negated)


def as_subqueries(q: Q) -> Q:
    """``q`` with every :func:`in_ids` list written as a plain ``IN (subquery)``, for a predicate evaluated row by
    row (an annotation, a CASE): PostgreSQL hashes a subquery once, but scans an id list for each row."""
    if not isinstance(q, Q):
        return q
    children = []
    for child in q.children:
        if isinstance(child, _InIds):
            field, ids = child.source_expressions
            children.append((f"{field.name}__in", ids.query))
        elif isinstance(child, Q):
            children.append(as_subqueries(child))
        else:
            children.append(child)
    result = Q(*children, _connector=q.connector, _negated=q.negated)
    return result


Predicate = Callable[["Scope"], Q]
_policies: dict[str, dict[type[Model], Predicate]] = {"view": {}, "manage": {}}
_scope_builder: list[Callable[..., Scope]] = []


@dataclass(frozen=True)
class Scope:
    """What a user's visibility depends on, loaded once per request."""

    user_id: int | None
    agency_id: int | None
    roles: frozenset[str] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    led_unit_ids: frozenset[int] = frozenset()
    admin_agency_ids: frozenset[int] = frozenset()
    position_agency_ids: frozenset[int] = frozenset()  # agencies where the user holds any active position
    province_path: str | None = None  # tree path of the province a province admin manages
    acting_for: frozenset[int] = frozenset()  # people who delegated their authority to this user, now
    is_superuser: bool = False
    extra: dict = field(default_factory=dict, hash=False, compare=False)
    # The same scope narrowed to one kind of delegated work ("incoming", "approval"): see within().
    narrowed: dict = field(default_factory=dict, hash=False, compare=False)

    def within(self, kind: str) -> Scope:
        """The scope for one kind of delegated work: the user's own roles and units plus only what the
        delegations of that kind give (an incoming-only delegate gains nothing over drafts)."""
        return self.narrowed.get(kind, self)

    @property
    def within_own_agency(self) -> bool:
        """Whether everything the person can be involved in belongs to their own agency: they hold positions
        (their own or by delegation) there only, so their assignments, drafts, reviews, deliveries and dossiers are
        all that agency's, and the agency condition can lead every predicate (an index-friendly one)."""
        return bool(self.agency_id) and self.position_agency_ids <= {self.agency_id}

    @property
    def person_ids(self) -> list[int]:
        """The user and everyone they act for under a delegation: "assigned to me" means any of these."""
        return [self.user_id, *sorted(self.acting_for)] if self.user_id else []

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or bool(self.admin_agency_ids) or self.province_path is not None

    def administered(self, agency_field: str = "agency") -> Q:
        """Predicate: the object's agency is one this user administers."""
        if self.is_superuser:
            return Q()
        prefix = f"{agency_field}__" if agency_field else ""
        q = NOTHING
        if self.admin_agency_ids:
            q |= Q(**{f"{prefix}pk__in": list(self.admin_agency_ids)})
        if self.province_path:
            q |= Q(**{f"{prefix}path__startswith": self.province_path})
        return q

    def own_agency(self, agency_field: str = "agency") -> Q:
        if self.agency_id is None:
            return NOTHING
        return Q(**{f"{agency_field}_id" if agency_field else "pk": self.agency_id})


ANONYMOUS = Scope(user_id=None, agency_id=None)


def scope_of(user) -> Scope:
    """Build (and cache on the user object) the user's scope."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_vpdt_scope", None)
    if cached is not None:
        return cached
    scope = _scope_builder[0](user)
    user._vpdt_scope = scope
    return scope


def build_scopes_with(builder: Callable[..., Scope]) -> None:
    """Install the function that builds a user's scope from the directory (the app that knows positions and
    delegations installs it in its ``AppConfig.ready()``)."""
    _scope_builder[:] = [builder]


def register(model: type[Model], **predicates: Predicate) -> None:
    """Register ``model``'s predicates by name (``view=``, ``manage=``, and one per part)."""
    for name, predicate in predicates.items():
        _policies.setdefault(name, {})[model] = predicate


def registered(model: type[Model], name: str) -> bool:
    return model in _policies.get(name, {})


def predicate(model: type[Model], name: str, scope: Scope) -> Q:
    """The SQL predicate ``name`` of ``model`` for an already built scope (to compose predicates)."""
    policy = _policies.get(name, {}).get(model)
    if policy is None:
        raise LookupError(f"Chưa khai báo quy tắc phân quyền “{name}” cho {model.__name__}")
    if scope is ANONYMOUS:
        return NOTHING
    return policy(scope)


def permitted(qs_or_model, user, name: str) -> QuerySet:
    """Objects of which ``user`` may see the part ``name`` (or, for ``manage``, administer)."""
    qs = qs_or_model._default_manager.all() if isinstance(qs_or_model, type) else qs_or_model
    scope = scope_of(user)
    q = predicate(qs.model, name, scope)
    if scope is ANONYMOUS:
        return qs.none()
    return qs.filter(q)


def visible(qs_or_model, user) -> QuerySet:
    """Objects ``user`` may see (any part of them)."""
    return permitted(qs_or_model, user, "view")


def manageable(qs_or_model, user) -> QuerySet:
    """Objects ``user`` may administer (a subset of what they see)."""
    return permitted(qs_or_model, user, "manage")
