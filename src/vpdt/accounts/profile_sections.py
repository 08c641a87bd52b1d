"""Sections other apps add to the account page (“Thông tin tài khoản”), so that accounts imports none of them:
an app registers, in its ``ready()``, a template and a function of the request giving the template's context
(under ``section``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[[HttpRequest], dict]


_sections: list[Section] = []


def register(template: str, context: Callable[[HttpRequest], dict]) -> None:
    _sections.append(Section(template, context))


def contexts(request: HttpRequest) -> list[dict]:
    """What the account page shows below the account's details: ``{"template": ..., **context}`` per section."""
    return [{"template": s.template, **s.context(request)} for s in _sections]
