"""Client-side signing: the server prepares the document, an external signer returns it signed,
the server verifies it before accepting.

* :func:`start` prepares the file of a document to sign for the person whose turn it is: the number and date
  fields and an EMPTY signature field (``pades.prepare_for_signer``), stored as the session's PDF. What a session
  is for (a :class:`Purpose`: approving an outgoing draft) is declared by the app that owns the document, in its
  ``AppConfig.ready()`` (:func:`register_purpose`), so signing never imports the document apps.
* The signer signs that field somewhere else: a local service on the leader's computer that talks to the USB
  token (the browser posts the PDF to it, see ``static/signing/local-signer.js``), a remote signing service
  (server side, through a :class:`SigningAdapter`), or any tool that saves the signed PDF to disk (upload).
* :func:`complete` accepts the answer only when it is an incremental update of the prepared bytes, carries one
  signature, in the prepared field, covering the whole file, intact, valid and trusted, made with one of the
  user's registered personal certificates. Then the purpose accepts the signed PDF (the draft is approved with
  it), in one transaction.

See docs/signing-services.md for the protocol of the signing services.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import logging
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from vpdt.core.fsm import Machine, Transition
from vpdt.journal import services as journal
from vpdt.storage.services import read_stored, store

from . import pades
from . import services as signing
from .keys import SigningError
from .models import Credential, CredentialKind, KeyStore, SessionPurpose, SessionStatus, SigningSession

log = logging.getLogger(__name__)

REASON = "Ký duyệt văn bản"
MAX_GROWTH = 20 * 1024 * 1024  # a signature revision adds kilobytes; anything far bigger is not one
NOT_PREPARED = "Tệp trả về không phải bản ký của tài liệu đã chuẩn bị"
EXPIRED = "Phiên ký số đã hết hạn. Hãy bắt đầu phiên ký mới."
SUPERSEDED = "Đã bắt đầu phiên ký mới."


def _signed_in_time(session: SigningSession, **_ctx) -> str | None:
    if timezone.now() >= session.expires_at:
        return EXPIRED
    if session.signed_id is None:
        return "Chưa có tệp đã ký số để hoàn tất phiên ký."
    return None


def _has_reason(session: SigningSession, **_ctx) -> str | None:
    return None if session.error else "Phải ghi lý do kết thúc phiên ký số."


ST = SessionStatus
# A session is pending until the signed file is accepted (completed), refused (failed), or it runs out of time or
# is replaced by a newer session of the same user for the same document (expired). Each step is journaled.
SESSION = Machine(
    "status",
    [
        Transition("complete", {ST.PENDING}, ST.COMPLETED, "Hoàn tất phiên ký số", guard=_signed_in_time),
        Transition("fail", {ST.PENDING}, ST.FAILED, "Từ chối tệp đã ký", guard=_has_reason),
        Transition("expire", {ST.PENDING}, ST.EXPIRED, "Kết thúc phiên ký số hết hạn", guard=_has_reason),
    ],
    action_prefix="signing.session",
    choices=ST,
)


# ---------------------------------------------------------------------------------------------- start


@dataclass(frozen=True)
class Purpose:
    """What a signing session is for, declared by the app that owns the signed documents."""

    model: type  # the documents' model
    check: Callable  # (actor, document): raises ValidationError/PermissionDenied unless it is the actor's turn
    source: Callable  # (document) -> the row (``file``, ``file_id``) of the file to sign; raises ValidationError
    accept: Callable  # (actor, document, signed bytes) -> the StoredFile kept as the signed file
    url: Callable  # (document) -> where the document is shown
    fallback_url: str  # the URL name to go back to when the document is gone


_purposes: dict[str, Purpose] = {}


def register_purpose(name: str, purpose: Purpose) -> None:
    _purposes[name] = purpose


def purpose_of(name: str) -> Purpose:
    found = _purposes.get(name)
    if found is None:
        raise ValidationError("Phiên ký số bằng thiết bị hiện chỉ dùng cho ký duyệt văn bản.", code="purpose")
    return found


def _object_type(purpose: Purpose) -> str:
    return purpose.model._meta.label_lower


def _credentials(actor):
    return Credential.objects.filter(
        kind=CredentialKind.PERSONAL, user=actor, is_active=True, not_after__gt=timezone.now()
    )


def start(actor, document, *, purpose: str = SessionPurpose.APPROVAL) -> SigningSession:
    """Prepare the document for the signer's own signing device; returns the pending session."""
    declared = purpose_of(purpose)
    declared.check(actor, document)
    credential = signing.personal_credential(actor, document.agency) or _credentials(actor).first()
    if credential is None:
        raise ValidationError(
            "Bạn chưa có chứng thư số cá nhân còn hiệu lực. Quản trị cơ quan cần đăng ký chứng "
            "thư số (USB token) cho bạn trước.",
            code="no_credential",
        )
    source = declared.source(document)
    look = signing.default_look(actor, document.agency)
    try:
        prepared, _ = pades.prepare_for_signer(read_stored(source.file), look)
    except SigningError as exc:
        raise ValidationError(str(exc), code="prepare") from None
    now = timezone.now()
    with transaction.atomic():
        stale = (
            SigningSession.objects.select_for_update()
            .filter(
                user=actor,
                object_type=_object_type(declared),
                object_id=str(document.pk),
                status=SessionStatus.PENDING,
            )
            .order_by("id")
        )
        for old in stale:
            _close(actor, old, "expire", SUPERSEDED, now=now)
        stored = store(
            ContentFile(prepared),
            f"chuan-bi-ky-{document.pk}.pdf",
            folder="signing",
            agency=document.agency,
            actor=actor,
            content_type="application/pdf",
        )
        session = SigningSession.objects.create(
            purpose=purpose,
            user=actor,
            agency=document.agency,
            object_type=_object_type(declared),
            object_id=str(document.pk),
            field_name=pades.SIGNER_FIELD,
            prepared=stored,
            expires_at=now + dt.timedelta(minutes=settings.VPDT_SIGNING_SESSION_MINUTES),
            params={
                "source_file": source.file_id,
                "source_sha256": source.file.sha256,
                "reason": REASON,
                "signer": look.name,
                "certificate": credential.fingerprint,
            },
        )
        journal.record(
            "signing.session.start",
            actor=actor,
            obj=session,
            agency=document.agency,
            details={
                "document": document.pk,
                "purpose": purpose,
                "field": session.field_name,
                "prepared_sha256": stored.sha256,
                "source_sha256": source.file.sha256,
                "expires_at": session.expires_at.isoformat(),
            },
        )
    return session


# ---------------------------------------------------------------------------------------------- complete


class Refused(Exception):
    """The returned PDF is not accepted; the message is for the user."""


def document_of(session: SigningSession):
    return purpose_of(session.purpose).model.objects.select_related("agency").get(pk=int(session.object_id))


def document_url(session: SigningSession) -> str:
    """Where the session's document is shown (the purpose's fallback page when the document is gone)."""
    declared = purpose_of(session.purpose)
    document = declared.model.objects.filter(pk=int(session.object_id)).first()
    return declared.url(document) if document is not None else reverse(declared.fallback_url)


def _embedded_signatures(data: bytes) -> list:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return list(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures)
    except Exception:  # any parse failure of a returned file is a refusal, not a crash
        raise Refused("Tệp trả về không đọc được như một tệp PDF có chữ ký số.") from None


def check_signed(session: SigningSession, prepared: bytes, data: bytes) -> Credential:
    """Everything :func:`complete` requires of the returned bytes; returns the matching credential."""
    if not data.startswith(prepared):
        raise Refused(NOT_PREPARED + " (tệp đã bị tạo lại, không phải phần ký nối thêm vào bản chuẩn bị).")
    if len(data) == len(prepared):
        raise Refused("Tệp trả về chưa có chữ ký số.")
    if len(data) - len(prepared) > MAX_GROWTH:
        raise Refused(NOT_PREPARED + " (phần thêm vào quá lớn).")
    embedded = _embedded_signatures(data)
    ours = [s for s in embedded if str(s.field_name or "") == session.field_name]
    if not ours:
        raise Refused(f"Tệp trả về không có chữ ký ở vị trí ký đã chuẩn bị ({session.field_name}).")
    if len(embedded) != len(_embedded_signatures(prepared)) + 1:  # signatures the source already had may stay
        raise Refused("Tệp trả về có chữ ký số ngoài vị trí ký đã chuẩn bị.")
    report = signing.verify_bytes(data)
    found = next((s for s in report.signatures if s.field == session.field_name), None)
    if found is None:
        raise Refused("Không kiểm tra được chữ ký số trong tệp trả về.")
    problems = list(found.problems)
    if not found.whole_file and not problems:
        problems.append("chữ ký không bao trùm toàn bộ tệp (có phần thêm vào sau khi ký)")
    if not (found.intact and found.valid and found.trusted) and not problems:
        problems.append("chữ ký không kiểm tra được")
    if problems:
        raise Refused("Chữ ký số không hợp lệ: " + "; ".join(problems) + ".")
    cert = ours[0].signer_cert
    fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    credential = _credentials(session.user).filter(fingerprint=fingerprint).first()
    if credential is None:
        raise Refused(
            f"Chữ ký số được tạo bằng chứng thư của “{found.signer or 'người khác'}”, không phải chứng "
            "thư số cá nhân đã đăng ký cho bạn."
        )
    return credential


def _close(actor, session: SigningSession, name: str, reason: str, *, now=None) -> None:
    """End a pending session as failed (``name="fail"``) or expired (``"expire"``), with the reason."""
    session.error = reason[:500]
    session.completed_at = now or timezone.now()
    SESSION.apply(
        session,
        name,
        actor=actor,
        extra_fields=["error", "completed_at"],
        details={"document": session.object_id, "reason": reason[:300]},
    )


def _lock_pending(actor, session: SigningSession) -> SigningSession:
    locked = SigningSession.objects.select_for_update().select_related("prepared", "user", "agency").get(pk=session.pk)
    if locked.user_id != actor.pk:
        raise PermissionDenied("Phiên ký số này không phải của bạn.")
    if locked.status != SessionStatus.PENDING:
        raise ValidationError(
            f"Phiên ký số đã kết thúc ({locked.get_status_display().lower()}). Hãy bắt đầu phiên ký mới nếu cần.",
            code="closed",
        )
    return locked


def complete(actor, session: SigningSession, signed_pdf: bytes) -> SigningSession:
    """Accept the signed PDF after checking it (see module doc) and approve the draft with it. A refusal closes
    the session as failed (kept, journaled) and raises ValidationError with the reason."""

    refusal = None
    with transaction.atomic():
        locked = _lock_pending(actor, session)
        if timezone.now() >= locked.expires_at:
            _close(actor, locked, "expire", EXPIRED)
            refusal = locked.error
        else:
            data = bytes(signed_pdf or b"")
            try:
                credential = check_signed(locked, read_stored(locked.prepared), data)
                declared = purpose_of(locked.purpose)
                document = document_of(locked)
                source = declared.source(document)
                if source.file_id != locked.params.get("source_file"):
                    raise Refused("Dự thảo đã thay đổi sau khi chuẩn bị ký. Hãy bắt đầu phiên ký mới.")
                with transaction.atomic():
                    stored = declared.accept(actor, document, data)
                    locked.signed = stored
                    locked.completed_at = timezone.now()
                    locked.error = ""
                    SESSION.apply(
                        locked,
                        "complete",
                        actor=actor,
                        extra_fields=["signed", "completed_at", "error"],
                        details={
                            "document": document.pk,
                            "field": locked.field_name,
                            "signed_sha256": stored.sha256,
                            "credential": credential.pk,
                            "serial": credential.serial,
                            "subject": credential.common_name,
                        },
                    )
                    signing.verify_file(stored, actor=actor, agency=locked.agency)  # kept for the document screens
            except Refused as exc:
                refusal = str(exc)
            except (ValidationError, PermissionDenied) as exc:
                refusal = "Không duyệt được dự thảo: " + " ".join(getattr(exc, "messages", None) or [str(exc)])
            if refusal:
                _close(actor, locked, "fail", refusal)
    if refusal:
        raise ValidationError(refusal, code="refused")
    return locked


# ---------------------------------------------------------------------------------------------- adapters


class SigningAdapter(Protocol):
    """Something that signs the prepared PDF's empty field and returns the whole signed PDF (incremental)."""

    def sign(self, prepared: bytes, *, field_name: str, session: SigningSession) -> bytes: ...


class HttpSigningAdapter:
    """A signing service speaking the JSON protocol of docs/signing-services.md: POST {"pdf", "field", "reason",
    "session", "signer", "certificate"} → {"signed_pdf"} (base64) or {"error"}."""

    def __init__(self, url: str, timeout: float = 60, headers: dict | None = None):
        self.url = url
        self.timeout = timeout
        self.headers = dict(headers or {})

    def request_body(self, prepared: bytes, field_name: str, session: SigningSession) -> dict:
        params = session.params or {}
        return {
            "pdf": base64.b64encode(prepared).decode("ascii"),
            "field": field_name,
            "reason": params.get("reason", REASON),
            "session": str(session.token),
            "signer": params.get("signer", ""),
            "certificate": params.get("certificate", ""),
        }

    def sign(self, prepared: bytes, *, field_name: str, session: SigningSession) -> bytes:
        body = json.dumps(self.request_body(prepared, field_name, session)).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json", **self.headers},
        )
        where = f"dịch vụ ký số ({self.url})"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = _error_text(exc.read())
            raise ValidationError(
                f"{where.capitalize()} báo lỗi (HTTP {exc.code})" + (f": {detail}" if detail else "") + ".",
                code="signer_error",
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise _timeout(where, self.timeout) from None
            if isinstance(exc.reason, ConnectionRefusedError):
                raise ValidationError(
                    f"Không kết nối được {where}: dịch vụ chưa chạy hoặc thiết bị ký số chưa được cắm vào máy.",
                    code="signer_unavailable",
                ) from None
            raise ValidationError(f"Không kết nối được {where}: {exc.reason}.", code="signer_unavailable") from None
        except TimeoutError:
            raise _timeout(where, self.timeout) from None
        except (ConnectionError, OSError) as exc:
            raise ValidationError(f"Mất kết nối với {where}: {exc}.", code="signer_unavailable") from None
        return _signed_from(raw, where)


def _timeout(where: str, timeout: float) -> ValidationError:
    return ValidationError(
        f"{where.capitalize()} không trả lời trong {timeout:g} giây (người ký chưa nhập mã PIN hoặc dịch vụ bị treo).",
        code="signer_timeout",
    )


def _error_text(raw: bytes) -> str:
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    return str(answer.get("error") or answer.get("message") or "")[:300] if isinstance(answer, dict) else ""


def _signed_from(raw: bytes, where: str) -> bytes:
    bad = ValidationError(
        f"{where.capitalize()} trả lời không đúng định dạng (cần JSON có trường “signed_pdf” mã hóa base64).",
        code="signer_bad_answer",
    )
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad from None
    if not isinstance(answer, dict):
        raise bad
    if answer.get("error"):
        raise ValidationError(f"{where.capitalize()} báo lỗi: {str(answer['error'])[:300]}.", code="signer_error")
    encoded = answer.get("signed_pdf")
    if not isinstance(encoded, str) or not encoded:
        raise bad
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise bad from None


def remote_adapter() -> HttpSigningAdapter | None:
    """The deployment's remote signing service, when ``VPDT_REMOTE_SIGNER_URL`` is set."""
    url = getattr(settings, "VPDT_REMOTE_SIGNER_URL", "")
    if not url:
        return None
    token = getattr(settings, "VPDT_REMOTE_SIGNER_TOKEN", "")
    return HttpSigningAdapter(
        url,
        timeout=getattr(settings, "VPDT_REMOTE_SIGNER_TIMEOUT", 120),
        headers={"Authorization": f"Bearer {token}"} if token else None,
    )


def sign_with(adapter: SigningAdapter, actor, session: SigningSession) -> SigningSession:
    """Server-side path: have the adapter sign the prepared PDF, then :func:`complete`. When the service cannot
    be reached the session stays pending (the user may retry or sign another way)."""
    if session.user_id != actor.pk:
        raise PermissionDenied("Phiên ký số này không phải của bạn.")
    if session.status != SessionStatus.PENDING:
        raise ValidationError("Phiên ký số đã kết thúc. Hãy bắt đầu phiên ký mới nếu cần.", code="closed")
    signed = adapter.sign(read_stored(session.prepared), field_name=session.field_name, session=session)
    return complete(actor, session, signed)


def can_start(actor, document) -> bool:
    """Whether the approve screen should offer "Ký bằng thiết bị (USB token)": the actor handles the final step and
    has a personal certificate whose key is on a device (or elsewhere outside the server)."""
    try:
        purpose_of(SessionPurpose.APPROVAL).check(actor, document)
    except (ValidationError, PermissionDenied):
        return False
    return _credentials(actor).filter(keystore=KeyStore.EXTERNAL).exists()


def pending_for(actor, document) -> SigningSession | None:
    return (
        SigningSession.objects.filter(
            user=actor,
            object_type=_object_type(purpose_of(SessionPurpose.APPROVAL)),
            object_id=str(document.pk),
            status=SessionStatus.PENDING,
            expires_at__gt=timezone.now(),
        )
        .order_by("-id")
        .first()
    )
