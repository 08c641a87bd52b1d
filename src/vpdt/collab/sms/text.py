"""What an SMS may contain: Vietnamese written without diacritics (ASCII), within the length limit, to a
Vietnamese mobile number.

* **Folding.** Each letter loses its marks (Unicode NFD, combining marks dropped), đ/Đ become d/D, case is kept
  ("Văn bản đến" → "Van ban den"); typographic quotes and dashes become their ASCII forms; whitespace runs become
  one space; anything still outside printable ASCII becomes "?". A message of plain ASCII is one GSM 7-bit segment
  of up to 160 characters, where a single Vietnamese letter with marks would switch the whole message to UCS-2 and
  70 characters.
* **Length.** A message longer than the limit (``VPDT_SMS_MAX_LENGTH``, 160 by default) is cut, never split: one
  message per pending item, billed once and arriving whole. It is cut at the last space before
  ``limit - 3`` (unless that space lies more than 20 characters back, then at ``limit - 3``), trailing punctuation
  is dropped and "..." is appended, so the message is at most ``limit`` characters and the reader sees it was cut.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

ELLIPSIS = "..."
_WORD_BACK = 20
_PUNCT = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2026": "..."}
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """``text`` in printable ASCII: Vietnamese without diacritics, case kept."""
    out = []
    for char in unicodedata.normalize("NFC", text or ""):
        if char == "đ":
            out.append("d")
        elif char == "Đ":
            out.append("D")
        elif char in _PUNCT:
            out.append(_PUNCT[char])
        elif char.isascii():
            out.append(char)
        elif char.isspace():
            out.append(" ")
        else:
            base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
            out.append(base if base.isascii() and base.isprintable() else "?")
    folded = _SPACES.sub(" ", "".join(out)).strip()
    return "".join(c if c.isprintable() else "?" for c in folded)


def fit(text: str, limit: int) -> str:
    """``text`` folded and, when longer than ``limit``, cut with "..." (see the module's rule)."""
    folded = fold(text)
    if len(folded) <= limit:
        return folded
    room = max(limit - len(ELLIPSIS), 1)
    cut = folded[:room]
    space = cut.rfind(" ")
    if space > 0 and room - space <= _WORD_BACK and folded[room] != " ":
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


# --------------------------------------------------------------------------------------------- mobile numbers

# Vietnamese mobile numbers since the 2018 renumbering: 0 + 9 digits, networks 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"^0(?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$")
_SEPARATORS = re.compile(r"[\s.\-()]")
BAD_MOBILE = _(
    "Số điện thoại di động không hợp lệ: cần 10 chữ số của mạng di động Việt Nam (03x, 05x, 07x, 08x, 09x), "
    "ví dụ 0912 345 678 hoặc +84 912 345 678."
)


def mobile(raw: str) -> str | None:
    """The number as ``0xxxxxxxxx`` when ``raw`` is a Vietnamese mobile number (spaces, dots, dashes, a +84 or
    84 prefix accepted), else None."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.match(digits) else None


def international(number: str) -> str:
    """``0912345678`` → ``84912345678`` (what most gateways want)."""
    return "84" + number[1:] if number.startswith("0") else number


def masked(number: str) -> str:
    """``0912345678`` → ``0912***678`` for the log."""
    return number[:4] + "***" + number[-3:] if len(number) >= 8 else "***"
