"""The path of an object's page by its URL name and id, without resolving the URL patterns each time: the pattern
is reversed once per name (and script prefix) with a marker id, and the id put in its place. A list page writes
one or two links per row; :func:`django.urls.reverse` costs tens of microseconds each."""

from functools import cache

from django.urls import get_script_prefix, reverse

MARKER = 8_642_097_531  # an id no pattern writes itself


@cache
def _around(name: str, prefix: str) -> tuple[str, str]:
    path = reverse(name, args=[MARKER])
    before, _marker, after = path.partition(str(MARKER))
    return before, after


def object_path(name: str, pk) -> str:
    """``reverse(name, args=[pk])`` for a pattern whose only argument is an integer id."""
    before, after = _around(name, get_script_prefix())
    return f"{before}{int(pk)}{after}"
