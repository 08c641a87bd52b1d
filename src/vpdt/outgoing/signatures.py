"""Digital signatures in the outgoing flow: the signer's signature at the final approval and the agency's
seal at issue. Called by :mod:`vpdt.outgoing.services` inside their transactions, so a failure (wrong passphrase,
no certificate, not a PDF) raises ``ValidationError`` and nothing is written.

Signed PDFs are never rewritten: every signature is a new stored file that starts with the bytes it signed.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import OuterRef, Q, Subquery

from vpdt.core.viewer import Badge
from vpdt.digitize import services as digitize
from vpdt.digitize import texts as digitized_texts
from vpdt.signing import receipt
from vpdt.signing import services as signing
from vpdt.signing.models import KeyStore, Verification
from vpdt.storage import services as storage

from . import filenames
from .models import FileKind, OutgoingDocument, OutgoingFile, Version

# Files produced by signing are stored under their own folder: that is how final_files() tells the sealed
# appendices from the unsigned ones they replace (the unsigned rows are kept).
SIGNED_FOLDER = "outgoing-signed"
PLACE = re.compile(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường)\s+(.+)$", re.IGNORECASE)


def is_signed_copy(stored) -> bool:
    return stored.name.startswith(SIGNED_FOLDER + "/")


def signable_file(document: OutgoingDocument) -> OutgoingFile | None:
    """The PDF the signer signs: the first PDF draft file of the latest version."""
    version = document.versions.order_by("-number").first()
    if version is None:
        return None
    rows = document.files.filter(version=version, kind=FileKind.DRAFT).select_related("file").order_by("id")
    return next((row for row in rows if signing.is_pdf(row.file)), None)


def signed_file(document: OutgoingDocument) -> OutgoingFile | None:
    """The signer's signed PDF (the newest one)."""
    return document.files.filter(kind=FileKind.SIGNED).select_related("file").order_by("-id").first()


def _pdf_name(name: str, suffix: str) -> str:
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    return f"{stem[:200]}{suffix}.pdf"


def _store(actor, document, data: bytes, name: str, kind: str, version=None) -> OutgoingFile:
    stored = storage.store(
        ContentFile(data),
        name,
        folder=SIGNED_FOLDER,
        content_type="application/pdf",
        agency=document.agency,
        actor=actor,
    )
    added = OutgoingFile.objects.create(document=document, version=version, kind=kind, file=stored, added_by=actor)
    digitize.enqueue_outgoing(actor, added)  # text for search (a signed PDF is only read, never modified)
    return added


def sign_at_approval(
    actor, document: OutgoingDocument, version, *, passphrase=None, signed_pdf: bytes | None = None
) -> OutgoingFile:
    """The final signer's signature: server-side with their own personal certificate (``passphrase``), or the
    bytes a client-side signer returned (``signed_pdf``, verified by the caller). Stored as the SIGNED file."""
    source = signable_file(document)
    if source is None:
        raise ValidationError(
            {"passphrase": "Dự thảo chưa có tệp PDF để ký số. Đính kèm bản PDF của dự thảo hoặc duyệt không ký số."},
            code="no_pdf",
        )
    if signed_pdf is not None:
        data = bytes(signed_pdf)
        if not data.startswith(b"%PDF"):
            raise ValidationError({"signed_pdf": "Tệp đã ký không phải PDF."}, code="not_pdf")
    else:
        pdf = storage.read_stored(source.file)
        data = signing.sign_as_signer(actor, pdf, passphrase=passphrase, agency=document.agency, obj=document).data
    return _store(
        actor, document, data, _pdf_name(source.file.original_name, "-da-ky"), FileKind.SIGNED, version=version
    )


def place_of(agency) -> str:
    """The place name written before the date (ND30 Phụ lục I): the province, district or commune of the agency,
    from its own name or the nearest ancestor's."""
    step = type(agency).steplen
    prefixes = [agency.path[:i] for i in range(step, len(agency.path), step)]
    chain = [agency, *type(agency).objects.filter(path__in=prefixes).order_by("-depth")]
    for item in chain:
        match = PLACE.search(item.name or "")
        if match:
            return match.group(1).strip()
    return (chain[-1].name or "").strip()


def date_text(agency, day) -> str:
    """ "Nghệ An, ngày 05 tháng 02 năm 2026": a leading zero for days below 10 and for months 1 and 2 (ND30)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place_of(agency)}, ngày {day.day:02d} tháng {month} năm {day.year}"


def require_both_problem(document: OutgoingDocument, *, passphrase, has_signed: bool, electronic: bool) -> str:
    """Why the agency's policy refuses this issue, or ""."""
    if not signing.policy_for(document.agency).require_both:
        return ""
    if not (passphrase or electronic):
        return ""
    if not has_signed:
        return (
            "Cơ quan yêu cầu văn bản điện tử có đủ chữ ký số của người ký và của cơ quan: văn bản này chưa được "
            "người ký ký số khi duyệt nên không phát hành điện tử được."
        )
    if not passphrase:
        return (
            "Cơ quan yêu cầu văn bản điện tử có đủ chữ ký số của người ký và của cơ quan: chọn “Ký số cơ quan và "
            "đóng dấu” và nhập mật khẩu chứng thư số cơ quan."
        )
    return ""


def seal_at_issue(actor, document: OutgoingDocument, *, passphrase: str) -> dict:
    """Number and date stamped, agency seal added (a new FINAL file); every PDF appendix signed invisibly with the
    line (a new APPENDIX file each). Returns details for the journal."""
    signed = signed_file(document)
    source = signed or signable_file(document)
    if source is None:
        raise ValidationError({"passphrase": "Văn bản chưa có tệp PDF để ký số cơ quan."}, code="no_pdf")
    pdf = storage.read_stored(source.file)
    if document.doc_type.is_copy:
        # An electronic copy (sao y, sao lục, trích sao): invisible agency signature and the top-right line with
        # the copy's number and the signing time (ND30 Phụ lục I); the copied original keeps its own signatures.
        result = signing.seal_attachment(
            actor,
            pdf,
            agency=document.agency,
            passphrase=passphrase,
            number_symbol=document.number_symbol,
            obj=document,
        )
    else:
        result = signing.seal(
            actor,
            pdf,
            agency=document.agency,
            passphrase=passphrase,
            number_text=f"Số: {document.number_symbol}",
            date_text=date_text(document.agency, document.issued_date),
            obj=document,
        )
    final = _store(
        actor,
        document,
        result.data,
        _pdf_name(source.file.original_name.replace("-da-ky", ""), "-ban-hanh"),
        FileKind.FINAL,
    )
    appendices = []
    for row in document.files.filter(kind=FileKind.APPENDIX).select_related("file").order_by("id"):
        if is_signed_copy(row.file) or not signing.is_pdf(row.file):
            continue
        sealed = signing.seal_attachment(
            actor,
            storage.read_stored(row.file),
            agency=document.agency,
            passphrase=passphrase,
            number_symbol=document.number_symbol,
            obj=document,
        )
        appendices.append(
            _store(actor, document, sealed.data, row.file.original_name, FileKind.APPENDIX, version=row.version)
        )
    return {
        "sealed": True,
        "signed_by_signer": signed is not None,
        "sha256": final.file.sha256,
        "appendices": [a.file.sha256 for a in appendices],
    }


def final_rows(rows) -> list:
    """Of a document's FINAL and APPENDIX rows (in id order), those that travel: when the agency sealed the
    document, the sealed FINAL replaces the unsigned originals and sealed appendices replace the unsigned PDFs."""
    rows = list(rows)
    sealed_final = any(r.kind == FileKind.FINAL and is_signed_copy(r.file) for r in rows)
    sealed_appendix = any(r.kind == FileKind.APPENDIX and is_signed_copy(r.file) for r in rows)
    kept = []
    for row in rows:
        if row.kind == FileKind.FINAL and sealed_final and not is_signed_copy(row.file):
            continue
        if (
            row.kind == FileKind.APPENDIX
            and sealed_appendix
            and not is_signed_copy(row.file)
            and signing.is_pdf(row.file)
        ):
            continue
        kept.append(row)
    return sorted(kept, key=lambda r: (r.kind != FileKind.FINAL, r.pk))


def travelling(rows) -> list:
    """What travels with an issued document, from its FINAL/APPENDIX rows and its latest version's rows (id
    order): the final files (see :func:`final_rows`), else the latest version's files, where the signer's signed
    PDF stands in for the draft PDF it signed."""
    rows = list(rows)
    finals = final_rows(r for r in rows if r.kind in (FileKind.FINAL, FileKind.APPENDIX))
    if finals:
        return finals
    versioned = [r for r in rows if r.kind not in (FileKind.FINAL, FileKind.APPENDIX)]
    signed = [r for r in versioned if r.kind == FileKind.SIGNED]
    if not signed:
        return versioned
    replaced = next((r for r in versioned if r.kind == FileKind.DRAFT and signing.is_pdf(r.file)), None)
    return [r for r in versioned if r is not replaced and (r.kind != FileKind.SIGNED or r is signed[-1])]


def _travelling_rows(document: OutgoingDocument) -> list[OutgoingFile]:
    version = document.versions.order_by("-number").first()
    rows = document.files.filter(
        Q(kind__in=[FileKind.FINAL, FileKind.APPENDIX]) | Q(version=version)
        if version
        else Q(kind__in=[FileKind.FINAL, FileKind.APPENDIX])
    )
    return travelling(rows.exclude(kind=FileKind.RELATED).select_related("file").order_by("id"))


def travelling_by_document(documents) -> dict[int, list[OutgoingFile]]:
    """What would travel with each of ``documents`` if issued now (:func:`travelling`), in one query for all:
    the issuing queue shows each document's files."""
    latest = Version.objects.filter(document=OuterRef("document")).order_by("-number").values("id")[:1]
    rows = (
        OutgoingFile.objects.filter(document__in=[d.pk for d in documents])
        .filter(Q(kind__in=[FileKind.FINAL, FileKind.APPENDIX]) | Q(version=Subquery(latest)))
        .exclude(kind=FileKind.RELATED)
        .select_related("file")
        .order_by("id")
    )
    grouped: dict[int, list[OutgoingFile]] = {d.pk: [] for d in documents}
    for row in rows:
        grouped[row.document_id].append(row)
    return {pk: travelling(found) for pk, found in grouped.items()}


def final_files(document: OutgoingDocument):
    """The files that travel with the issued document: the final originals (the sealed ones when the agency
    signed), else the last version's files (the signer's signed PDF instead of the draft PDF)."""
    return [f.file for f in _travelling_rows(document)]


def name_travelling(document: OutgoingDocument) -> list[str]:
    """Give what travels with the issued document its official names (see :mod:`.filenames`); the names."""
    return filenames.name_issued(document, _travelling_rows(document))


def publish_files(document: OutgoingDocument) -> None:
    """Mark what travels now as the issued document's files: at issue, and again when the drafter attaches the
    final originals (which then replace the signed draft). Recipients that already registered keep what they
    received, as their own incoming copy's attachments."""
    ids = [row.pk for row in _travelling_rows(document)]
    document.files.filter(published=True).exclude(pk__in=ids).update(published=False)
    document.files.filter(pk__in=ids, published=False).update(published=True)
    digitized_texts.index_document_text("published", document.pk)


# ------------------------------------------------------------------------------------------ for the screens


def approval_signing(user, document: OutgoingDocument, *, final: bool) -> dict | None:
    """What the approve form offers the final signer: their certificate and the file that would be signed."""
    if not final:
        return None
    credential = signing.personal_credential(user, document.agency)
    source = signable_file(document) if credential else None
    external = bool(credential and credential.keystore == KeyStore.EXTERNAL)
    return {
        "credential": credential,
        "file": source,
        "external": external,
        "usable": bool(credential and source and not external),
    }


def issue_signing(document: OutgoingDocument) -> dict:
    """What the issue form offers the clerk: the agency certificate and the file that would be sealed."""
    credential = signing.agency_credential(document.agency)
    signed = signed_file(document)
    source = signed or signable_file(document)
    return {
        "credential": credential,
        "signed": signed,
        "file": source,
        "require_both": signing.policy_for(document.agency).require_both,
        "usable": bool(credential and source and credential.keystore != KeyStore.EXTERNAL),
    }


def mark_signed(rows) -> list:
    """Set ``is_signed`` and ``verification`` (the latest check, if any) on file rows for the detail page."""
    rows = list(rows)
    for row in rows:
        row.is_signed = row.kind == FileKind.SIGNED or is_signed_copy(row.file)
    signed_ids = {row.file_id for row in rows if row.is_signed}
    latest = {}
    for result in Verification.objects.filter(file_id__in=signed_ids).order_by("file_id", "-id"):
        latest.setdefault(result.file_id, result)  # one query for all rows, newest check per file
    for row in rows:
        row.verification = latest.get(row.file_id) if row.is_signed else None
    return rows


def badge(row) -> Badge:
    """The viewer's signature badge of a row marked by :func:`mark_signed`: its latest check, else what it is."""
    if row.verification is not None:
        return receipt.badge(receipt.present(row.file, row.verification))
    if not signing.is_pdf(row.file):
        return Badge("not_pdf", "Không phải tệp PDF, không có chữ ký số để kiểm tra.")
    if row.is_signed:
        return Badge("signed", "Tệp đã được ký số; chữ ký chưa được kiểm tra.")
    return Badge("draft", "Tệp chưa mang chữ ký số.")
