"""Control characters out of text, at every boundary where text comes in (forms, API bodies, file names, exchange
packages) and where it goes out (spreadsheets, PDF, XML).

A control character pasted into a subject (ESC, BEL, a form feed from a scanner's OCR) means nothing to a reader,
and XML 1.0, which XLSX and every exchange format are made of, refuses it: one such subject would break a whole
register export. Kept: tab, line feed and carriage return. Removed: the other C0 controls (NUL included), DEL, the
C1 controls and lone UTF-16 surrogates (which no encoder can write).
"""

from __future__ import annotations

import re
import unicodedata

from django.http import QueryDict

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` without control characters (see the module docstring); other text unchanged."""
    return _CONTROL.sub("", value)


def clean_value(value):
    """A copy of parsed data (dicts, lists, strings, anything else as it is) with every string cleaned, the keys of
    dicts included. Iterative: deeply nested JSON cannot exhaust the stack here."""
    if isinstance(value, str):
        return clean_text(value)
    if not isinstance(value, (dict, list)):
        return value
    root = [value]
    stack = [(root, 0, value)]
    while stack:
        parent, key, item = stack.pop()
        if isinstance(item, dict):
            copy = {}
            for k, v in item.items():
                k = clean_text(k) if isinstance(k, str) else k
                copy[k] = v
                stack.append((copy, k, v))
        elif isinstance(item, list):
            copy = list(item)
            stack.extend((copy, i, v) for i, v in enumerate(item))
        elif isinstance(item, str):
            copy = clean_text(item)
        else:
            continue
        parent[key] = copy
    return root[0]


def clean_querydict(data: QueryDict) -> QueryDict:
    """A cleaned copy of a QueryDict (GET or POST), or the same object when there was nothing to clean."""
    if not any(
        _CONTROL.search(k) or any(_CONTROL.search(v) for v in values if isinstance(v, str))
        for k, values in data.lists()
    ):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(v) if isinstance(v, str) else v for v in values])
    cleaned._mutable = False
    return cleaned


def clean_files(files) -> None:
    """Uploaded files (a MultiValueDict) keep their content; their names lose control characters, in place."""
    for _key, uploads in files.lists():
        for uploaded in uploads:
            if uploaded.name and _CONTROL.search(uploaded.name):
                uploaded.name = clean_text(uploaded.name)


def ascii_slug(value: str) -> str:
    """ASCII letters and digits of ``value``, runs of anything else as one hyphen: “QĐ-UBND/Sở” → “QD-UBND-So”
    (Vietnamese letters lose their marks, đ becomes d; case kept)."""
    text = unicodedata.normalize("NFKD", (value or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
