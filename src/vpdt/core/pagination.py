"""Keyset pagination for HTML lists and the API: no OFFSET, no COUNT(*)."""

from __future__ import annotations

import base64
import dataclasses
import json
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from vpdt.core import authz
from vpdt.core.params import MAX_ID, int_param

# A list filtered further than its visibility (a box, a year) may find too few of each branch's newest ids: it
# asks again for this many times more before reading the whole branches.
NEWEST_WIDER = 10
NEWEST_FIRST = (("-id",), ("-pk",))  # the orders read through the branches' newest ids
# What a tampered cursor may raise while its values are turned into SQL parameters.
_BAD_CURSOR_ERRORS = (ValueError, TypeError, OverflowError, ValidationError)


class KeysetPagination(CursorPagination):
    """API lists: opaque cursor over (ordering..., id), page size capped."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_description = "Con trỏ trang (lấy từ trường next/previous)."
    page_size_query_description = "Số bản ghi mỗi trang (tối đa 200)."

    def get_page_size(self, request):
        size = int_param(request.query_params.get(self.page_size_query_param))
        return min(size, self.max_page_size) if size else self.page_size

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and "\x00" in cursor.position:
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def paginate_queryset(self, queryset, request, view=None):
        try:
            if self.get_ordering(request, queryset, view) not in NEWEST_FIRST:
                return super().paginate_queryset(queryset, request, view)
            cursor = self.decode_cursor(request)
            if cursor is not None and (cursor.reverse or cursor.offset):
                return super().paginate_queryset(queryset, request, view)
            before = int_param(cursor.position) if cursor is not None and cursor.position is not None else None
            if cursor is not None and cursor.position is not None and before is None:
                raise NotFound(self.invalid_cursor_message)

            def read():
                page = super(KeysetPagination, self).paginate_queryset(queryset, request, view)
                return page, self.has_next, page[-1].pk if page else None

            return _newest_first(read, self.get_page_size(request) + 1, before)
        except _BAD_CURSOR_ERRORS as exc:  # e.g. a position "abc" for an integer ordering field
            raise NotFound(self.invalid_cursor_message) from exc


# Rows a screen's list shows at a time: the first is the default, the others offered under the list ("so_dong").
ROWS_PER_PAGE = (20, 50, 100)
SIZE_PARAM = "so_dong"


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None
    is_first: bool
    size: int = 0
    sizes: list = dataclasses.field(default_factory=list)  # (rows, query string of the first page with that many)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def _decode(cursor: str, n: int) -> list | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != n or not all(_plain(v) for v in values):
        return None
    return values


def _plain(value) -> bool:
    """Cursor values are what _encode writes: strings and numbers a database column can hold."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_ID
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) <= MAX_ID
    return isinstance(value, str) and len(value) <= 1000 and "\x00" not in value


def _after(order: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ``order`` (lexicographic, per-field direction)."""
    q = Q(pk__in=[])
    for i, field in enumerate(order):
        name = field.lstrip("-")
        op = "lt" if field.startswith("-") else "gt"
        cond = Q(**{f"{name}__{op}": values[i]})
        for prev_field, prev_value in zip(order[:i], values[:i]):
            cond &= Q(**{prev_field.lstrip("-"): prev_value})
        q |= cond
    return q


def keyset_page(qs: QuerySet, cursor: str | None, order: tuple[str, ...] = ("-id",), size: int = 50) -> KeysetPage:
    """One page of ``qs`` ordered by ``order`` (which must end with a unique field such as id)."""
    values = _decode(cursor, len(order)) if cursor else None
    qs = qs.order_by(*order)
    if values is not None:
        try:
            qs = qs.filter(_after(order, values))
        except _BAD_CURSOR_ERRORS:  # values of the wrong type for their fields: start from the top
            values = None
    rows = _rows(qs, order, values, size + 1)
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _encode([_attr(last, f.lstrip("-")) for f in order])
    return KeysetPage(items=rows, next_cursor=next_cursor, is_first=values is None)


def _newest_first(read, wanted: int, before):
    """``read()`` -> (page, whether it found all ``wanted`` rows, its oldest id), read through each visibility
    branch's newest ids (:class:`authz.NewestIds`) while that gives the true page, then wider, then whole."""
    for newest_per_branch in (wanted, wanted * NEWEST_WIDER):
        with authz.NewestIds(newest_per_branch, before) as newest:
            page, full, oldest = read()
        if newest.complete(full, oldest):
            return page
    return read()[0]


def _rows(qs: QuerySet, order: tuple[str, ...], values: list | None, wanted: int) -> list:
    """The first ``wanted`` rows of ``qs`` (newest first by id: see :func:`_newest_first`)."""
    if order not in NEWEST_FIRST:
        return list(qs[:wanted])

    def read():
        rows = list(qs[:wanted])
        return rows, len(rows) == wanted, rows[-1].pk if rows else None

    return _newest_first(read, wanted, values[0] if values else None)


def page_of(request, qs: QuerySet, order: tuple[str, ...] = ("-id",), default: int = ROWS_PER_PAGE[0]) -> KeysetPage:
    """The page of ``qs`` a screen asks for: its cursor and its number of rows (``?so_dong=``, one of
    ``ROWS_PER_PAGE`` or ``default``), with the links to the other sizes."""
    offered = sorted({default, *ROWS_PER_PAGE})
    wanted = int_param(request.GET.get(SIZE_PARAM))
    size = wanted if wanted in offered else default
    page = keyset_page(qs, request.GET.get("cursor"), order=order, size=size)
    page.size = size
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop(SIZE_PARAM, None)
    base = query.urlencode()
    page.sizes = [(n, "&".join(part for part in (base, urlencode({SIZE_PARAM: n})) if part)) for n in offered]
    return page


def _attr(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj.pk if hasattr(obj, "_meta") else obj


def query_without_cursor(request) -> str:
    """The current query string minus the cursor, for building "next page" links."""
    query = request.GET.copy()
    query.pop("cursor", None)
    return query.urlencode()
