"""Screens of client-side signing, under /ky-so/phien/: start a session for a draft at the signer's step, the session
page (local signing service through the browser, manual upload, remote service), the prepared PDF and the upload
of the signed one. Only the session's own user sees a session (404 for anyone else)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vpdt.core.authz import visible
from vpdt.storage.services import read_stored

from . import external
from .models import SessionPurpose, SessionStatus, SigningSession


def _messages(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def own_session(user, token) -> SigningSession:
    """The user's own session, or 404 (another person's session does not exist for them)."""
    return get_object_or_404(
        SigningSession.objects.select_related("prepared", "signed", "agency"), token=token, user=user
    )


@require_POST
@login_required
def start(request, document_id):
    purpose = external.purpose_of(SessionPurpose.APPROVAL)
    document = get_object_or_404(visible(purpose.model, request.user).select_related("agency"), pk=document_id)
    try:
        session = external.start(request.user, document)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _messages(exc))
        return redirect(purpose.url(document))
    return redirect("signing:session", token=session.token)


@login_required
def session_page(request, token):
    session = own_session(request.user, token)
    document = external.purpose_of(session.purpose).model.objects.filter(pk=int(session.object_id)).first()
    from . import services as signing

    verification = signing.latest_verification(session.signed) if session.signed_id else None
    pending = session.status == SessionStatus.PENDING
    overdue = pending and timezone.now() >= session.expires_at
    completed = session.status == SessionStatus.COMPLETED
    return render(
        request,
        "signing/session/detail.html",
        {
            "session": session,
            "document": document,
            "document_url": external.document_url(session),
            "pending": pending and not overdue,
            "overdue": overdue,
            "completed": completed,
            "status_tone": "success" if completed else "warning" if pending else "danger",
            "verification": verification,
            "local_signer_url": settings.VPDT_LOCAL_SIGNER_URL,
            "remote_enabled": external.remote_adapter() is not None,
            "max_bytes": external.MAX_GROWTH,
        },
    )


@login_required
def prepared_pdf(request, token):
    session = own_session(request.user, token)
    try:
        data = read_stored(session.prepared)
    except OSError:
        raise Http404("Tệp không còn trong kho lưu trữ.") from None
    from django.core.files.base import ContentFile

    return FileResponse(
        ContentFile(data),
        as_attachment=request.GET.get("xem") != "1",
        filename=f"chuan-bi-ky-{session.object_id}.pdf",
        content_type="application/pdf",
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer(request, session, error: str = ""):
    if _wants_json(request):
        if error:
            return JsonResponse({"ok": False, "error": error}, status=400)
        return JsonResponse({"ok": True, "redirect": reverse("signing:session", args=[session.token])})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Đã kiểm tra chữ ký số và duyệt dự thảo; văn thư sẽ cấp số, phát hành.")
    return redirect("signing:session", token=session.token)


def read_upload(upload, limit: int) -> bytes:
    """The uploaded signed PDF, refused when missing or far too big."""
    if upload is None:
        raise ValidationError("Chọn tệp PDF đã ký số để tải lên.", code="required")
    if upload.size is not None and upload.size > limit:
        raise ValidationError("Tệp tải lên quá lớn so với tài liệu đã chuẩn bị.", code="too_big")
    return upload.read()


@require_POST
@login_required
def complete(request, token):
    session = own_session(request.user, token)
    try:
        data = read_upload(request.FILES.get("signed_pdf"), session.prepared.size + external.MAX_GROWTH)
        session = external.complete(request.user, session, data)
    except (ValidationError, PermissionDenied) as exc:
        return _answer(request, session, _messages(exc))
    return _answer(request, session)


@require_POST
@login_required
def remote(request, token):
    session = own_session(request.user, token)
    adapter = external.remote_adapter()
    if adapter is None:
        raise Http404("Chưa cấu hình dịch vụ ký số từ xa.")
    try:
        session = external.sign_with(adapter, request.user, session)
    except (ValidationError, PermissionDenied) as exc:
        return _answer(request, session, _messages(exc))
    return _answer(request, session)
