"""The official names of an issued document's files: built from its number, symbol and issue date.

The files that travel with an issued document (:func:`vpdt.outgoing.signatures.final_files`) are named at issue,
and again when the drafter attaches the final originals, before they are delivered: the recipients (inside the
deployment, and in the edXML packages sent through the exchange) see “123-UBND-VP_07-12-2026.pdf”, never the
draft's “du_thao_tra_loi_v2-ban-hanh.pdf”.

A name is ASCII (Vietnamese letters lose their marks, đ becomes d; any other run of characters one hyphen), the
extension is the file's own, and the names are unique within the document's issued files: the main file takes
the bare name, further main files ``_2``, ``_3``…, appendices ``_phu-luc-1``, ``_phu-luc-2``… in their order.
The same document and files always get the same names.
"""

from __future__ import annotations

import mimetypes
import re

from vpdt.core.text import ascii_slug

from .models import FileKind, OutgoingDocument

_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def official_stem(document: OutgoingDocument) -> str:
    """“123-UBND-VP_07-12-2026”: number, symbol and issue date (dd-mm-yyyy)."""
    head = "-".join(part for part in (ascii_slug(document.code_number), ascii_slug(document.code_notation)) if part)
    day = document.issued_date
    return f"{head or 'van-ban'}_{day:%d-%m-%Y}" if day else head or "van-ban"


def extension(stored) -> str:
    """The file's extension, lower case (“.pdf”), from its name or else its content type; "" when neither says."""
    found = _EXTENSION.search(stored.original_name or "")
    if found:
        return found.group(0).lower()
    return (mimetypes.guess_extension(stored.content_type or "") or "").lower()


def official_names(document: OutgoingDocument, rows) -> list[str]:
    """The official name of each of ``rows`` (the document's travelling file rows, in their order)."""
    stem = official_stem(document)
    names, used = [], set()
    mains = appendices = 0
    for row in rows:
        if row.kind == FileKind.APPENDIX:
            appendices += 1
            base = f"{stem}_phu-luc-{appendices}"
        else:
            mains += 1
            base = stem if mains == 1 else f"{stem}_{mains}"
        ext = extension(row.file)
        name, n = base + ext, 1
        while name.lower() in used:  # two appendices of one number cannot happen; kept unique whatever comes
            n += 1
            name = f"{base}-{n}{ext}"
        used.add(name.lower())
        names.append(name)
    return names


def name_issued(document: OutgoingDocument, rows) -> list[str]:
    """Give the travelling files ``rows`` their official names (the stored files' names); returns the names."""
    names = official_names(document, rows)
    for row, name in zip(rows, names, strict=True):
        if row.file.original_name != name:
            row.file.original_name = name
            row.file.save(update_fields=["original_name"])
    return names
