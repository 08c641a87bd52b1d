"""The clerk's screens of electronic documents, every route in one queue each (:mod:`.queries`):

* documents arrived for the agency — from an agency of this deployment or from another system: read them
  (metadata, files, their signatures, the package's XML signature), register one with one action (its metadata
  prefilled), or refuse it with a reason;
* recalls of registered documents: agree (the incoming document is withdrawn) or refuse with a reason;
* packages that could not be sent, to send again.

Thin: parse input, call the services (:mod:`.internal` for the deployment's agencies, :mod:`.arrivals` and
:mod:`.recalls` for other systems), render. Errors raised by services are shown in Vietnamese, never as a 500.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from vpdt.catalog.models import Urgency
from vpdt.core.authz import permitted
from vpdt.core.pagination import ROWS_PER_PAGE, SIZE_PARAM, KeysetPage, page_of, query_without_cursor
from vpdt.core.params import int_param
from vpdt.core.viewer import Badge, Viewer, ViewerFile, file_response
from vpdt.incoming import services as incoming
from vpdt.incoming.forms import agency_leaders
from vpdt.incoming.models import Register
from vpdt.outgoing.clerk_views import ReasonForm, ReceiveForm, _errors, _require_clerk
from vpdt.outgoing.models import OutgoingDocument, OutgoingFile
from vpdt.outgoing.signatures import travelling
from vpdt.signing import receipt

from . import arrivals, internal, outbox, queries, recalls
from .edxml.model import BUSINESS_LABELS
from .edxml.values import PackageError
from .lifecycle import delivery_actions
from .models import Message
from .queries import EXTERNAL, INTERNAL, RECALLS, WAITING

# Cards of a work queue, each with its own forms: a clerk works through them one by one.
CARDS_PER_PAGE = 20
# How a route reads in the addresses of the screens.
ROUTES = {"trong-he-thong": INTERNAL, "he-thong-khac": EXTERNAL}
SLUGS = {kind: slug for slug, kind in ROUTES.items()}
EXTERNAL_ACTIONS = frozenset({"receive", "refuse"})
EXTERNAL_RECALL_ACTIONS = frozenset({"confirm_recall", "refuse_recall"})


def _entry(request, queue: str, route: str, pk: int) -> queries.Entry:
    """A row of ``queue`` (files are read while the document waits)."""
    kind = ROUTES.get(route)
    found = queries.find(request.user, queue, kind, pk) if kind else None
    if found is None:
        raise Http404("Không có văn bản này trong danh sách của bạn.")
    return found


def _acted_on(request, route: str, pk: int) -> queries.Entry:
    """The row an action names: one the user sees (else not found), then only the clerks act, and the service says
    why it refuses (no longer waiting, another agency's)."""
    kind = ROUTES.get(route)
    found = queries.lookup(request.user, kind, pk) if kind else None
    if found is None:
        raise Http404("Không có văn bản này trong danh sách của bạn.")
    _require_clerk(request)
    return found


def _page(request, queue: str) -> KeysetPage:
    """The page the screen asks for (``?cursor=``, ``?so_dong=``), with the links to the other sizes."""
    offered = sorted({CARDS_PER_PAGE, *ROWS_PER_PAGE})
    wanted = int_param(request.GET.get(SIZE_PARAM))
    size = wanted if wanted in offered else CARDS_PER_PAGE
    try:
        page = queries.page(request.user, queue, request.GET.get("cursor"), size)
    except queries.BadCursor:
        page = queries.page(request.user, queue, None, size)
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop(SIZE_PARAM, None)
    base = query.urlencode()
    page.sizes = [(n, "&".join(part for part in (base, urlencode({SIZE_PARAM: n})) if part)) for n in offered]
    return page


def _published_files(document_ids) -> dict[int, list]:
    """The issued files of each delivered document, in one query for the whole page."""
    rows = defaultdict(list)
    for f in (
        OutgoingFile.objects.filter(document__in=document_ids, published=True)
        .select_related("file")
        .only(
            "id",
            "document_id",
            "kind",
            "file__id",
            "file__original_name",
            "file__name",
            "file__content_type",
            "file__size",
        )
        .order_by("id")
    ):
        rows[f.document_id].append(f)
    return {pk: [f.file for f in travelling(rows.get(pk, []))] for pk in document_ids}


def _internal_card(entry, files, signatures, actions) -> dict:
    recipient = entry.obj
    doc = recipient.document
    slug = SLUGS[INTERNAL]
    results = {r.file.pk: r for r in signatures.get("results", [])}
    return {
        "sender": doc.agency.name,
        "sender_code": doc.agency.code,
        "doc_type": doc.doc_type.name,
        "number": doc.number_symbol,
        "date": doc.issued_date,
        "subject": doc.subject,
        "signer": (f"{doc.authority}. " if doc.authority else "")
        + " ".join(p for p in (doc.signer_position, doc.signer.full_name if doc.signer else "") if p),
        "urgency": doc.get_urgency_display() if doc.urgency else "",
        "files": [
            {
                "name": f.original_name,
                "size": f.size,
                "url": reverse("exchange:arrival_file", args=[slug, recipient.pk, f.pk]),
                "content_type": f.content_type,
                "result": results.get(f.pk),
            }
            for f in files
        ],
        "sig": signatures,
        "actions": actions,
    }


def _external_card(entry) -> dict:
    message = entry.obj
    slug = SLUGS[EXTERNAL]
    return {
        "sender": message.sender_name,
        "sender_code": message.from_organ,
        "doc_type": "",
        "number": message.code,
        "date": message.promulgation_date,
        "subject": message.subject,
        "signer": "",
        "urgency": Urgency(message.urgency).label if message.urgency in Urgency.values and message.urgency else "",
        "files": [
            {
                "name": f.get("name", ""),
                "size": f.get("size", 0),
                "url": reverse("exchange:arrival_file", args=[slug, message.pk, index]),
                "content_type": f.get("content_type", ""),
            }
            for index, f in enumerate(message.files or [])
        ],
        "package_signature": message.signature_summary or "—",
        "business": BUSINESS_LABELS.get(message.business_type, "") if message.business_type else "",
        "sig": {},
        "actions": EXTERNAL_ACTIONS,
    }


def _cards(request, entries, *, duplicate=None, chosen=None) -> list[dict]:
    """One card per entry, whatever its route; the files and their signatures of the whole page at once."""
    internal_rows = [e for e in entries if e.internal]
    files = _published_files([e.obj.document_id for e in internal_rows]) if internal_rows else {}
    signatures = receipt.for_deliveries(request.user.agency, files, actor=request.user) if internal_rows else {}
    answering = {e.obj.outgoing_id for e in entries if not e.internal and e.obj.outgoing_id}
    answered = (
        {d.pk: d for d in OutgoingDocument.objects.filter(pk__in=answering).only("code_number", "code_notation")}
        if answering
        else {}
    )
    cards = []
    for entry in entries:
        if entry.internal:
            document_id = entry.obj.document_id
            card = _internal_card(
                entry,
                files.get(document_id, []),
                signatures.get(document_id, {}),
                delivery_actions(request.user, entry.obj),
            )
        else:
            card = _external_card(entry)
            card["answers"] = answered.get(entry.obj.outgoing_id)
        slug = SLUGS[entry.kind]
        card.update(
            entry=entry,
            anchor=f"den-{entry.key}",
            receive_url=reverse("exchange:register", args=[slug, entry.pk]),
            refuse_url=reverse("exchange:refuse", args=[slug, entry.pk]),
            duplicate=(duplicate or {}).get(entry.key),
            chosen=(chosen or {}).get(entry.key, {}),
        )
        cards.append(card)
    return cards


# A file of a package from another system has no check of its own: the package's signature is shown on its card.
UNCHECKED = Badge("", "Tệp trong gói tin từ hệ thống khác: xem chữ ký của gói tin trên thẻ văn bản.")


def _viewer(cards) -> Viewer:
    """One viewer for the page: the files of every card, shown one card at a time ("Xem văn bản" on a card)."""
    files = [
        ViewerFile(
            f["name"],
            f["url"],
            f.get("content_type", ""),
            badge=receipt.badge(f["result"]) if f.get("result") else UNCHECKED,
            group=card["anchor"],
        )
        for card in cards
        for f in card["files"]
    ]
    groups = [(card["anchor"], f"{card['number']} — {card['sender']}") for card in cards]
    return Viewer(files, groups=groups)


def _arrivals_context(request, scope, *, duplicate=None, chosen=None) -> dict:
    page = _page(request, WAITING)
    agency_id = scope.agency_id or (page.items[0].obj.agency_id if page.items else None)
    cards = _cards(request, page.items, duplicate=duplicate, chosen=chosen)
    return {
        "page": page,
        "cards": cards,
        "viewer": _viewer(cards),
        "query": query_without_cursor(request),
        "registers": list(
            Register.objects.filter(agency_id=agency_id, is_active=True)
            .order_by("-is_default", "id")
            .only("id", "name", "is_default")
        ),
        "leaders": list(agency_leaders(agency_id).only("id", "full_name")),
        "has_recalls": queries.exists(request.user, RECALLS),
    }


@login_required
@require_GET
def arrival_list(request):
    """Văn bản điện tử chờ tiếp nhận: from the agencies of this deployment and from other systems, newest first."""
    scope = _require_clerk(request)
    return render(request, "exchange/arrivals.html", _arrivals_context(request, scope))


def _external_file(request, message: Message, index: int):
    try:
        package = arrivals.read_package(message)
    except PackageError:
        raise Http404("Không đọc lại được gói tin.") from None
    if not 0 <= index < len(package.attachments):
        package.close()
        raise Http404("Gói tin không có tệp này.")
    chosen = package.attachments[index]
    for other in package.attachments:
        if other is not chosen:
            other.content.close()
    chosen.content.seek(0)
    return file_response(request, chosen.content, filename=chosen.name, content_type=chosen.content_type)


def _internal_file(request, recipient, file_pk: int):
    row = get_object_or_404(
        permitted(OutgoingFile, request.user, "delivered").select_related("file"),
        document_id=recipient.document_id,
        file__pk=file_pk,
    )
    stored = row.file
    try:
        handle = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("Tệp không còn trong kho lưu trữ.") from None
    return file_response(request, handle, filename=stored.original_name, content_type=stored.content_type)


@login_required
@require_GET
def arrival_file(request, route: str, pk: int, n: int):
    """A file of a waiting document: an issued file of a delivery (``n``: its stored file), or an attachment of a
    package read again (``n``: its place in the package)."""
    entry = _entry(request, WAITING, route, pk)
    return _internal_file(request, entry.obj, n) if entry.internal else _external_file(request, entry.obj, n)


def _describe(entry) -> tuple[str, str]:
    """The number and the sender of an entry, for the messages of the screen."""
    if entry.internal:
        return entry.obj.document.number_symbol, entry.obj.document.agency.name
    return entry.obj.code, entry.obj.sender_name


@login_required
@require_POST
def register(request, route: str, pk: int):
    """Tiếp nhận, vào sổ: one action for both routes, the metadata taken from the document or the package."""
    entry = _acted_on(request, route, pk)
    scope = _require_clerk(request)
    form = ReceiveForm(entry.obj.agency_id, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("exchange:arrivals")
    data = form.cleaned_data
    choice = {"register": data.get("register"), "leader": data.get("leader")}
    number, sender = _describe(entry)
    try:
        receive = internal.receive if entry.internal else arrivals.register
        registered = receive(
            request.user,
            entry.obj,
            confirm_duplicate=data.get("confirm_duplicate"),
            submit_now=not data.get("batch"),
            **choice,
        )
    except incoming.DuplicateWarning as exc:
        messages.warning(request, " ".join(exc.messages))
        chosen = {key: getattr(value, "pk", None) for key, value in choice.items()}
        chosen["batch"] = bool(data.get("batch"))
        context = _arrivals_context(
            request,
            scope,
            duplicate={entry.key: {"message": " ".join(exc.messages), "existing": exc.existing}},
            chosen={entry.key: chosen},
        )
        return render(request, "exchange/arrivals.html", context)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return redirect("exchange:arrivals")
    document = registered.document
    text = f"Đã tiếp nhận văn bản {number} của {sender}: vào sổ số đến {document.arrival_number}"
    if getattr(registered, "submitted", False):
        text += f", đã trình lãnh đạo {document.leader.full_name}"
    elif document.leader_id:
        text += f", sẽ trình lãnh đạo {document.leader.full_name} theo đợt trình trong ngày"
    messages.success(request, text + ".")
    return redirect(f"/van-ban-den/{document.pk}/")


@login_required
@require_POST
def refuse(request, route: str, pk: int):
    entry = _acted_on(request, route, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("exchange:arrivals")
    number, sender = _describe(entry)
    try:
        (internal.refuse if entry.internal else arrivals.refuse)(
            request.user, entry.obj, form.cleaned_data.get("reason", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"Đã từ chối tiếp nhận văn bản {number} của {sender}; cơ quan gửi được báo lý do.")
    return redirect("exchange:arrivals")


# ---------------------------------------------------------------------------------------------- recalls


def _recall_card(request, entry) -> dict:
    slug = SLUGS[entry.kind]
    if entry.internal:
        recipient = entry.obj
        doc = recipient.document
        card = {
            "sender": doc.agency.name,
            "sender_code": doc.agency.code,
            "number": doc.number_symbol,
            "date": doc.issued_date,
            "subject": doc.subject,
            "incoming": recipient.incoming,
            "incoming_id": recipient.incoming_id,
            "actions": delivery_actions(request.user, recipient),
        }
    else:
        message = entry.obj
        card = {
            "sender": message.sender_name,
            "sender_code": message.from_organ,
            "number": message.code,
            "date": message.promulgation_date,
            "subject": message.subject,
            "incoming": None,
            "incoming_id": message.incoming_id,
            "actions": EXTERNAL_RECALL_ACTIONS,
        }
    card.update(
        entry=entry,
        reason=entry.obj.reason,
        agree_url=reverse("exchange:recall_answer", args=[slug, entry.pk, "dong-y"]),
        refuse_url=reverse("exchange:recall_answer", args=[slug, entry.pk, "tu-choi"]),
    )
    return card


@login_required
@require_GET
def recall_list(request):
    """Yêu cầu thu hồi chờ trả lời: from the agencies of this deployment and from other systems, newest first."""
    _require_clerk(request)
    page = _page(request, RECALLS)
    cards = [_recall_card(request, entry) for entry in page.items]
    return render(
        request, "exchange/recalls.html", {"page": page, "cards": cards, "query": query_without_cursor(request)}
    )


@login_required
@require_POST
def recall_answer(request, route: str, pk: int, answer: str):
    """The clerk's answer to a recall of a registered document: agree (it is withdrawn) or refuse with a reason."""
    entry = _acted_on(request, route, pk)
    number, sender = _describe(entry)
    try:
        if answer == "dong-y":
            (internal.confirm_recall if entry.internal else recalls.confirm)(request.user, entry.obj)
            messages.success(
                request,
                f"Đã xác nhận thu hồi văn bản {number} của {sender}; văn bản đến tương ứng đã được rút khỏi xử lý.",
            )
        elif answer == "tu-choi":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
            (internal.refuse_recall if entry.internal else recalls.refuse)(request.user, entry.obj, reason)
            messages.success(request, f"Đã từ chối thu hồi văn bản {number}; cơ quan gửi được báo lý do.")
        else:
            raise Http404("Không có thao tác này.")
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("exchange:recalls")


# ---------------------------------------------------------------------------------------------- failed packages


@login_required
@require_GET
def failed_list(request):
    """Gói tin gửi không được: the agency's messages that could not be sent, to send again."""
    _require_clerk(request)
    page = page_of(
        request, permitted(Message, request.user, "resend").select_related("partner"), order=("-id",), default=50
    )
    return render(request, "exchange/failed.html", {"page": page, "query": query_without_cursor(request)})


@login_required
@require_POST
def resend(request, pk: int):
    _require_clerk(request)
    message = get_object_or_404(permitted(Message, request.user, "resend"), pk=pk)
    try:
        outbox.resend(request.user, message)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"Đã đưa gói tin {message.document_id} gửi {message.to_organ} vào hàng đợi gửi lại.")
    return redirect("exchange:failed")
