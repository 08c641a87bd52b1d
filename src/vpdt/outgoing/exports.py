"""The printable outgoing register, sổ đăng ký văn bản đi (SPEC §3.7, §8; ND30 Phụ lục IV).

* PDF, A4 landscape, DejaVu Serif embedded (full Vietnamese coverage);
* XLSX (openpyxl): title rows 1–3, header row 4, column numbers row 5, data from row 6.

The functions are pure: they take issued documents (a queryset already filtered with
:func:`vpdt.core.authz.visible`, by agency and by period) and return bytes. A queryset is loaded with a fixed
number of queries whatever the number of rows; the long draft texts (``Version.text``) are never read.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from vpdt.core.pdf import build as _build
from vpdt.core.pdf import fmt_date
from vpdt.core.pdf import local_date as _local_date
from vpdt.core.pdf import styles as _styles
from vpdt.core.registers import period_text, register_table, register_xlsx, title_block

from .models import OutgoingDocument, OutStatus, Recipient, RecipientKind

REGISTER_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
REGISTER_COLUMNS = [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
# Widths in points for A4 landscape with 28pt margins (total 786).
REGISTER_WIDTHS = [72, 56, 180, 80, 120, 88, 38, 56, 44, 52]
REGISTER_XLSX_WIDTHS = [18, 12, 50, 24, 36, 26, 9, 12, 12, 24]
REGISTER_DATE_COLUMNS = {1, 7}
PUBLISHED = (OutStatus.ISSUED, OutStatus.RECALLED)

XLSX_HEADER_ROW = 4
XLSX_FIRST_DATA_ROW = 6

# Columns the register needs: never the draft texts, nor the review data.
REGISTER_FIELDS = (
    "id",
    "agency_id",
    "unit_id",
    "drafter_id",
    "doc_type_id",
    "signer_id",
    "subject",
    "to_places",
    "description",
    "authority",
    "signer_position",
    "status",
    "year",
    "series",
    "number",
    "code_number",
    "code_notation",
    "issued_date",
    "issued_at",
    "recalled_at",
    "recall_reason",
    "relation",
    "related_to_id",
)


def optimize(documents, order=("year", "number", "id")):
    """Load what the register shows with a fixed number of queries (3), ordered by year and number."""
    if not isinstance(documents, QuerySet):
        docs = list(documents)
        return sorted(docs, key=lambda d: (d.year or 0, d.number or 0, d.pk or 0))
    recipients = (
        Recipient.objects.select_related("agency", "unit", "user")
        .only(
            "document_id",
            "kind",
            "agency",
            "unit",
            "user",
            "name",
            "for_information",
            "agency__name",
            "unit__name",
            "user__full_name",
            "user__username",
        )
        .order_by("id")
    )
    return (
        documents.select_related("doc_type", "signer", "unit", "drafter", "related_to")
        .only(
            *REGISTER_FIELDS,
            "doc_type__name",
            "signer__full_name",
            "signer__username",
            "unit__name",
            "drafter__full_name",
            "drafter__username",
            "related_to__code_number",
            "related_to__code_notation",
        )
        .prefetch_related(Prefetch("recipients", queryset=recipients))
        .order_by(*order)
    )


def _person(user) -> str:
    return (user.full_name or user.get_username()) if user is not None else ""


def recipient_name(recipient) -> str:
    if recipient.kind == RecipientKind.AGENCY and recipient.agency_id:
        return recipient.agency.name
    if recipient.kind == RecipientKind.UNIT and recipient.unit_id:
        return recipient.unit.name
    if recipient.kind == RecipientKind.USER and recipient.user_id:
        return _person(recipient.user)
    return recipient.name


def places(document) -> str:
    """Column "Nơi nhận văn bản": the recipients recorded in the system, else the text on the document."""
    names = []
    for recipient in document.recipients.all():
        name = recipient_name(recipient)
        if name:
            names.append(f"{name} (để biết)" if recipient.for_information else name)
    return "; ".join(names) or (document.to_places or "")


def copies(document) -> int | None:
    """Column "Số lượng bản": one copy per recipient (the archive copy is in column 6)."""
    return len(document.recipients.all()) or None


def archive_holders(document) -> str:
    """Column "Đơn vị, người nhận bản lưu": the clerk's office (VT) and the drafting unit and person."""
    parts = ["Văn thư"]
    unit = document.unit if document.unit_id else None
    drafter = document.drafter if document.drafter_id else None
    if unit is not None:
        parts.append(unit.name + (f" ({_person(drafter)})" if drafter is not None else ""))
    elif drafter is not None:
        parts.append(_person(drafter))
    return "; ".join(parts)


def signer(document) -> str:
    """Column "Người ký": authority prefix, position and name (e.g. "KT. Giám đốc - Phó Giám đốc: ...")."""
    person = _person(document.signer) if document.signer_id else ""
    prefix = f"{document.authority}. " if document.authority else ""
    position = document.signer_position or ""
    label = f"{prefix}{position}".strip()
    if label and person:
        return f"{label}: {person}"
    return label or person


def type_and_subject(document) -> str:
    return f"{document.doc_type.name}: {document.subject}" if document.doc_type_id else document.subject


def note(document) -> str:
    """Column "Ghi chú": the note, replacement/correction and recall."""
    parts = [document.description] if document.description else []
    if document.related_to_id and document.relation:
        label = "Thay thế" if document.relation == "replaces" else "Đính chính"
        parts.append(f"{label} văn bản số {document.related_to.number_symbol}")
    if document.status == OutStatus.RECALLED:
        text = "Đã thu hồi"
        if document.recalled_at:
            text += f" ngày {fmt_date(document.recalled_at)}"
        if document.recall_reason:
            text += f": {document.recall_reason}"
        parts.append(text)
    return ". ".join(parts)


def register_rows(documents) -> list[list]:
    """Values of the outgoing register, one list per document (dates as ``date``)."""
    return [
        [
            d.number_symbol,
            d.issued_date,
            type_and_subject(d),
            signer(d),
            places(d),
            archive_holders(d),
            copies(d),
            _local_date(d.issued_at),
            "",
            note(d),
        ]
        for d in optimize(documents)
    ]


def outgoing_register_pdf(documents, *, agency, date_from=None, date_to=None) -> bytes:
    """Sổ đăng ký văn bản đi, A4 landscape, ordered by year and number."""
    from reportlab.lib.pagesizes import A4, landscape

    styles = _styles()
    rows = register_rows(documents)
    story = title_block(REGISTER_TITLE, agency=agency, register="", date_from=date_from, date_to=date_to, styles=styles)
    story.append(register_table(REGISTER_COLUMNS, REGISTER_WIDTHS, rows, styles, centered={0, 1, 6, 7}))
    footer = " - ".join(p for p in (REGISTER_TITLE, period_text(date_from, date_to)) if p)
    return _build(story, pagesize=landscape(A4), title=REGISTER_TITLE, footer=footer)


def outgoing_register_xlsx(documents, *, agency, date_from=None, date_to=None) -> bytes:
    return register_xlsx(
        REGISTER_TITLE,
        REGISTER_COLUMNS,
        REGISTER_XLSX_WIDTHS,
        register_rows(documents),
        agency=agency,
        register="",
        date_from=date_from,
        date_to=date_to,
        date_columns=REGISTER_DATE_COLUMNS,
        sheet_title="Sổ đăng ký VB đi",
    )


def in_period(qs, date_from: dt.date, date_to: dt.date):
    """Documents issued (ngày ban hành) between the two dates inclusive."""
    return qs.filter(issued_date__gte=date_from, issued_date__lte=date_to)


def register_queryset(qs, agency_id):
    """The agency's numbered documents (issued, and recalled ones keep their line) from ``qs``."""
    return qs.filter(agency_id=agency_id, status__in=PUBLISHED, number__isnull=False)


__all__ = [
    "REGISTER_COLUMNS",
    "REGISTER_TITLE",
    "XLSX_FIRST_DATA_ROW",
    "XLSX_HEADER_ROW",
    "OutgoingDocument",
    "in_period",
    "outgoing_register_pdf",
    "outgoing_register_xlsx",
    "register_queryset",
    "register_rows",
]
