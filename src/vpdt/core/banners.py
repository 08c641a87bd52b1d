"""Banners above every page's content (an announcement not yet read…): an app registers, in its ``ready()``, a
template and a function of the request giving that template's context, or None when it has nothing to show, so
the page shell imports no app. Read only when a page shows the shell (:func:`vpdt.core.context_processors.site`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Banner:
    template: str
    context: Callable[[HttpRequest], dict | None]


_banners: list[Banner] = []


def register(template: str, context: Callable[[HttpRequest], dict | None]) -> None:
    if any(b.template == template for b in _banners):
        return
    _banners.append(Banner(template, context))


def for_request(request: HttpRequest) -> list[dict]:
    """The banners the page shows: ``{"template": ..., **context}`` each."""
    shown = []
    for banner in _banners:
        context = banner.context(request)
        if context:
            shown.append({"template": banner.template, **context})
    return shown
