"""Dates as Vietnamese screens write them, in Vietnam time: ``{{ value|dmy }}`` (07/12/2026), ``{{ value|hm_dmy }}``
(14:30 07/12/2026) and ``{{ value|dmy_hm }}`` (07/12/2026 14:30). Available in every template (``builtins``).

They give what ``|date:"d/m/Y"`` and the like give, without parsing a format string for each value: a list page
writes a hundred dates."""

from datetime import date, datetime

from django import template

register = template.Library()


def _formatted(value, pattern: str) -> str:
    if not isinstance(value, date):  # None, "" (a field left empty)
        return ""
    if not isinstance(value, datetime):
        pattern = pattern.replace(" %H:%M", "").replace("%H:%M ", "")
    return value.strftime(pattern)


@register.filter(expects_localtime=True, is_safe=False)
def dmy(value) -> str:
    return _formatted(value, "%d/%m/%Y")


@register.filter(expects_localtime=True, is_safe=False)
def hm_dmy(value) -> str:
    return _formatted(value, "%H:%M %d/%m/%Y")


@register.filter(expects_localtime=True, is_safe=False)
def dmy_hm(value) -> str:
    return _formatted(value, "%d/%m/%Y %H:%M")
