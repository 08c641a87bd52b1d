"""Translated text that is built before a language is known.

Form fields, choices and module constants are made at import time, while the language is the request's. Their
text stays lazy (``gettext_lazy``); :func:`lazy_format` keeps it lazy when values are put into it, and
:func:`field_errors` is the error messages every form field of the collab screens uses.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


def _format(message, values: dict) -> str:
    return str(message) % {name: str(value) for name, value in values.items()}


_lazy_format = lazy(_format, str)


def lazy_format(message, **values):
    """``message % values``, translated (message and values) only when it is shown."""
    return _lazy_format(message, values)


def field_errors(label, max_length=None) -> dict:
    """The error messages of a form field named ``label`` (itself lazy or plain text)."""
    errors = {
        "required": lazy_format(_("%(label)s là bắt buộc."), label=label),
        "invalid_choice": lazy_format(_("%(label)s: lựa chọn không hợp lệ."), label=label),
        "invalid": lazy_format(_("%(label)s không hợp lệ."), label=label),
        "invalid_pk_value": lazy_format(_("%(label)s: lựa chọn không hợp lệ."), label=label),
    }
    if max_length:
        errors["max_length"] = lazy_format(_("%(label)s dài tối đa %(limit)s ký tự."), label=label, limit=max_length)
    return errors
