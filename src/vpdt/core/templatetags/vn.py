"""Dates as Vietnamese screens write them, in Vietnam time: ``{{ value|dmy }}`` (07/12/2026), ``{{ value|hm_dmy }}``
(14:30 07/12/2026) and ``{{ value|dmy_hm }}`` (07/12/2026 14:30). Available in every template (``builtins``).

They give what ``|date:"d/m/Y"`` and the like give, without parsing a format string for each value: a list page
writes a hundred dates."""

from datetime import date, datetime

from django import template

from vpdt.core.pdf import fmt_date, fmt_datetime

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def dmy(value) -> str:
    return fmt_date(value) if isinstance(value, date) else ""  # "" for None, "" (a field left empty)


@register.filter(expects_localtime=True, is_safe=False)
def hm_dmy(value) -> str:
    if not isinstance(value, datetime):
        return dmy(value)  # a day has no time
    return fmt_datetime(value)


@register.filter(expects_localtime=True, is_safe=False)
def dmy_hm(value) -> str:
    if not isinstance(value, datetime):
        return dmy(value)
    time, day = fmt_datetime(value).split(" ")
    return f"{day} {time}"
