"""Dates as Vietnamese screens write them, in Vietnam time: ``{{ value|dmy }}`` (07/12/2026), ``{{ value|hm_dmy }}``
(14:30 07/12/2026) and ``{{ value|dmy_hm }}`` (07/12/2026 14:30); long text cut to a length: ``{{ text|clip:120 }}``.
Available in every template (``builtins``).

They give what ``|date:"d/m/Y"`` and ``|truncatechars`` give, without parsing a format string or walking the text
character by character for each value: a list page writes a hundred dates and subjects."""

import re
from datetime import date, datetime

from django import template
from django.utils.text import Truncator

from vpdt.core.pdf import fmt_date, fmt_datetime

register = template.Library()


@register.filter(is_safe=False)
def dmy(value) -> str:
    return fmt_date(value) if isinstance(value, date) else ""  # "" for None, "" (a field left empty)


@register.filter(is_safe=False)
def hm_dmy(value) -> str:
    if not isinstance(value, datetime):
        return dmy(value)  # a day has no time
    return fmt_datetime(value)


@register.filter(is_safe=False)
def dmy_hm(value) -> str:
    if not isinstance(value, datetime):
        return dmy(value)
    time, day = fmt_datetime(value).split(" ")
    return f"{day} {time}"


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@register.filter(is_safe=True)
def clip(value, length) -> str:
    """``value`` cut to ``length`` characters, "…" included, as ``truncatechars`` cuts it."""
    text = str(value)
    try:
        length = int(length)
    except (TypeError, ValueError):
        return text
    if length <= 0:
        return ""
    if len(text) <= length:
        return text
    head = text[: max(length - 1, 0)]
    if _COMBINING.search(text, 0, length + 1):  # combining marks take no width: Django counts them so
        return Truncator(text).chars(length)
    return head + "…"
