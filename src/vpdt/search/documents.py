"""What the index knows of each kind of object: the row fields and the text (SPEC §2, §3, ND30 Phụ lục V, VI).

The document apps declare their kinds in their ``AppConfig.ready()`` (:func:`vpdt.search.sources.register`): the model, the predicate
that lets a user find an entry, how to load the objects and read their fields, which units and people they belong
to, and the models whose saves change an entry. Search never imports them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .models import Kind


@dataclass(frozen=True)
class Source:
    kind: str
    model: type
    url: str  # the detail page, "{}" standing for the object's id
    predicate: str  # the authz predicate of the model that lets a user find an entry of this kind
    fields: Callable  # (obj) -> the entry's row fields and text
    loader: Callable[[], QuerySet]  # the objects having an entry, with what ``fields`` reads
    units: Callable[[int], Iterable[QuerySet]] = lambda unit_id: ()  # ids of the objects of (or assigned to) a unit
    handlers: Callable[[int], Iterable[QuerySet]] = lambda user_id: ()  # ids of the objects a person handles
    statuses: tuple = ()  # (group label, choices) for the status filter, once per model
    watched: tuple = field(default=())  # (model, attribute holding the object's id): a save re-indexes the entry


_sources: dict[str, Source] = {}


def add(source: Source) -> None:
    """Declare a kind (through :func:`vpdt.search.sources.register`, which also watches its saves)."""
    _sources[source.kind] = source


def sources() -> list[Source]:
    """The declared kinds, in the order of :class:`Kind` (whatever the order the apps declared them in)."""
    return sorted(_sources.values(), key=lambda s: Kind.values.index(s.kind))


def kinds() -> list[str]:
    return [s.kind for s in sources()]


def source_of(kind: str) -> Source:
    return _sources[kind]


def source(kind: str) -> QuerySet:
    """The objects that have an entry of ``kind``."""
    return _sources[kind].loader().select_related(None).prefetch_related(None)


def loader(kind: str) -> QuerySet:
    """The objects of ``kind`` with what :func:`fields_of` reads, in a fixed number of queries."""
    return _sources[kind].loader()


def load(kind: str, object_id: int):
    return loader(kind).filter(pk=object_id).first()


def fields_of(kind: str, obj) -> dict:
    return _sources[kind].fields(obj)


def detail_url(kind: str, object_id) -> str:
    return _sources[kind].url.format(object_id)


def status_choices() -> list:
    return [("", "Mọi trạng thái"), *(s.statuses for s in sources() if s.statuses)]


def lines(*parts) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


# ------------------------------------------------------------------------------------------------ filters


def unit_q(unit_id: int) -> Q:
    """Entries whose object belongs to or was assigned to a unit."""
    q = Q(pk__in=[])
    for s in sources():
        for ids in s.units(unit_id):
            q |= Q(kind=s.kind, object_id__in=ids)
    return q


def handler_q(user_id: int) -> Q:
    """Entries a person handles: assigned incoming documents, drafts and reviews, dossiers they keep."""
    q = Q(pk__in=[])
    for s in sources():
        for ids in s.handlers(user_id):
            q |= Q(kind=s.kind, object_id__in=ids)
    return q
