"""Scans waiting for registration ("bản quét chờ vào sổ").

A clerk uploads one or many scans before registering them. Each scan is stored (the original is kept as it is)
and queued for OCR like any attachment; when the text is there, :func:`prefill` reads the first page with
:func:`vpdt.digitize.prefill.extract_for` and gives the registration form its initial values and a confidence per
field. Nothing is registered unseen: the clerk confirms the form, and :func:`claim` (called by
``incoming.services.register_document`` inside its transaction) attaches the scan to the new document, once.

A waiting scan is a :class:`Digitization` whose owner is ``digitize.scan`` with no id. Its agency's clerks see it
(:mod:`vpdt.digitize.policies`). A discarded scan keeps its file and its journal; it leaves the waiting list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from vpdt.core.authz import permitted, scope_of
from vpdt.core.params import int_param
from vpdt.directory.models import Role
from vpdt.journal import services as journal
from vpdt.search.text import fold
from vpdt.storage import services as storage
from vpdt.storage import uploads

from . import services
from .models import Digitization, Status

log = logging.getLogger(__name__)

WAITING = "digitize.scan"
DISCARDED = "digitize.scan-discarded"
LOW = 0.6  # below this confidence a prefilled field is highlighted for the clerk
MAX_FILES = 50
SCAN_MIMES = ("application/pdf", "image/png", "image/jpeg", "image/tiff")
BROWSER_IMAGES = ("image/png", "image/jpeg")


def require_clerk(actor):
    scope = scope_of(actor)
    if not (actor.agency_id and scope.has_role(Role.CLERK)):
        raise PermissionDenied("Chỉ văn thư của cơ quan được đưa bản quét vào để vào sổ.")
    return scope


def waiting(user):
    """Scans of the user's agency still waiting for registration (the digitization policy's ``scans`` predicate:
    only the agency's clerks see them, whatever files they may read otherwise)."""
    return (
        permitted(Digitization, user, "scans")
        .filter(owner_type=WAITING)
        .select_related("file", "requested_by")
        .defer("layers")
        .order_by("-id")
    )


def get_waiting(user, pk) -> Digitization | None:
    pk = int_param(pk)
    return waiting(user).filter(pk=pk).first() if pk else None


def shown_file(scan: Digitization):
    """The file shown beside the registration form: a PNG/JPEG original as it is, else the searchable PDF copy
    when there is one (a TIFF, a PDF), else the original."""
    return scan.file if scan.file.content_type in BROWSER_IMAGES or scan.archive_id is None else scan.archive


def upload(actor, files) -> list[Digitization]:
    """Store each scan and queue it for OCR (one future document per file). All files are checked (size, type
    sniffed from the content, malware) before anything is written; a failure leaves nothing behind."""
    require_clerk(actor)
    files = list(files)
    if not files:
        raise ValidationError({"files": "Hãy chọn ít nhất một tệp bản quét (PDF hoặc ảnh PNG, JPEG, TIFF)."})
    if len(files) > MAX_FILES:
        raise ValidationError({"files": f"Mỗi lần chỉ đưa vào tối đa {MAX_FILES} bản quét."})
    checked = [uploads.check(f) for f in files]
    for item in checked:
        if item.mime not in SCAN_MIMES:
            raise ValidationError(
                {"files": f"Tệp “{item.name}” không phải bản quét: chỉ nhận PDF hoặc ảnh PNG, JPEG, TIFF."},
                code="bad_type",
            )
    saved, items = [], []
    try:
        with transaction.atomic():
            for item in checked:
                stored = storage.store(
                    item.file, item.name, folder="scans", content_type=item.mime, agency=actor.agency, actor=actor
                )
                saved.append(stored.name)
                scan = services.enqueue(stored, actor=actor, owner_type=WAITING)
                journal.record(
                    "digitize.scan.upload",
                    actor=actor,
                    obj=scan,
                    agency=actor.agency_id,
                    details={"file": stored.pk, "name": stored.original_name, "sha256": stored.sha256},
                )
                items.append(scan)
    except Exception:
        from django.core.files.storage import default_storage

        for name in saved:
            default_storage.delete(name)
        raise
    return items


def discard(actor, scan: Digitization, reason: str = "") -> Digitization:
    """Take a scan off the waiting list (uploaded by mistake, a duplicate). The file and journal stay."""
    require_clerk(actor)
    with transaction.atomic():
        locked = waiting(actor).select_for_update(of=("self",)).filter(pk=scan.pk).first()
        if locked is None:
            raise ValidationError("Bản quét không còn trong danh sách chờ vào sổ.")
        locked.owner_type = DISCARDED
        locked.save(update_fields=["owner_type"])
        journal.record(
            "digitize.scan.discard",
            actor=actor,
            obj=locked,
            agency=locked.file.agency_id,
            details={"file": locked.file_id, "name": locked.file.original_name, "reason": reason[:300]},
        )
    return locked


def claim(actor, agency, scan_ids, document) -> list:
    """Inside the registration transaction: lock the waiting scans, check they are the agency's and still
    waiting (two clerks cannot register the same scan), and hand them to ``document``. Returns their files."""
    ids = {int_param(i) for i in scan_ids}
    if None in ids or 0 in ids:
        raise ValidationError({"scan": "Mã bản quét không hợp lệ."}, code="scan_gone")
    ids = sorted(ids)
    if not ids:
        return []
    scans = list(waiting(actor).select_for_update(of=("self",)).filter(pk__in=ids))
    if len(scans) != len(ids) or any(s.file.agency_id != agency.pk for s in scans):
        raise ValidationError({"scan": "Bản quét đã được vào sổ, đã bị bỏ hoặc không thuộc cơ quan."}, code="scan_gone")
    for scan in scans:
        scan.owner_type, scan.owner_id = document._meta.label_lower, document.pk
        scan.save(update_fields=["owner_type", "owner_id"])
        journal.record(
            "digitize.scan.register",
            actor=actor,
            obj=scan,
            agency=agency.pk,
            details={"file": scan.file_id, "document": document.pk},
        )
    return [s.file for s in scans]


# ---------------------------------------------------------------- prefill

FORM_FIELDS = (
    "issuer_name",
    "issuer_code",
    "code_number",
    "code_notation",
    "issued_date",
    "doc_type",
    "subject",
    "signer_name",
    "signer_position",
    "to_places",
)


@dataclass
class Suggestion:
    """What the registration form gets from a scan: initial values, and per form field its confidence."""

    initial: dict = field(default_factory=dict)
    confidence: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)  # form field -> why it must be checked (Vietnamese)
    authority: str = ""
    place: str = ""

    @property
    def low(self) -> list[str]:
        return [name for name in FORM_FIELDS if self.confidence.get(name, 0.0) < LOW]

    @property
    def read(self) -> bool:
        """Did the scan give anything at all (else the clerk types everything, and is told so)."""
        return any(self.initial.get(name) for name in FORM_FIELDS)


def prefill(scan: Digitization) -> Suggestion:
    """Initial values for the registration form, from the scan's text (empty when the scan has none)."""
    from vpdt.catalog.models import DocumentType

    from .prefill import extract_for

    out = Suggestion()
    if scan.pages:
        out.initial["page_amount"] = scan.pages
    if scan.status not in (Status.DONE, Status.SKIPPED) or not scan.text.strip():
        return out
    found = extract_for(scan.text, doubts=scan.doubts or ())
    for name in FORM_FIELDS:
        if name in ("doc_type", "to_places"):
            continue
        f = getattr(found, name)
        if f.value not in (None, ""):
            out.initial[name] = f.value
            out.confidence[name] = round(float(f.confidence), 2)
            if f.note:
                out.notes[name] = f.note
    if found.recipients.value:
        out.initial["to_places"] = "; ".join(found.recipients.value)[:1000]
        out.confidence["to_places"] = round(float(found.recipients.confidence), 2)
        if found.recipients.note:
            out.notes["to_places"] = found.recipients.note
    if found.doc_type.value:
        wanted = " ".join(fold(found.doc_type.value).split())
        match = next(
            (
                t
                for t in DocumentType.objects.filter(is_active=True).only("pk", "name")
                if " ".join(fold(t.name).split()) == wanted
            ),
            None,
        )
        if match is not None:
            out.initial["doc_type"] = match.pk
            out.confidence["doc_type"] = round(float(found.doc_type.confidence), 2)
    out.authority = found.authority.value or ""
    out.place = found.place.value or ""
    return out
