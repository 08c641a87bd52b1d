"""vpdt as a hub (trục liên thông): the API the connected systems call, authenticated by HMAC-SHA256 signed
requests (:mod:`vpdt.exchange.auth`), never by a person's session or token.

* ``POST send/``: a package or status message (the raw edXML as the body); it is read, stored once, and routed.
* ``GET pending/``: what waits for the calling system; ``GET messages/<id>/`` one of them (raw edXML);
  ``POST messages/<id>/confirm/``: the system has it.
* ``GET organizations/``: the directory (this deployment's agencies and the outside agencies it knows).

Answers are JSON with a Vietnamese ``detail`` when something is refused: 401 for an unknown or badly signed caller,
400 for a package that cannot be taken (with the reason), 404 for a message that is not the caller's.
"""

from __future__ import annotations

import hashlib
import tempfile

from django.http import FileResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from vpdt.core.params import int_param
from vpdt.directory.models import Agency
from vpdt.journal import services as journal
from vpdt.storage.services import open_stored

from . import auth, inbox
from .edxml.values import PackageError
from .models import Direction, ExternalAgency, Message, MessageState, Partner

CHUNK = 64 * 1024


class _Refused(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status


def _secret_of(system: str):
    partner = Partner.objects.filter(code=system, is_active=True).first()
    return None if partner is None else auth.open_secret(partner.secret)


def _spool(request, limit: int):
    """The request's body copied to a temporary file (never whole in memory), with its SHA-256."""
    body = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    digest, size = hashlib.sha256(), 0
    while chunk := request.read(CHUNK):
        size += len(chunk)
        if size > limit:
            body.close()
            raise _Refused(413, f"Gói tin lớn hơn giới hạn {limit // (1024 * 1024)} MB.")
        digest.update(chunk)
        body.write(chunk)
    body.seek(0)
    return body, digest.hexdigest()


def _caller(request, body_sha256: str) -> Partner:
    try:
        caller = auth.check_headers(request.headers, request.method, request.path, body_sha256, _secret_of)
    except auth.AuthError as err:
        journal.record("exchange.auth_refused", details={"reason": str(err), "path": request.path})
        raise _Refused(401, str(err)) from None
    partner = Partner.objects.get(code=caller.system)
    Partner.objects.filter(pk=partner.pk).update(last_contact_at=timezone.now())
    return partner


def _answer(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Refused as refused:
            return JsonResponse({"detail": str(refused)}, status=refused.status)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


@_answer
@require_POST
def send(request):
    limits = inbox._limits()
    body, digest = _spool(request, limits.package_bytes)
    with body:
        partner = _caller(request, digest)
        organ = (request.headers.get(auth.DEFAULT_HEADERS["organ"]) or "").strip()[:30]
        try:
            received = inbox.receive(body, partner=partner, organ=organ)
        except PackageError as err:
            raise _Refused(400, str(err)) from None
    first = received.messages[0] if received.messages else None
    return JsonResponse(
        {
            "id": first.pk if first else None,
            "ids": [m.pk for m in received.messages],
            "duplicate": received.duplicate,
        },
        status=200 if received.duplicate else 201,
    )


def _waiting(partner):
    return Message.objects.filter(
        direction=Direction.OUT, partner=partner, state__in=[MessageState.WAITING, MessageState.FETCHED]
    )


@_answer
@require_GET
def pending(request):
    partner = _caller(request, auth.body_hash(b""))
    rows = _waiting(partner).filter(state=MessageState.WAITING).order_by("id")[:200]
    return JsonResponse(
        {"results": [{"id": m.pk, "type": m.kind, "document_id": m.document_id, "organ": m.to_organ} for m in rows]}
    )


def _message(request, pk) -> tuple[Partner, Message]:
    partner = _caller(request, auth.body_hash(b""))
    message_id = int_param(str(pk))
    message = _waiting(partner).select_related("file").filter(pk=message_id).first() if message_id else None
    if message is None:
        raise _Refused(404, "Không có gói tin này cho hệ thống của bạn.")
    return partner, message


@_answer
@require_GET
def message(request, pk):
    _partner, found = _message(request, pk)
    return FileResponse(open_stored(found.file), content_type="application/xml")


@_answer
@require_POST
def confirm(request, pk):
    partner, found = _message(request, pk)
    if found.state == MessageState.WAITING:
        Message.objects.filter(pk=found.pk).update(state=MessageState.FETCHED, done_at=timezone.now())
        journal.record(
            "exchange.fetched", obj=found, details={"document_id": found.document_id, "partner": partner.code}
        )
    return JsonResponse({"id": found.pk, "state": MessageState.FETCHED})


@_answer
@require_GET
def organizations(request):
    _caller(request, auth.body_hash(b""))
    local = [
        {"organ_id": a.code, "name": a.name, "address": a.address, "email": a.email, "telephone": a.phone}
        for a in Agency.objects.filter(is_active=True).order_by("path")
    ]
    outside = [
        {"organ_id": a.organ_id, "name": a.name, "address": a.address, "email": a.email, "telephone": a.telephone}
        for a in ExternalAgency.objects.filter(is_active=True).order_by("organ_id")
    ]
    return JsonResponse({"results": local + outside})
