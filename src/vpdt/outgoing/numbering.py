"""Số và ký hiệu of outgoing documents (ND30 Điều 15, Phụ lục III; SPEC §3.4).

* One series per agency and year, from 01 on 1 January; numbers below 10 carry a leading zero.
* Legal normative (QPPL) documents have their own series per type; copies (sao y, trích sao, sao lục) and,
  where an agency reserves numbers for them, secret documents have their own series too.
* The symbol is the type abbreviation and the agency abbreviation (``QĐ-UBND``); a công văn has no type
  abbreviation and uses the agency and the drafting unit (``BNV-VP``); a QPPL adds the year
  (``44/2017/QĐ-UBND``). The abbreviations come from the configurable :class:`catalog.DocumentType` table.

The number itself comes from :func:`vpdt.core.services.next_value` (a counter row locked until the issuing
transaction ends), and a unique constraint on (agency, year, series, number) backs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from vpdt.catalog.models import Secrecy

GENERAL = "chung"
COPIES = "sao"
SECRET = "mat"


def series_of(document) -> str:
    if document.secrecy and document.secrecy != Secrecy.NONE:
        return SECRET
    if document.doc_type.is_copy:
        return COPIES
    if document.is_legal_normative:
        return f"qppl:{document.doc_type.abbreviation or document.doc_type_id}"
    return GENERAL


def counter_key(agency_id: int, year: int, series: str) -> str:
    return f"outgoing:{agency_id}:{year}:{series}"


def format_number(number: int) -> str:
    return f"{number:02d}"


def notation(document, year: int) -> str:
    """The ký hiệu after the slash: ``QĐ-UBND``, ``SXD-KHTC``, ``2017/QĐ-UBND``."""
    agency = document.agency.short_name
    abbreviation = document.doc_type.abbreviation
    if not abbreviation:  # công văn: agency and drafting unit
        unit = document.unit.short_name if document.unit_id else ""
        return f"{agency}-{unit}" if unit else agency
    symbol = f"{abbreviation}-{agency}"
    if document.is_legal_normative:
        return f"{year}/{symbol}"
    return symbol


@dataclass(frozen=True)
class Assigned:
    series: str
    number: int
    code_number: str
    code_notation: str

    @property
    def number_symbol(self) -> str:
        return f"{self.code_number}/{self.code_notation}"


def assign(document, year: int) -> Assigned:
    """Take the next number of the document's series. Call inside the issuing transaction."""
    from vpdt.core.services import next_value

    series = series_of(document)
    number = next_value(counter_key(document.agency_id, year, series))
    return Assigned(
        series=series, number=number, code_number=format_number(number), code_notation=notation(document, year)
    )
