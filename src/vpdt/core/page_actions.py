"""Buttons other apps add to an object's page: an app registers, in its ``ready()``, a button for a page (e.g.
"incoming.document") with a function of the person and the object giving the address it opens, or None when that
person is not offered it. The page asks :func:`for_object` and imports none of the apps above it (a task created
from an incoming document: the orders app adds "Giao việc" to the incoming document's page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PageAction:
    page: str
    name: str
    label: str
    url: Callable  # url(user, obj) -> str | None
    icon: str = ""
    order: int = 0


_actions: dict[str, dict[str, PageAction]] = {}


def register(page: str, name: str, *, label, url: Callable, icon: str = "", order: int = 0) -> None:
    """Add (or replace, by ``name``) a button to ``page``: ``url(user, obj)`` is its address, or None when the person
    is not offered it."""
    _actions.setdefault(page, {})[name] = PageAction(page, name, label, url, icon, order)


def for_object(page: str, user, obj) -> list[dict]:
    """The buttons ``user`` is offered on ``page`` for ``obj``, in their order: ``name``, ``label``, ``url``,
    ``icon`` each."""
    shown = []
    for action in sorted(_actions.get(page, {}).values(), key=lambda a: (a.order, a.name)):
        url = action.url(user, obj)
        if url:
            shown.append({"name": action.name, "label": action.label, "url": url, "icon": action.icon})
    return shown
