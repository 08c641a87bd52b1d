"""Printable registers and forms for incoming documents (SPEC §2.5, §8; ND30 Phụ lục IV).

* Sổ đăng ký văn bản đến (PDF, A4 landscape; XLSX)
* Sổ theo dõi giải quyết văn bản đến (PDF, A4 landscape; XLSX)
* Phiếu giải quyết văn bản đến (PDF, A4 portrait)

The functions are pure: they take documents (a queryset, already filtered with
:func:`vpdt.core.authz.visible` and by period, or an iterable of documents) and return bytes.
A queryset is loaded with a fixed number of queries whatever the number of rows.
Dates are shown dd/mm/yyyy in the Vietnam time zone (settings.TIME_ZONE). The PDF embeds the
bundled DejaVu Serif font (full Vietnamese coverage, TCVN 6909:2001 Unicode).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from vpdt.core.pdf import (  # noqa: F401
    FONT,
    FONT_BOLD,
    FONT_DIR,
    FONT_ITALIC,
    fmt_date,
    fmt_datetime,
    register_fonts,
)
from vpdt.core.pdf import build as _build
from vpdt.core.pdf import local_date as _local_date
from vpdt.core.pdf import numbered_canvas as _numbered_canvas  # noqa: F401
from vpdt.core.pdf import para as _p
from vpdt.core.pdf import styles as _styles
from vpdt.core.registers import footer_label as _footer_label
from vpdt.core.registers import period_text  # noqa: F401  (re-exported)
from vpdt.core.registers import register_table as _register_table
from vpdt.core.registers import register_xlsx as _xlsx
from vpdt.core.registers import title_block as _title_block

from .models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    DocStatus,
    IncomingDocument,
    NoteKind,
    ProcessingNote,
)

REGISTER_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
FOLLOWUP_TITLE = "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"
SLIP_TITLE = "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN"

REGISTER_COLUMNS = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
# Widths in points for A4 landscape with 28pt margins (total 786).
REGISTER_WIDTHS = [58, 40, 100, 78, 58, 184, 110, 58, 50, 50]
# Widths in characters for the spreadsheet.
REGISTER_XLSX_WIDTHS = [12, 8, 28, 18, 12, 50, 30, 12, 12, 20]

FOLLOWUP_COLUMNS = [
    "Số đến",
    "Tên loại, số, ký hiệu, ngày tháng văn bản, cơ quan ban hành",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
]
FOLLOWUP_WIDTHS = [40, 200, 120, 62, 196, 96, 72]
FOLLOWUP_XLSX_WIDTHS = [8, 50, 30, 12, 45, 22, 20]

CLOSED_WITHOUT_RESULT = (AssignmentStatus.RETURNED, AssignmentStatus.REASSIGNED)


# ---------------------------------------------------------------------------------------------- data


def optimize(documents):
    """Load everything the exports show with a fixed number of queries, ordered by year and số đến."""
    if not isinstance(documents, QuerySet):
        docs = list(documents)
        return sorted(docs, key=lambda d: (d.year, d.arrival_number, d.pk or 0))
    assignment_qs = (
        Assignment.objects.select_related("unit", "user", "assigned_by")
        .prefetch_related(
            Prefetch("notes", queryset=ProcessingNote.objects.select_related("author").order_by("created_at", "id"))
        )
        .order_by("created_at", "id")
    )
    qs = documents.select_related("doc_type", "register", "agency", "directed_by", "leader").prefetch_related(
        Prefetch("assignments", queryset=assignment_qs), "replies"
    )
    return qs.order_by("year", "arrival_number", "id")


def _addressee(assignment) -> str:
    if assignment.unit_id:
        return assignment.unit.name
    if assignment.user_id:
        return assignment.user.full_name or assignment.user.get_username()
    return ""


def _current_top(document) -> list:
    """The leader's addressees; after a return and a new direction the superseded ones stay as history only."""
    top = [a for a in document.assignments.all() if a.parent_id is None]
    return [a for a in top if a.status not in CLOSED_WITHOUT_RESULT] or top


def recipients(document) -> str:
    """Column "Đơn vị hoặc người nhận": the leader's lead and cooperating handlers."""
    parts = []
    top = _current_top(document)
    for role, suffix in ((AssignmentRole.LEAD, "chủ trì"), (AssignmentRole.COOPERATE, "phối hợp")):
        for assignment in top:
            if assignment.role == role:
                parts.append(f"{_addressee(assignment)} ({suffix})")
    return "; ".join(parts)


def handover_date(document) -> dt.date | None:
    """Column "Ngày chuyển": when the document was directed, else when it was submitted."""
    return _local_date(document.directed_at or document.submitted_at)


def _type_name(document) -> str:
    return document.doc_type.name


def type_and_subject(document) -> str:
    name = _type_name(document)
    return f"{name}: {document.subject}" if name else document.subject


def identity(document) -> str:
    """Tên loại, số, ký hiệu, ngày tháng văn bản, cơ quan ban hành, in one line."""
    text = _type_name(document)
    if document.number_symbol:
        text += f" số {document.number_symbol}"
    if document.issued_date:
        text += f" ngày {fmt_date(document.issued_date)}"
    if document.issuer_name:
        text += f" của {document.issuer_name}"
    return text.strip()


def latest_progress(document):
    notes = [
        n for a in document.assignments.all() for n in a.notes.all() if n.kind in (NoteKind.PROGRESS, NoteKind.RESULT)
    ]
    if not notes:
        return None
    return max(notes, key=lambda n: (n.created_at or timezone.now(), n.pk or 0))


def progress(document, today: dt.date | None = None) -> str:
    """Column "Tiến độ giải quyết": the status, overdue flag and the latest progress note."""
    text = document.get_status_display()
    today = today or timezone.localdate()
    if document.deadline and document.status != DocStatus.COMPLETED and document.deadline < today:
        text += f" (quá hạn {(today - document.deadline).days} ngày)"
    if document.status == DocStatus.COMPLETED and document.completed_at:
        text += f" ngày {fmt_date(document.completed_at)}"
    note = latest_progress(document)
    if note is not None:
        text += f". {fmt_date(note.created_at)}: {note.text}"
    return text


def replies(document) -> str:
    references = [r.outgoing_reference for r in document.replies.all()]
    shown = [ref for ref in references if ref]
    if len(shown) < len(references):
        shown.append("Đang dự thảo văn bản trả lời")
    return "; ".join(shown)


def register_rows(documents) -> list[list]:
    """Values of the incoming register, one list per document (dates as ``date``)."""
    return [
        [
            _local_date(d.arrival_date),
            d.arrival_number,
            d.issuer_name,
            d.number_symbol,
            d.issued_date,
            type_and_subject(d),
            recipients(d),
            handover_date(d),
            "",
            d.description,
        ]
        for d in optimize(documents)
    ]


def followup_rows(documents, today: dt.date | None = None) -> list[list]:
    today = today or timezone.localdate()
    return [
        [
            d.arrival_number,
            identity(d),
            recipients(d),
            d.deadline,
            progress(d, today),
            replies(d),
            d.description,
        ]
        for d in optimize(documents)
    ]


# ---------------------------------------------------------------------------------------------- PDF


def incoming_register_pdf(documents, *, agency, register, date_from=None, date_to=None) -> bytes:
    """Sổ đăng ký văn bản đến, A4 landscape, ordered by số đến."""
    from reportlab.lib.pagesizes import A4, landscape

    styles = _styles()
    rows = register_rows(documents)
    story = _title_block(
        REGISTER_TITLE, agency=agency, register=register, date_from=date_from, date_to=date_to, styles=styles
    )
    story.append(_register_table(REGISTER_COLUMNS, REGISTER_WIDTHS, rows, styles, centered={0, 1, 4, 7}))
    return _build(
        story,
        pagesize=landscape(A4),
        title=REGISTER_TITLE,
        footer=_footer_label(REGISTER_TITLE, register, date_from, date_to),
    )


def followup_register_pdf(documents, *, agency, register, date_from=None, date_to=None) -> bytes:
    """Sổ theo dõi giải quyết văn bản đến, A4 landscape, ordered by số đến."""
    from reportlab.lib.pagesizes import A4, landscape

    styles = _styles()
    rows = followup_rows(documents)
    story = _title_block(
        FOLLOWUP_TITLE, agency=agency, register=register, date_from=date_from, date_to=date_to, styles=styles
    )
    story.append(_register_table(FOLLOWUP_COLUMNS, FOLLOWUP_WIDTHS, rows, styles, centered={0, 3}))
    return _build(
        story,
        pagesize=landscape(A4),
        title=FOLLOWUP_TITLE,
        footer=_footer_label(FOLLOWUP_TITLE, register, date_from, date_to),
    )


# ---------------------------------------------------------------------------------------------- XLSX


def incoming_register_xlsx(documents, *, agency, register, date_from=None, date_to=None) -> bytes:
    """Sổ đăng ký văn bản đến as a spreadsheet: title rows 1–3, header row 4, column numbers row 5, data from 6."""
    return _xlsx(
        REGISTER_TITLE,
        REGISTER_COLUMNS,
        REGISTER_XLSX_WIDTHS,
        register_rows(documents),
        agency=agency,
        register=register,
        date_from=date_from,
        date_to=date_to,
        date_columns={0, 4, 7},
        sheet_title="Sổ đăng ký VB đến",
    )


def followup_register_xlsx(documents, *, agency, register, date_from=None, date_to=None) -> bytes:
    """Sổ theo dõi giải quyết văn bản đến as a spreadsheet (same layout as the register)."""
    return _xlsx(
        FOLLOWUP_TITLE,
        FOLLOWUP_COLUMNS,
        FOLLOWUP_XLSX_WIDTHS,
        followup_rows(documents),
        agency=agency,
        register=register,
        date_from=date_from,
        date_to=date_to,
        date_columns={3},
        sheet_title="Sổ theo dõi giải quyết",
    )


XLSX_HEADER_ROW = 4
XLSX_FIRST_DATA_ROW = 6


# ---------------------------------------------------------------------------------------------- slip


def _person(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.get_username()


# Section 3 of the slip: what the handlers recorded (a proposal as written, progress and the result named).
HANDLER_NOTES = {NoteKind.PROPOSAL: "", NoteKind.PROGRESS: "Tiến độ: ", NoteKind.RESULT: "Kết quả: "}


def slip_content(document) -> dict:
    """What the phiếu giải quyết shows, as text: identity rows and the three opinion sections.

    Each section is a list of ``(text, signature)`` pairs; ``signature`` is "who - when" or "" (section 3: the
    handler's name and the day, dd/mm/yyyy).
    """
    urgency = document.get_urgency_display()
    identity_rows = [
        ("Số đến", f"{document.arrival_number}/{document.year}"),
        ("Ngày đến", fmt_datetime(document.arrival_date)),
        ("Sổ đăng ký", document.register.name if document.register_id else ""),
        ("Tác giả (cơ quan ban hành)", document.issuer_name),
        ("Tên loại", _type_name(document)),
        ("Số, ký hiệu", document.number_symbol),
        ("Ngày tháng văn bản", fmt_date(document.issued_date)),
        ("Trích yếu nội dung", document.subject),
        ("Độ khẩn", urgency),
    ]
    assignments = list(document.assignments.all())
    top = _current_top(document)
    children = [a for a in assignments if a.parent_id is not None]

    leader = []
    if document.direction:
        who = f"{_person(document.directed_by)} - {fmt_datetime(document.directed_at)}".strip(" -")
        leader.append((document.direction, who))
        if document.deadline:
            leader.append((f"Thời hạn giải quyết: {fmt_date(document.deadline)}", ""))
        for role in (AssignmentRole.LEAD, AssignmentRole.COOPERATE, AssignmentRole.INFORM):
            names = [
                _addressee(a) + (f" (hạn {fmt_date(a.deadline)})" if a.deadline else "") for a in top if a.role == role
            ]
            if names:
                leader.append((f"{AssignmentRole(role).label}: {'; '.join(names)}", ""))

    unit = []
    for a in children:
        line = f"Giao {_addressee(a)} ({a.get_role_display().lower()})"
        if a.deadline:
            line += f", hạn {fmt_date(a.deadline)}"
        if a.opinion:
            line += f": {a.opinion}"
        unit.append((line, f"{_person(a.assigned_by)} - {fmt_datetime(a.created_at)}".strip(" -")))

    notes = sorted(
        (n for a in assignments for n in a.notes.all() if n.kind in HANDLER_NOTES),
        key=lambda n: (n.created_at or timezone.now(), n.pk or 0),
    )
    proposal = [
        (HANDLER_NOTES[n.kind] + n.text, f"{_person(n.author)} - {fmt_date(n.created_at)}".strip(" -")) for n in notes
    ]
    return {
        "agency": document.agency.name if document.agency_id else "",
        "identity": identity_rows,
        "sections": [
            ("1. Ý kiến của lãnh đạo:", leader, 3),
            ("2. Ý kiến của lãnh đạo đơn vị:", unit, 3),
            ("3. Ý kiến đề xuất của người giải quyết:", proposal, 4),
        ],
    }


def processing_slip_pdf(document) -> bytes:
    """Phiếu giải quyết văn bản đến (ND30 Phụ lục IV), A4 portrait, with dotted lines left for handwriting."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    if isinstance(document, IncomingDocument) and document.pk:
        document = optimize(IncomingDocument.objects.filter(pk=document.pk)).get()
    content = slip_content(document)
    styles = _styles()
    body, label, small = styles["body"], styles["label"], styles["small"]
    blank = "." * 130

    story = [_p(content["agency"].upper(), styles["agency"]), _p(SLIP_TITLE, styles["title"]), Spacer(1, 4 * mm)]
    width = A4[0] - 2 * 20 * mm
    table = Table(
        [[_p(k, styles["cell"]), _p(v, body)] for k, v in content["identity"]], colWidths=[50 * mm, width - 50 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    for heading, entries, blank_lines in content["sections"]:
        story.append(_p(heading, label))
        for text, signature in entries:
            story.append(_p(text, body))
            if signature:
                story.append(_p(signature, small))
        if not entries:
            story.extend(_p(blank, body) for _ in range(blank_lines))
    story.append(Spacer(1, 6 * mm))
    story.append(_p(f"In ngày {fmt_date(timezone.now())}", small))
    return _build(
        story,
        pagesize=A4,
        title=SLIP_TITLE,
        footer=f"{SLIP_TITLE} - Số đến {document.arrival_number}/{document.year}",
        margins=20 * mm,
    )
