"""Reading ids, page numbers and other whole numbers from query strings, paths and form fields, one way.

``str.isdigit()`` and ``int()`` are not enough: "²".isdigit() is true and ``int("²")`` raises (a 500), while
``int("١٢")`` and ``int("１２")`` read Arabic-Indic or full-width digits as 12 (another object than the one in the
address bar), and ``int("9" * 30)`` is a number no database column holds. Here a number is ASCII digits only,
without sign, within a 64-bit database integer.
"""

from __future__ import annotations

from django import forms

MAX_ID = 2**63 - 1  # the largest value a 64-bit database integer holds


def int_param(value, maximum: int = MAX_ID) -> int | None:
    """A non-negative whole number up to ``maximum`` from a query-string value (or an int), or None when it is
    not one. Surrounding spaces and tabs are allowed; signs, other digits and separators are not."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = value.strip(" \t") if isinstance(value, str) else ""
        if not (text.isascii() and text.isdigit()):
            return None
        number = int(text)
    return number if 0 <= number <= maximum else None


class IntegerField(forms.IntegerField):
    """A form's whole number in ASCII digits only (Django's IntegerField reads "٣" as 3)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and int_param(value.strip().lstrip("-")) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
