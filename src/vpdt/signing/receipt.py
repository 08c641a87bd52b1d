"""Verification of received PDFs: at registration of uploaded files, on electronic delivery
from another agency of the deployment, and later for the edXML exchange, through one entry point.

* Every PDF gets a :class:`Verification` (``signing.services.verify_file``, journaled "signing.verify").
  Files that are not PDFs get no row: the screens say "Không phải tệp PDF" without storing anything.
* A *failure* is a signed PDF whose signatures do not all verify (``signing.services.fails``). Unsigned PDFs
  (paper scans) are not failures; they are shown as "Không có chữ ký số".
* The agency's policy (``policy_for(agency).on_failure``) decides: "flag" registers and warns, "refuse" stops
  the registration (uploads) or the reception (deliveries) with the file name and the reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from vpdt.core.authz import scope_of, visible
from vpdt.core.viewer import Badge
from vpdt.journal import services as journal
from vpdt.storage import access

from . import services as signing
from .models import OnFailure, Verdict, Verification

log = logging.getLogger(__name__)

OK, FLAG, REFUSE = "ok", "flag", "refuse"
BADGES = {
    Verdict.VALID: "text-bg-success",
    Verdict.INVALID: "text-bg-danger",
    Verdict.ERROR: "text-bg-danger",
    Verdict.UNSIGNED: "text-bg-secondary",
    Verdict.NOT_PDF: "text-bg-light",
}


# ---------------------------------------------------------------------------------------------- verifying


def pdfs(files) -> list:
    return [f for f in files if f is not None and signing.is_pdf(f)]


def verify_received(files, *, agency, actor=None) -> list[Verification]:
    """Verify every PDF among ``files`` (StoredFile) now; one journaled Verification each."""
    return [signing.verify_file(f, actor=actor, agency=agency) for f in pdfs(files)]


def latest_for(files) -> dict[int, Verification]:
    """The newest Verification of each file, in one query."""
    ids = [f.pk for f in files if f is not None]
    if not ids:
        return {}
    newest = Verification.objects.filter(file_id__in=ids).values("file_id").annotate(m=Max("id")).values("m")
    return {v.file_id: v for v in Verification.objects.filter(id__in=newest).select_related("file")}


def ensure_verified(files, *, agency=None, actor=None) -> dict[int, Verification]:
    """The newest Verification of each PDF, verifying now the ones never checked (a delivery whose background
    check has not run yet, a file added after delivery)."""
    files = pdfs(files)
    latest = latest_for(files)
    for stored in files:
        if stored.pk not in latest:
            latest[stored.pk] = signing.verify_file(stored, actor=actor, agency=agency)
    return latest


def reverify(actor, stored, *, agency=None) -> Verification:
    """ "Kiểm tra lại": the trust roots may have changed since the last check."""
    if not signing.is_pdf(stored):
        raise ValidationError("Tệp không phải PDF nên không có chữ ký số để kiểm tra.", code="not_pdf")
    return signing.verify_file(stored, actor=actor, agency=agency or getattr(actor, "agency", None))


# ---------------------------------------------------------------------------------------------- policy


def _why(verifications) -> str:
    return "; ".join(f"tệp “{v.file.original_name}”: {v.summary}" for v in verifications)


def decision(agency, verifications) -> tuple[str, str]:
    """("ok" | "flag" | "refuse", message in Vietnamese) for the receiving ``agency``."""
    failed = [v for v in verifications if signing.fails(v)]
    if not failed:
        return OK, ""
    if signing.policy_for(agency).on_failure == OnFailure.REFUSE:
        return REFUSE, f"Chữ ký số không hợp lệ: {_why(failed)}"[:1000]
    return FLAG, f"Cảnh báo: chữ ký số không hợp lệ — {_why(failed)}"[:1000]


def refusal_reason(verifications) -> str:
    """The reason prefilled in "Từ chối tiếp nhận" for a delivery that fails verification."""
    failed = [v for v in verifications if signing.fails(v)]
    return f"Chữ ký số không hợp lệ: {_why(failed)}"[:1000] if failed else ""


def _journal_refusal(actor, agency, message, files):
    journal.record(
        "signing.receipt.refuse",
        actor=actor,
        agency=agency,
        object_type="storage.storedfile",
        object_repr=", ".join(files)[:200],
        details={"files": files, "reason": message[:500]},
    )


def check_uploads(actor, agency, uploads) -> None:
    """Before anything is written: under "refuse", an uploaded PDF whose signatures fail stops the registration
    (journaled "signing.receipt.refuse"). ``uploads`` are storage.uploads.CheckedUpload."""
    uploads = [u for u in uploads if u.mime == "application/pdf"]
    if not uploads or signing.policy_for(agency).on_failure != OnFailure.REFUSE:
        return
    for upload in uploads:
        upload.file.seek(0)
        data = upload.file.read()
        upload.file.seek(0)
        report = signing.verify_bytes(data)
        if report.verdict in (Verdict.INVALID, Verdict.ERROR):
            message = (
                f"Không vào sổ được: chữ ký số của tệp “{upload.name}” không hợp lệ — {report.summary} "
                "Cơ quan đã đặt chính sách từ chối tiếp nhận văn bản có chữ ký số không hợp lệ."
            )
            with transaction.atomic():
                _journal_refusal(actor, agency, message, [upload.name])
            raise ValidationError({"files": message[:1500]}, code="signature_refused")


def on_registered(actor, document, *, uploaded=(), delivered=()) -> tuple[str, str]:
    """Inside the registration transaction: verify the uploaded PDFs, take the delivered files' latest result
    (verifying them if never checked), apply the policy. "refuse" raises (the transaction rolls back);
    "flag" is journaled on the document."""
    agency = document.agency
    results = verify_received(uploaded, agency=agency, actor=actor)
    results += list(ensure_verified(delivered, agency=agency, actor=actor).values())
    verdict, message = decision(agency, results)
    if verdict == REFUSE:
        raise ValidationError({"files": message}, code="signature_refused")
    if verdict == FLAG:
        journal.record(
            "signing.receipt.flag",
            actor=actor,
            obj=document,
            agency=agency,
            details={"files": [v.file.original_name for v in results if signing.fails(v)], "reason": message[:500]},
        )
    return verdict, message


def check_delivery(actor, agency, files) -> list[Verification]:
    """Before a delivered document is received: under "refuse", failing signatures block the reception
    (journaled "signing.receipt.refuse")."""
    results = list(ensure_verified(files, agency=agency, actor=actor).values())
    verdict, message = decision(agency, results)
    if verdict == REFUSE:
        with transaction.atomic():
            _journal_refusal(actor, agency, message, [v.file.original_name for v in results if signing.fails(v)])
        raise ValidationError(f"{message} Chỉ có thể từ chối tiếp nhận văn bản này.", code="signature_refused")
    return results


# ---------------------------------------------------------------------------------------------- display


@dataclass
class SignatureView:
    signer: str
    organization: str
    signed_at: dt.datetime | None
    ok: bool
    problems: list[str]
    sentence: str
    timestamped: bool = False


@dataclass
class Result:
    """What ``signing/verification/_result.html`` renders for one stored file."""

    file: object
    verification: Verification | None
    is_pdf: bool
    signatures: list[SignatureView] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if not self.is_pdf:
            return Verdict.NOT_PDF
        return self.verification.verdict if self.verification else ""

    @property
    def label(self) -> str:
        if not self.verdict:
            return "Chưa kiểm tra chữ ký số"
        return Verdict(self.verdict).label

    @property
    def badge(self) -> str:
        return BADGES.get(self.verdict, "text-bg-light")

    @property
    def fails(self) -> bool:
        return signing.fails(self.verification)

    @property
    def summary(self) -> str:
        if not self.is_pdf:
            return "Không phải tệp PDF, không có chữ ký số để kiểm tra."
        return self.verification.summary if self.verification else ""


def badge(result: Result | None) -> Badge | None:
    """The viewer's badge of a file from its stored result (nothing is verified here)."""
    return Badge(verdict=result.verdict, title=result.summary) if result is not None else None


def _when(iso):
    if not iso:
        return None
    try:
        return dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None


def present(stored, verification: Verification | None) -> Result:
    sigs = [
        SignatureView(
            signer=s.get("signer", ""),
            organization=s.get("organization", ""),
            signed_at=_when(s.get("signed_at")),
            ok=bool(s.get("ok")),
            problems=list(s.get("problems") or []),
            sentence=s.get("sentence", ""),
            timestamped=bool(s.get("timestamped")),
        )
        for s in (verification.signatures if verification else [])
    ]
    return Result(file=stored, verification=verification, is_pdf=signing.is_pdf(stored), signatures=sigs)


def results_for(files, *, verify_missing: bool = False, agency=None, actor=None) -> dict[int, Result]:
    """file id → Result for display; with ``verify_missing`` PDFs never checked are verified now."""
    files = [f for f in files if f is not None]
    latest = ensure_verified(files, agency=agency, actor=actor) if verify_missing else latest_for(files)
    return {f.pk: present(f, latest.get(f.pk)) for f in files}


def warning_for(results) -> str:
    """The visible warning of a document with failing files ("" when none)."""
    failed = [r for r in results if r.fails]
    if not failed:
        return ""
    return "Cảnh báo: chữ ký số không hợp lệ — " + "; ".join(
        f"tệp “{r.file.original_name}”: {r.summary}" for r in failed
    )


def for_deliveries(agency, files_by_document: dict, *, actor=None) -> dict[int, dict]:
    """For the recipient clerk's waiting list: per document id, the files' results, and when the agency refuses
    failing documents, the blocking message and the prefilled refusal reason. Files never checked are verified
    now. A constant number of queries for the page."""
    every = [f for files in files_by_document.values() for f in files]
    results = results_for(every, verify_missing=True, agency=agency, actor=actor)
    refusing = None
    out = {}
    for doc_id, files in files_by_document.items():
        shown = [results[f.pk] for f in files if f.pk in results]
        failed = [r.verification for r in shown if r.fails]
        blocked = reason = ""
        if failed:
            if refusing is None:
                refusing = signing.policy_for(agency).on_failure == OnFailure.REFUSE
            if refusing:
                blocked = (
                    decision(agency, failed)[1] + " Cơ quan đã đặt chính sách từ chối tiếp nhận văn bản có "
                    "chữ ký số không hợp lệ: chỉ có thể từ chối."
                )
                reason = refusal_reason(failed)
        warning = (
            ""
            if blocked or not failed
            else (
                f"Cảnh báo: chữ ký số của {len(failed)} tệp không hợp lệ (xem kết quả kiểm tra từng tệp). Vẫn có thể "
                "tiếp nhận; văn bản đến sẽ mang cảnh báo này."
            )
        )
        out[doc_id] = {"results": shown, "blocked": blocked, "refuse_reason": reason, "warning": warning}
    return out


# ---------------------------------------------------------------------------------------------- who sees what


def visible_files(user, field_name: str = "file_id") -> Q:
    """Predicate on ``field_name`` (a StoredFile id): files of the incoming and outgoing documents ``user`` may
    see. One SQL predicate, no per-row check (:func:`vpdt.storage.access.readable`)."""
    return access.readable(scope_of(user), field_name)


def visible_verifications(user):
    return visible(Verification, user)


def visible_file(user, file_id):
    """The StoredFile ``file_id`` if ``user`` may see it, else None."""
    from vpdt.storage.models import StoredFile

    return StoredFile.objects.filter(visible_files(user, "pk"), pk=file_id).first()
