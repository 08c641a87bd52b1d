"""Where a notification about an object leads: each app registers, in its ``ready()``, how to build the address
of its objects (a URL name reversed with the object's id, or a function), so this app imports no document app
and no address is ever written by hand."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.urls import reverse

_links: dict[type[Model], Callable[[Model], str]] = {}


def register(model: type[Model], link: str | Callable[[Model], str]) -> None:
    """``link``: a URL name taking the object's id (``"outgoing:detail"``), or a function of the object."""
    _links[model] = _reversed(link) if isinstance(link, str) else link


def _reversed(url_name: str) -> Callable[[Model], str]:
    return lambda obj: reverse(url_name, args=[obj.pk])


def url_for(obj: Model) -> str:
    try:
        link = _links[type(obj)._meta.concrete_model]
    except KeyError:
        raise LookupError(f"Chưa khai báo đường dẫn thông báo cho {type(obj).__name__}") from None
    return link(obj)
