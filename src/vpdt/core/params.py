"""Reading ids and numbers from query strings without surprises."""

MAX_ID = 2**63 - 1  # the largest value a 64-bit database integer holds


def int_param(value) -> int | None:
    """A non-negative whole number from a query-string value, or None when it is not one.

    ``str.isdigit()`` alone is not enough: it accepts "²" (which ``int()`` refuses) and any length
    (which the database refuses).
    """
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= MAX_ID else None
