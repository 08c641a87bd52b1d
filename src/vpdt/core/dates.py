"""Dates typed by people or sent to the API: only ASCII digits, only a sane range (01/01/1945 to ten years from
today). Every form, serializer and query parameter that takes a date goes through this module.

Python's ``strptime`` and ``int`` read any Unicode digit ("３１/１２/２０２６" is a date to them), and a date such as
01/01/0001 or 31/12/9999 passes parsing but breaks later: time zone conversions overflow, exports and period
filters fail. Refused here with a clear Vietnamese message instead.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers

from .params import int_param

EARLIEST = dt.date(1945, 1, 1)
YEARS_AHEAD = 10
INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def latest() -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def range_message() -> str:
    return f"Ngày phải trong khoảng từ {EARLIEST:%d/%m/%Y} đến {latest():%d/%m/%Y}."


def in_range(day: dt.date) -> bool:
    return EARLIEST <= day <= latest()


def year_param(value) -> int | None:
    """A year from a query string (ASCII digits, see ``int_param``) within the accepted range, or None."""
    year = int_param(value)
    return year if year is not None and EARLIEST.year <= year <= latest().year else None


def validate_date(value) -> None:
    """Validator: a date (or a moment, by its date in Vietnam time) within the sane range."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if value is not None and not in_range(value):
        raise ValidationError(range_message(), code="date_range")


class DateInputError(ValueError):
    """A date that cannot be accepted; ``str(error)`` is the message for the user, ``code`` is "invalid" (not a
    date written dd/mm/yyyy or yyyy-mm-dd in ASCII digits) or "date_range"."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def parse_date(text, formats=INPUT_FORMATS) -> dt.date | None:
    """A date from a query string or any other raw text; None when blank."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isascii():
        for fmt in formats:
            try:
                day = dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            if not in_range(day):
                raise DateInputError(f"Ngày “{text[:20]}” không dùng được. {range_message()}", "date_range")
            return day
    raise DateInputError(f"Ngày “{text[:20]}” không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.", "invalid")


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first and the last moment of a day in Vietnam time."""
    return (
        timezone.make_aware(dt.datetime.combine(day, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(day, dt.time.max)),
    )


def _refuse_non_ascii(value, fail) -> None:
    if isinstance(value, str) and not value.isascii():
        fail()


class DateField(forms.DateField):
    """A form date: dd/mm/yyyy (or yyyy-mm-dd), ASCII digits, within the sane range."""

    default_validators = [validate_date]

    def __init__(self, *, input_formats=INPUT_FORMATS, **kwargs):
        super().__init__(input_formats=input_formats, **kwargs)

    def to_python(self, value):
        def fail():
            raise ValidationError(self.error_messages["invalid"], code="invalid")

        _refuse_non_ascii(value, fail)
        return super().to_python(value)


class ApiDateField(serializers.DateField):
    """An API date: dd/mm/yyyy or ISO 8601, ASCII digits, within the sane range."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "iso-8601"])
        kwargs.setdefault("validators", [validate_date])
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        _refuse_non_ascii(value, lambda: self.fail("invalid", format="dd/mm/yyyy, YYYY-MM-DD"))
        return super().to_internal_value(value)


class ApiDateTimeField(serializers.DateTimeField):
    """An API moment: ISO 8601 (or dd/mm/yyyy HH:MM), ASCII digits, its date within the sane range."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["iso-8601", "%d/%m/%Y %H:%M", "%d/%m/%Y"])
        kwargs.setdefault("validators", [validate_date])
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        _refuse_non_ascii(value, lambda: self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM|Z]"))
        return super().to_internal_value(value)
