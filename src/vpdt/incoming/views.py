"""Incoming-document screens (SPEC §2). Thin: parse input, call services, render.

What a page offers is :func:`vpdt.incoming.lifecycle.available_actions` (and ``assignment_actions`` for each
assignment): the same rules the services check, so a button is shown exactly when its action would be accepted.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vpdt.core import page_actions, work
from vpdt.core.authz import permitted, scope_of, visible
from vpdt.core.pagination import ROWS_PER_PAGE, page_of, query_without_cursor
from vpdt.core.params import int_param
from vpdt.core.viewer import OTHER, Viewer, ViewerFile, file_response, kind_of
from vpdt.digitize import scans
from vpdt.digitize import services as digitize
from vpdt.directory.models import Role
from vpdt.signing import receipt
from vpdt.signing.verification_views import can_reverify
from vpdt.storage import services as storage

from . import lifecycle, queries, register_services, services
from .forms import (
    DirectionForm,
    DistributeForm,
    NoteForm,
    ReasonForm,
    ReassignForm,
    RegisterFilterForm,
    RegistrationForm,
    ReplyForm,
    ResultForm,
    agency_leaders,
    mark_prefill,
)
from .models import Assignment, Attachment, IncomingDocument

PAGE_SIZE = ROWS_PER_PAGE[0]
PAGE = "incoming.document"  # the page's name in vpdt.core.page_actions, where the apps above add their buttons
BOXES = [
    ("to_process", "Cần xử lý"),
    ("in_progress", "Đang xử lý"),
    ("for_information", "Để biết"),
    ("done", "Đã xong"),
    ("late", "Quá hạn"),
]
# Columns a list needs: never the long texts (direction, to_places, description).
LIST_FIELDS = (
    "id",
    "agency_id",
    "register_id",
    "year",
    "arrival_number",
    "arrival_date",
    "issuer_name",
    "code_number",
    "code_notation",
    "subject",
    "urgency",
    "status",
    "deadline",
    "due_date",
    "reply_due",
    "needs_reply",
    "completed_at",
    "issued_date",
)
LONG_DOC_FIELDS = ("document__direction", "document__to_places", "document__description")


def _errors(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.error(request, str(exc) or "Bạn không có quyền thực hiện thao tác này.")


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for msg in errors:
            messages.error(request, msg)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _documents(request) -> QuerySet:
    return visible(IncomingDocument, request.user)


# ---------------------------------------------------------------- registration


@login_required
def issuer_suggestions(request):
    """Suggestions for the registration form's “Cơ quan ban hành” (JSON, ?q=...)."""
    return JsonResponse({"results": queries.issuer_suggestions(request.user, request.GET.get("q", ""))})


@login_required
def register_create(request):
    refusal = lifecycle.clerk_refusal(request.user, request.user.agency_id)
    if refusal:
        raise PermissionDenied(refusal)
    duplicate, scan, suggestion = None, None, None
    raw_scan = request.POST.get("scan") if request.method == "POST" else request.GET.get("ban-quet")
    if raw_scan:
        scan = scans.get_waiting(request.user, raw_scan)
        if scan is None:
            messages.error(request, "Bản quét không còn chờ vào sổ (đã được vào sổ hoặc đã bỏ).")
            return redirect("digitize:scans")
        if not scan.finished and request.method == "GET" and not request.GET.get("khong-cho"):
            return render(
                request, "incoming/register_form.html", {"scan": scan, "reading": True, "viewer": _scan_viewer(scan)}
            )
        suggestion = scans.prefill(scan)
    if request.method == "POST":
        form = RegistrationForm(request.user, request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("files", None)
            try:
                registered = services.register_document(
                    request.user,
                    register=data.pop("register"),
                    agency=request.user.agency,
                    leader=data.pop("leader"),
                    submit_now=not data.pop("batch"),
                    confirm_duplicate=data.pop("confirm_duplicate"),
                    files=request.FILES.getlist("files"),
                    scans=[scan.pk] if scan else (),
                    **data,
                )
            except services.DuplicateWarning as exc:
                duplicate = exc.existing
                form.add_error(None, exc.messages)
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "Bạn không có quyền vào sổ văn bản này.")
            else:
                doc = registered.document
                text = f"Đã vào sổ: số đến {doc.arrival_number}"
                if registered.submitted:
                    text += f", đã trình lãnh đạo {doc.leader.full_name}"
                elif doc.leader_id:
                    text += f", sẽ trình lãnh đạo {doc.leader.full_name} theo đợt trình trong ngày"
                messages.success(request, text + ".")
                _signature_messages(request, doc)
                return redirect("incoming:detail", pk=doc.pk)
    else:
        form = RegistrationForm(request.user, initial=suggestion.initial if suggestion else None)
    if suggestion is not None and suggestion.read:
        mark_prefill(form, suggestion)
    return render(
        request,
        "incoming/register_form.html",
        {
            "form": form,
            "duplicate": duplicate,
            "scan": scan,
            "suggestion": suggestion,
            "viewer": _scan_viewer(scan) if scan else None,
        },
    )


def _scan_viewer(scan) -> Viewer:
    """The scan beside the registration form, with what is known of its signature (nothing verified here)."""
    shown = scans.shown_file(scan)
    result = receipt.results_for([scan.file]).get(scan.file_id)
    url = reverse("digitize:scan_file", args=[scan.pk])
    return Viewer([ViewerFile(scan.file.original_name, url, shown.content_type, badge=receipt.badge(result))])


def _signature_results(doc, attachments) -> str:
    """Attach each file's signature verification (att.signature) and return the document's warning."""
    results = receipt.results_for([a.file for a in attachments])
    for att in attachments:
        att.signature = results.get(att.file_id)
    return receipt.warning_for(results.values())


def _signature_messages(request, doc) -> None:
    """The registration confirmation says what the signature check found."""
    attachments = list(Attachment.objects.filter(document=doc).select_related("file"))
    warning = _signature_results(doc, attachments)
    if warning:
        messages.warning(request, warning)
    for att in attachments:
        if att.signature and att.signature.verdict == "valid":
            messages.info(request, f"Tệp “{att.file.original_name}”: {att.signature.summary}")


# ---------------------------------------------------------------- register list


@login_required
def register_list(request):
    form = RegisterFilterForm(request.user, request.GET or None)
    qs = _documents(request).select_related("register").only(*LIST_FIELDS, "register__name")
    filter_errors = []
    if form.is_bound:
        if not form.is_valid():
            filter_errors = [m for errs in form.errors.values() for m in errs]
        data = getattr(form, "cleaned_data", {})
        if data.get("register"):
            qs = qs.filter(register=data["register"])
        if data.get("year"):
            qs = qs.filter(year=data["year"])
        if data.get("number"):
            qs = qs.filter(arrival_number=data["number"])
        if data.get("q"):
            q = data["q"].strip()
            qs = qs.filter(
                Q(subject__icontains=q)
                | Q(code_notation__icontains=q)
                | Q(code_number__icontains=q)
                | Q(issuer_name__icontains=q)
            )
        if data.get("urgency") is not None:
            qs = qs.filter(urgency=data["urgency"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("date_from"):
            qs = qs.filter(arrival_date__date__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(arrival_date__date__lte=data["date_to"])
    due, refused = work.due_param(request.GET)
    if refused:
        filter_errors.append(work.BAD_DUE)
    if due:  # the counters of documents due soon and late: unfinished ones only
        qs = work.due_filter(qs.exclude(status__in=queries.UNFINISHED), "deadline", due)
    page = page_of(request, qs, order=("-id",), default=PAGE_SIZE)
    rows = [(doc, queries.due_state(doc)) for doc in page.items]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query_without_cursor(request),
        "filter_errors": filter_errors,
        "due": due,
        "due_label": work.DUE_CHOICES.get(due, ""),
        "can_register": lifecycle.may_register(request.user),
        "can_print": lifecycle.may_print_registers(request.user),
        "can_manage_registers": register_services.manageable_agencies(request.user).exists(),
    }
    partial = request.htmx and request.htmx.target == "doc-rows"
    return render(request, "incoming/_rows.html" if partial else "incoming/register_list.html", context)


# ---------------------------------------------------------------- detail


def _trail(doc) -> list[dict]:
    """queries.trail with journaled ISO dates turned back into dates for dd/mm/yyyy display."""
    items = queries.trail(doc)
    for item in items:
        value = item.get("deadline")
        if isinstance(value, str):
            try:
                item["deadline"] = date.fromisoformat(value[:10])
            except ValueError:
                pass
    return items


def _tree(assignments):
    by_parent = {}
    for a in assignments:
        by_parent.setdefault(a.parent_id, []).append(a)

    def walk(parent_id, depth):
        for a in by_parent.get(parent_id, []):
            yield a, depth
            yield from walk(a.pk, depth + 1)

    return list(walk(None, 0))


def _work(user, assignments) -> list[dict]:
    """The assignments ``user`` may act on, each with what they may do and the forms it takes."""
    work = []
    for a in assignments:
        actions = lifecycle.assignment_actions(user, a)
        if not actions:
            continue
        work.append(
            {
                "a": a,
                "actions": actions,
                "distribute_form": DistributeForm(a.unit_id, prefix=f"d{a.pk}") if "distribute" in actions else None,
                "reassign_form": ReassignForm(a.parent.unit_id, prefix=f"r{a.pk}") if "reassign" in actions else None,
            }
        )
    return work


@login_required
def detail(request, pk):
    doc = get_object_or_404(
        _documents(request).select_related(
            "register", "doc_type", "field", "leader", "directed_by", "created_by", "agency"
        ),
        pk=pk,
    )
    me = request.user
    attachments = list(visible(Attachment, me).filter(document=doc).select_related("file"))
    signature_warning = _signature_results(doc, attachments)
    assignments = list(
        Assignment.objects.filter(document=doc)
        .select_related("unit", "user", "assigned_by")
        .prefetch_related("notes__author")
        .order_by("id")
    )
    by_id = {a.pk: a for a in assignments}
    for a in assignments:  # what the rules read, without a query per assignment
        a.document = doc
        if a.parent_id in by_id:
            a.parent = by_id[a.parent_id]
    actions = lifecycle.available_actions(me, doc)
    outgoing_model = IncomingDocument.answers_outgoing.field.related_model  # (no import of the outgoing app)
    context = {
        "doc": doc,
        # Links only where they open: the outgoing document this one answers, the document replacing it.
        "answers_link": bool(doc.answers_outgoing_id)
        and permitted(outgoing_model, me, "view").filter(pk=doc.answers_outgoing_id).exists(),
        "replaced_link": bool(doc.replaced_by_id) and _documents(request).filter(pk=doc.replaced_by_id).exists(),
        "attachments": attachments,
        "viewer": _viewer(doc, attachments),
        "signature_warning": signature_warning,
        "can_reverify": can_reverify(me),
        "tree": _tree(assignments),
        "doc_state": queries.due_state(doc),
        "trail": _trail(doc),
        "actions": actions,
        "work": _work(me, assignments),
        "leaders": agency_leaders(doc.agency_id) if "submit" in actions else [],
        "direction_form": DirectionForm(doc) if "direct" in actions else None,
        "replies": list(doc.replies.select_related("created_by")),
        "note_form": NoteForm(),
        "reply_form": ReplyForm(),
        # Buttons of the apps above this one (e.g. "Giao việc": a task from this document), through the registry.
        "page_actions": page_actions.for_object(PAGE, me, doc),
    }
    return render(request, "incoming/detail.html", context)


def _viewer(doc, attachments) -> Viewer:
    """The attachments in the viewer, each with its signature result; a scan the browser cannot show itself (a
    TIFF) through its searchable PDF copy."""
    unshowable = [a.file_id for a in attachments if kind_of(a.file.content_type, a.file.original_name) == OTHER]
    archived = digitize.archived(unshowable)
    return Viewer(
        [
            ViewerFile(
                att.file.original_name,
                reverse("incoming:download", args=[doc.pk, att.pk]),
                att.file.content_type,
                badge=receipt.badge(att.signature),
                preview_url=reverse("digitize:archive", args=[att.file_id]) if att.file_id in archived else "",
                preview_type="application/pdf",
            )
            for att in attachments
        ]
    )


def _attachment(request, pk, att_pk):
    doc = get_object_or_404(_documents(request), pk=pk)
    return get_object_or_404(visible(Attachment, request.user).select_related("file"), pk=att_pk, document=doc)


@login_required
def download(request, pk, att_pk):
    stored = _attachment(request, pk, att_pk).file
    try:
        handle = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("Tệp không còn trong kho lưu trữ.")
    return file_response(request, handle, filename=stored.original_name, content_type=stored.content_type)


@login_required
@require_POST
def verify(request, pk, att_pk):
    attachment = _attachment(request, pk, att_pk)
    result = storage.verify(attachment.file)
    (messages.success if result.ok else messages.error)(request, f"{attachment.file.original_name}: {result.message}")
    return redirect("incoming:detail", pk=pk)


# ---------------------------------------------------------------- document actions


@login_required
@require_POST
def submit(request, pk):
    doc = get_object_or_404(_documents(request), pk=pk)
    leader = None
    leader_id = request.POST.get("leader", "")
    if leader_id:
        leader = (
            agency_leaders(doc.agency_id).filter(pk=int_param(leader_id)).first()
            if int_param(leader_id) is not None
            else None
        )
        if leader is None:
            messages.error(request, "Lãnh đạo được chọn không hợp lệ.")
            return redirect("incoming:detail", pk=pk)
    try:
        services.submit(request.user, doc, leader=leader)
        messages.success(request, "Đã trình lãnh đạo.")
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("incoming:detail", pk=pk)


@login_required
@require_POST
def direct(request, pk):
    doc = get_object_or_404(_documents(request), pk=pk)
    form = DirectionForm(doc, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("incoming:detail", pk=pk)
    try:
        services.direct(
            request.user,
            doc,
            direction=form.cleaned_data["direction"],
            targets=form.targets(),
            deadline=form.cleaned_data["deadline"],
            field=form.cleaned_data["field"],
        )
        messages.success(request, "Đã cho ý kiến chỉ đạo.")
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("incoming:detail", pk=pk)


@login_required
@require_POST
def request_reply(request, pk):
    doc = get_object_or_404(_documents(request), pk=pk)
    form = ReplyForm(request.POST)
    subject = form.cleaned_data["subject"] if form.is_valid() else ""
    try:
        services.request_reply(request.user, doc, subject=subject)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, "Đã ghi nhận yêu cầu soạn văn bản trả lời.")
    return redirect("incoming:detail", pk=pk)


# ---------------------------------------------------------------- assignment actions


def _assignment(request, apk) -> Assignment:
    return get_object_or_404(
        Assignment.objects.filter(document__in=_documents(request).values("pk")).select_related(
            "document", "unit", "parent"
        ),
        pk=apk,
    )


def _assignment_action(request, apk, form_class, call, done, form_args=()):
    assignment = _assignment(request, apk)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = reverse("incoming:detail", args=[assignment.document_id])
    back = redirect(target)
    form = None
    if form_class is not None:
        form = (
            form_class(*form_args(assignment), request.POST, prefix=request.POST.get("prefix") or None)
            if form_args
            else form_class(request.POST)
        )
        if not form.is_valid():
            _form_errors(request, form)
            return back
    try:
        call(assignment, form.cleaned_data if form else {})
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return back


@login_required
@require_POST
def distribute(request, apk):
    return _assignment_action(
        request,
        apk,
        DistributeForm,
        lambda a, d: services.distribute(request.user, a, user=d["user"], deadline=d["deadline"], opinion=d["opinion"]),
        "Đã giao chuyên viên xử lý.",
        form_args=lambda a: (a.unit_id,),
    )


@login_required
@require_POST
def reassign(request, apk):
    return _assignment_action(
        request,
        apk,
        ReassignForm,
        lambda a, d: services.reassign(request.user, a, user=d["user"], reason=d["reason"], deadline=d["deadline"]),
        "Đã chuyển cán bộ khác xử lý.",
        form_args=lambda a: (a.parent.unit_id if a.parent_id else a.unit_id,),
    )


@login_required
@require_POST
def return_to_leader(request, apk):
    return _assignment_action(
        request,
        apk,
        ReasonForm,
        lambda a, d: services.return_to_leader(request.user, a, d["reason"]),
        "Đã trả lại lãnh đạo.",
    )


@login_required
@require_POST
def add_note(request, apk):
    return _assignment_action(
        request, apk, NoteForm, lambda a, d: services.add_note(request.user, a, d["kind"], d["text"]), "Đã cập nhật."
    )


@login_required
@require_POST
def complete(request, apk):
    return _assignment_action(
        request, apk, ResultForm, lambda a, d: services.complete(request.user, a, d["result"]), "Đã hoàn thành xử lý."
    )


@login_required
@require_POST
def mark_read(request, apk):
    return _assignment_action(
        request, apk, None, lambda a, d: services.mark_read(request.user, a), "Đã đánh dấu đã xem."
    )


# ---------------------------------------------------------------- my work


def _row(item: Assignment) -> dict:
    return {"assignment": item, "doc": item.document, "state": queries.due_state(item)}


def _doc_row(doc: IncomingDocument) -> dict:
    return {"assignment": None, "doc": doc, "state": queries.due_state(doc)}


# The boxes of a leader and of a head of unit, before everyone's; the queue counting each box's waiting items.
LEADER_BOX = ("to_direct", "Chờ cho ý kiến")
UNIT_BOX = ("unit", "Đơn vị chờ phân công")
BOX_QUEUES = {
    "to_direct": "incoming.to_direct",
    "unit": "incoming.unit_waiting",
    "to_process": "incoming.to_process",
    "in_progress": "incoming.in_progress",
    "for_information": "incoming.for_information",
    "late": "incoming.late",
}


def _boxes(request) -> list[tuple[str, str, str]]:
    """The person's boxes: (key, label, count badge), counted with the menu's badges in one statement."""
    scope = scope_of(request.user).within("incoming")
    boxes = ([LEADER_BOX] if scope.has_role(Role.LEADER) else []) + ([UNIT_BOX] if scope.led_unit_ids else [])
    counts = work.summary(request).by_key
    return [
        (key, label, counts[BOX_QUEUES[key]].badge if BOX_QUEUES.get(key) in counts else "")
        for key, label in [*boxes, *BOXES]
    ]


@login_required
def my_work(request):
    boxes = _boxes(request)
    keys = [key for key, _label, _badge in boxes]
    box = request.GET.get("hop")
    if box is None:  # the first box with something waiting
        box = next((key for key, _label, badge in boxes if badge and key != "late"), "to_process")
    elif box not in keys:
        messages.error(request, "Hộp việc không hợp lệ; đang hiển thị “Cần xử lý”.")
        box = "to_process"
    due, refused = work.due_param(request.GET)
    if refused:
        messages.error(request, work.BAD_DUE)
    if box == "to_direct":
        mine = queries.to_direct(request.user).only(*LIST_FIELDS)
        if due:
            mine = work.due_filter(mine, "due_date", due)
    else:
        mine = queries.unit_waiting(request.user) if box == "unit" else queries.inbox(request.user, box)
        mine = mine.select_related("document", "unit", "user").defer(*LONG_DOC_FIELDS)
        if due:
            mine = work.due_filter(mine, "deadline", due)
    page = page_of(request, mine, order=("-id",), default=PAGE_SIZE)
    queue = None
    if box != "unit" and scope_of(request.user).within("incoming").led_unit_ids:
        queue = [_row(item) for item in queries.unit_queue(request.user).defer(*LONG_DOC_FIELDS)[: page.size]]
    context = {
        "boxes": boxes,
        "box": box,
        "due": due,
        "due_label": work.DUE_CHOICES.get(due, ""),
        "page": page,
        "rows": [(_doc_row if box == "to_direct" else _row)(item) for item in page.items],
        "queue": queue,
        "query": query_without_cursor(request),
    }
    return render(request, "incoming/my_work.html", context)
