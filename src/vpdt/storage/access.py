"""Which stored files a person may read. The apps that attach files to their objects register, in their
``AppConfig.ready()``, a reader: a function giving, for a scope, the ids of the files it reads through them (a
subquery built from the objects' own predicates). Signature checks, digitizations and downloads use
:func:`readable`, one SQL predicate, never a check row by row."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from vpdt.core.authz import NOTHING, Scope

_readers: list[Callable[[Scope], QuerySet]] = []


def register(reader: Callable[[Scope], QuerySet]) -> None:
    _readers.append(reader)


def readable(scope: Scope, field: str = "file_id") -> Q:
    """Predicate on ``field`` (a StoredFile id): the files ``scope`` may read through any registered reader."""
    q = NOTHING
    for reader in _readers:
        q |= Q(**{f"{field}__in": reader(scope)})
    return q
