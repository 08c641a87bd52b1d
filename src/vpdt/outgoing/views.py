"""Drafting and review screens (văn bản đi). Thin: parse input, call services, render. Rules live in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from vpdt.core import work
from vpdt.core.authz import permitted, scope_of, visible
from vpdt.core.deadlines import due_state
from vpdt.core.pagination import ROWS_PER_PAGE, page_of, query_without_cursor
from vpdt.core.params import int_param
from vpdt.core.viewer import OTHER, Viewer, ViewerFile, file_response
from vpdt.directory.models import Agency, Position
from vpdt.incoming.models import IncomingDocument
from vpdt.signing import external as external_signing

from . import diffing, queries, services, signatures
from .forms import (
    BOX_STATUSES,
    BOXES,
    AnswerForm,
    ApproveForm,
    CancelForm,
    CommentForm,
    ConfirmForm,
    ConsultForm,
    DraftFilterForm,
    DraftForm,
    ReturnForm,
    ReviseForm,
)
from .lifecycle import DOCUMENT, answer_refusal, available_actions
from .models import (
    Comment,
    Consultation,
    FileKind,
    OutgoingDocument,
    OutgoingFile,
    OutStatus,
    Relation,
    StepStatus,
    Version,
)

PAGE_SIZE = ROWS_PER_PAGE[0]
# Columns a list needs: never the long texts.
LIST_FIELDS = (
    "id",
    "agency_id",
    "drafter_id",
    "doc_type_id",
    "doc_type__name",
    "subject",
    "urgency",
    "status",
    "code_number",
    "code_notation",
    "issued_date",
    "review_round",
    "current_step_id",
    "created_at",
    "updated_at",
    "due_date",
)


# ---------------------------------------------------------------- helpers


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
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _documents(request, part: str = "view"):
    """The documents of which the user may see ``part``: "view" (either part), "record" (the drafting record) or
    "published" (the issued document)."""
    return permitted(OutgoingDocument, request.user, part)


def _document(request, pk, *related, part: str = "record") -> OutgoingDocument:
    return get_object_or_404(_documents(request, part).select_related("agency", "unit", "doc_type", *related), pk=pk)


def _back(pk):
    return redirect("outgoing:detail", pk=pk)


def signer_line(doc) -> str:
    """'KT. GIÁM ĐỐC' — authority prefix and the signer's position, as printed above the signature."""
    position = doc.signer_position
    if not position and doc.signer_id:
        p = (
            Position.objects.filter(user_id=doc.signer_id, agency_id=doc.agency_id, is_active=True)
            .order_by("-is_primary")
            .first()
        )
        position = p.title if p else ""
    prefix = f"{doc.authority}. " if doc.authority else ""
    return (prefix + position.upper()).strip()


# ---------------------------------------------------------------- lists


@login_required
def my_drafts(request):
    box = request.GET.get("hop", "all")
    if box not in BOX_STATUSES:
        messages.error(request, "Hộp văn bản không hợp lệ; đang hiển thị “Tất cả”.")
        box = "all"
    form = DraftFilterForm(request.GET or None)
    qs = (
        _documents(request, "record")
        .filter(drafter=request.user)
        .select_related("doc_type", "current_step", "current_step__reviewer")
        .only(
            *LIST_FIELDS,
            "current_step__due_date",
            "current_step__label",
            "current_step__status",
            "current_step__reviewer__full_name",
        )
    )
    if BOX_STATUSES[box]:
        qs = qs.filter(status__in=BOX_STATUSES[box])
    filter_errors = []
    if form.is_bound:
        if not form.is_valid():
            filter_errors = [m for errs in form.errors.values() for m in errs]
        q = (getattr(form, "cleaned_data", {}).get("q") or "").strip()
        if q:
            qs = qs.filter(subject__icontains=q)
    page = page_of(request, qs, order=("-id",), default=PAGE_SIZE)
    rows = [(doc, due_state(doc.current_step.due_date) if doc.current_step_id else "ok") for doc in page.items]
    context = {
        "boxes": BOXES,
        "box": box,
        "form": form,
        "page": page,
        "rows": rows,
        "query": query_without_cursor(request),
        "filter_errors": filter_errors,
    }
    return render(request, "outgoing/drafting/my_drafts.html", context)


@login_required
def reviews(request):
    # Being a step's reviewer (or acting for them) is a branch of the visibility predicate (policies._view), so
    # the queue starts from the steps; intersecting with the whole OR predicate is slow at a million documents.
    due, refused = work.due_param(request.GET)
    if refused:
        messages.error(request, work.BAD_DUE)
    qs = (
        queries.to_review(request.user)
        .select_related("document", "document__doc_type", "document__drafter")
        .only(
            "id",
            "label",
            "round",
            "due_date",
            "started_at",
            "status",
            "document_id",
            "document__subject",
            "document__urgency",
            "document__review_round",
            "document__doc_type__name",
            "document__drafter__full_name",
        )
    )
    if due:
        qs = work.due_filter(qs, "due_date", due)
    page = page_of(request, qs, order=("-id",), default=PAGE_SIZE)
    rows = [(step, due_state(step.due_date)) for step in page.items]
    consultations = list(
        Consultation.objects.filter(user=request.user, answered_at__isnull=True)
        .select_related("step", "step__document", "requested_by")
        .only(
            "id",
            "created_at",
            "step__label",
            "step__status",
            "step__document_id",
            "step__document__subject",
            "requested_by__full_name",
        )
        .order_by("-id")[: page.size]
    )
    context = {
        "page": page,
        "rows": rows,
        "consultations": consultations,
        "query": query_without_cursor(request),
        "due": due,
        "due_label": work.DUE_CHOICES.get(due, ""),
    }
    return render(request, "outgoing/drafting/reviews.html", context)


# ---------------------------------------------------------------- create / edit


@login_required
def create(request):
    me = request.user
    if scope_of(me).agency_id is None:
        raise PermissionDenied("Tài khoản chưa thuộc cơ quan nào nên không soạn được văn bản.")
    source = request.POST if request.method == "POST" else request.GET
    reply_to = related_to = None
    reply_id = int_param(source.get("reply_to"))
    if source.get("reply_to"):
        reply_to = visible(IncomingDocument, me).filter(pk=reply_id).first() if reply_id is not None else None
        if reply_to is None:
            raise Http404("Không tìm thấy văn bản đến cần trả lời.")
    related_id = int_param(source.get("related_to"))
    relation = source.get("relation") or Relation.REPLACES
    if source.get("related_to"):
        related_to = _documents(request).filter(pk=related_id).first() if related_id is not None else None
        if related_to is None:
            raise Http404("Không tìm thấy văn bản cần thay thế, đính chính.")
        if relation not in (Relation.REPLACES, Relation.CORRECTS):
            relation = Relation.REPLACES
    if request.method == "POST":
        form = DraftForm(me, request.POST, request.FILES)
        if form.is_valid():
            values = form.field_values()
            try:
                document = services.create_draft(
                    me,
                    text=form.cleaned_data.get("text") or "",
                    recipients=form.recipient_specs(),
                    files=request.FILES.getlist("files"),
                    related_files=request.FILES.getlist("related_files"),
                    appendix_files=request.FILES.getlist("appendix_files"),
                    reply_to=reply_to,
                    related_to=related_to,
                    relation=relation if related_to else Relation.NONE,
                    **values,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "Bạn không có quyền soạn văn bản này.")
            else:
                messages.success(request, "Đã lưu dự thảo (phiên bản 1).")
                return _back(document.pk)
    else:
        initial = {}
        if reply_to is not None:
            initial["subject"] = f"V/v trả lời {_reply_label(reply_to)}"[:500]
            sender = (
                Agency.objects.filter(code=reply_to.issuer_code, is_active=True).exclude(pk=me.agency_id).first()
                if reply_to.issuer_code
                else None
            )
            if sender is not None:
                initial["agencies"] = [sender.pk]
            elif reply_to.issuer_name:
                initial["externals"] = reply_to.issuer_name
        if related_to is not None:
            label = "Thay thế" if relation == Relation.REPLACES else "Đính chính"
            initial.update(DraftForm.initial_for(related_to))
            initial["subject"] = f"{label} {related_to.number_symbol}: {related_to.subject}"[:500]
        form = DraftForm(me, initial=initial)
    context = {
        "form": form,
        "reply_to": reply_to,
        "related_to": related_to,
        "relation": relation,
        "relation_label": Relation(relation).label if related_to else "",
    }
    return render(request, "outgoing/drafting/form.html", context)


def _reply_label(doc: IncomingDocument) -> str:
    number = doc.number_symbol
    label = f"Văn bản số {number} của {doc.issuer_name}" if number else f"văn bản của {doc.issuer_name}"
    return f"{label} về {doc.subject}" if doc.subject else label


@login_required
def edit(request, pk):
    doc = _document(request, pk)
    refusal = DOCUMENT.refusal(doc, "edit", request.user)
    if refusal:
        messages.error(request, refusal)
        return _back(pk)
    if request.method == "POST":
        form = DraftForm(request.user, request.POST, with_content=False)
        if form.is_valid():
            try:
                services.update_draft(request.user, doc, recipients=form.recipient_specs(), **form.field_values())
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "Bạn không có quyền sửa dự thảo này.")
            else:
                messages.success(request, "Đã cập nhật thông tin dự thảo.")
                return _back(pk)
    else:
        form = DraftForm(request.user, initial=DraftForm.initial_for(doc), with_content=False)
    return render(request, "outgoing/drafting/form.html", {"form": form, "doc": doc})


@login_required
def revise(request, pk):
    doc = _document(request, pk)
    refusal = DOCUMENT.refusal(doc, "revise", request.user)
    if refusal:
        messages.error(request, refusal)
        return _back(pk)
    latest = services.latest_version(doc)
    if request.method == "POST":
        form = ReviseForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                version = services.revise(
                    request.user,
                    doc,
                    text=form.cleaned_data["text"],
                    note=form.cleaned_data["note"],
                    files=request.FILES.getlist("files"),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc) or "Bạn không được sửa dự thảo lúc này.")
                return _back(pk)
            else:
                messages.success(request, f"Đã lưu phiên bản {version.number}.")
                return _back(pk)
    else:
        form = ReviseForm(initial={"text": latest.text if latest else ""})
    return render(request, "outgoing/drafting/revise.html", {"form": form, "doc": doc, "latest": latest})


# ---------------------------------------------------------------- detail

# What each file is, on the viewer's tabs.
FILE_NOTES = {
    FileKind.DRAFT: "dự thảo",
    FileKind.SIGNED: "bản đã ký",
    FileKind.FINAL: "bản gốc",
    FileKind.APPENDIX: "phụ lục",
    FileKind.RELATED: "tài liệu liên quan",
}


def viewer_files(doc_pk: int, rows, group: str = "") -> list[ViewerFile]:
    """The viewer's tabs of a document's file ``rows`` (marked by signatures.mark_signed), each read through the
    download view, those a browser shows first."""
    files = [
        ViewerFile(
            row.file.original_name,
            reverse("outgoing:download", args=[doc_pk, row.pk]),
            row.file.content_type,
            badge=signatures.badge(row),
            note=FILE_NOTES.get(row.kind, ""),
            group=group,
        )
        for row in rows
    ]
    return sorted(files, key=lambda f: f.kind == OTHER)


def _viewer(doc, rows) -> Viewer:
    return Viewer(viewer_files(doc.pk, rows))


@login_required
def detail(request, pk):
    doc = _document(
        request, pk, "drafter", "field", "signer", "reply_to", "related_to", "approved_by", "issued_by", part="view"
    )
    if not _documents(request, "record").filter(pk=doc.pk).exists():
        return _published_detail(request, doc)
    me = request.user
    versions = list(
        doc.versions.select_related("author", "step")
        .defer("text")
        .prefetch_related(
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
            Prefetch("files", queryset=OutgoingFile.objects.select_related("file")),
        )
    )
    other_files = signatures.mark_signed(doc.files.filter(version__isnull=True).select_related("file", "added_by"))
    for v in versions:
        v.signed_rows = signatures.mark_signed(v.files.all())
    steps = list(
        doc.steps.select_related("reviewer", "decided_by").prefetch_related(
            Prefetch("consultations", queryset=Consultation.objects.select_related("user"))
        )
    )
    rounds = {}
    for step in steps:
        rounds.setdefault(step.round, []).append(
            (step, due_state(step.due_date, done=step.status != StepStatus.ACTIVE))
        )
    active = (
        next((s for s in steps if s.status == StepStatus.ACTIVE), None) if doc.status == OutStatus.IN_REVIEW else None
    )
    statuses = {r.pk: r for r in queries.sender_view(doc)}
    recipients = [(r, statuses.get(r.pk)) for r in doc.recipients.select_related("unit", "user", "agency")]
    actions = available_actions(me, doc)
    is_reviewer = "approve" in actions
    my_consultations = [c for s in steps for c in s.consultations.all() if answer_refusal(me, c) is None]
    final_step = is_reviewer and not any(s.round == active.round and s.status == StepStatus.WAITING for s in steps)
    final_files = [f for f in other_files if f.kind in (FileKind.FINAL, FileKind.APPENDIX)]
    related_files = [f for f in other_files if f.kind == FileKind.RELATED]
    latest_rows = versions[-1].signed_rows if versions else []
    context = {
        "doc": doc,
        "record": True,
        **_links(request, doc),
        "actions": actions,
        "versions": versions,
        "other_files": other_files,
        "rounds": sorted(rounds.items()),
        "active": active,
        "recipients": recipients,
        "signer_line": signer_line(doc) if doc.signer_id else "",
        "is_reviewer": is_reviewer,
        "my_consultations": [(c, AnswerForm(prefix=f"c{c.pk}")) for c in my_consultations],
        "approve_form": ApproveForm(auto_id="approve_%s", signing=False),
        "return_form": ReturnForm(auto_id="return_%s"),
        "cancel_form": CancelForm(),
        "consult_form": ConsultForm(doc.agency_id, me, auto_id="consult_%s") if "consult" in actions else None,
        "confirm_form": ConfirmForm(),
        "comment_form": CommentForm(),
        "fixes": list(doc.fixes.only("id", "subject", "code_number", "code_notation", "relation", "status")),
        "issue_signing": signatures.issue_signing(doc) if "issue" in actions else None,
        "approval_signing": signatures.approval_signing(me, doc, final=final_step),
        "usb_signing": final_step and external_signing.can_start(me, doc),
        "pending_session": external_signing.pending_for(me, doc) if final_step else None,
        "final_files": final_files,
        "related_files": related_files,
        "viewer": _viewer(doc, [*signatures.travelling([*final_files, *latest_rows]), *related_files]),
    }
    return render(request, "outgoing/drafting/detail.html", context)


def _links(request, doc) -> dict:
    """The documents the page names: the incoming document this one answers, the issued one it replaces or
    corrects, the answers received; each a link only where the viewer may open it (never a link to a 404)."""
    incoming = visible(IncomingDocument, request.user)
    answers = list(doc.answers.order_by("id")) if doc.status in (OutStatus.ISSUED, OutStatus.RECALLED) else []
    opened = set(incoming.filter(pk__in=[a.pk for a in answers]).values_list("pk", flat=True)) if answers else set()
    return {
        "reply_to_link": bool(doc.reply_to_id) and incoming.filter(pk=doc.reply_to_id).exists(),
        "related_link": bool(doc.related_to_id) and _documents(request).filter(pk=doc.related_to_id).exists(),
        "answers": [(answer, answer.pk in opened) for answer in answers],
    }


def _published_detail(request, doc):
    """The issued document as an internal recipient sees it: published metadata and the issued files, nothing of
    the drafting record (drafts, versions, review, comments, delivery statuses)."""
    files = signatures.mark_signed(
        signatures.travelling(
            visible(OutgoingFile, request.user).filter(document=doc).select_related("file").order_by("id")
        )
    )
    context = {
        "doc": doc,
        "record": False,
        **_links(request, doc),
        "actions": set(),
        "signer_line": signer_line(doc) if doc.signer_id else "",
        "recipients": [(r, None) for r in doc.recipients.select_related("unit", "user", "agency")],
        "final_files": files,
        "viewer": _viewer(doc, files),
        "fixes": list(
            _documents(request, "published")
            .filter(related_to=doc)
            .only("id", "subject", "code_number", "code_notation", "relation", "status")
        ),
    }
    return render(request, "outgoing/drafting/detail.html", context)


@login_required
def diff(request, pk):
    doc = _document(request, pk)
    numbers = list(doc.versions.order_by("number").values_list("number", flat=True))
    a, b = int_param(request.GET.get("a")), int_param(request.GET.get("b"))
    if (request.GET.get("a") and a not in numbers) or (request.GET.get("b") and b not in numbers):
        messages.error(request, "Phiên bản không hợp lệ; đang so sánh hai phiên bản mới nhất.")
        a = b = None
    if a is None or b is None:
        b = numbers[-1] if numbers else None
        a = numbers[-2] if len(numbers) > 1 else b
    comparison = diffing.compare(doc, a, b) if a is not None and b is not None else None
    context = {
        "doc": doc,
        "numbers": numbers,
        "a": a,
        "b": b,
        "comparison": comparison,
        "levels": [(diffing.COLOURS[k], diffing.LEVELS[k], diffing.COLOUR_NAMES[k]) for k in diffing.LEVELS],
    }
    return render(request, "outgoing/drafting/diff.html", context)


@login_required
def download(request, pk, file_pk):
    stored = get_object_or_404(
        visible(OutgoingFile, request.user).select_related("file"), pk=file_pk, document__pk=pk
    ).file
    try:
        handle = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("Tệp không còn trong kho lưu trữ.")
    return file_response(request, handle, filename=stored.original_name, content_type=stored.content_type)


# ---------------------------------------------------------------- actions (POST)


def _act(request, pk, form_class, call, done, form_args=()):
    doc = _document(request, pk)
    form = None
    if form_class is not None:
        form = (
            form_class(*form_args(doc), request.POST, request.FILES)
            if form_args
            else form_class(request.POST, request.FILES)
        )
        if not form.is_valid():
            _form_errors(request, form)
            return _back(pk)
    try:
        call(doc, form.cleaned_data if form else {})
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return _back(pk)


@login_required
@require_POST
def submit(request, pk):
    return _act(request, pk, None, lambda d, _: services.submit(request.user, d), "Đã trình duyệt dự thảo.")


@login_required
@require_POST
def cancel(request, pk):
    return _act(request, pk, CancelForm, lambda d, c: services.cancel(request.user, d, c["reason"]), "Đã hủy dự thảo.")


@login_required
@require_POST
def approve(request, pk):
    form = ApproveForm(request.POST)
    passphrase = form.passphrase_or_none() if form.is_valid() else None

    def call(doc, data):
        result = services.approve(
            request.user, doc, comment=data["comment"], disagreement=data["disagreement"], passphrase=passphrase
        )
        if result.status == OutStatus.APPROVED:
            messages.info(
                request,
                "Dự thảo đã được ký số và duyệt ký, chuyển văn thư cấp số, phát hành."
                if passphrase
                else "Dự thảo đã được duyệt ký, chuyển văn thư cấp số, phát hành.",
            )

    return _act(request, pk, ApproveForm, call, "Đã đồng ý.")


@login_required
@require_POST
def return_(request, pk):
    return _act(
        request,
        pk,
        ReturnForm,
        lambda d, c: services.return_draft(request.user, d, comment=c["comment"]),
        "Đã trả lại người soạn thảo.",
    )


@login_required
@require_POST
def consult(request, pk):
    return _act(
        request,
        pk,
        ConsultForm,
        lambda d, c: services.consult(request.user, d, list(c["users"]), question=c["question"]),
        "Đã gửi xin ý kiến.",
        form_args=lambda d: (d.agency_id, request.user),
    )


@login_required
@require_POST
def comment(request, pk):
    def call(doc, data):
        version = Version.objects.filter(document=doc, number=data["version"]).first()
        if version is None:
            raise ValidationError("Phiên bản không hợp lệ.")
        services.add_comment(request.user, version, data["text"])

    return _act(request, pk, CommentForm, call, "Đã ghi ý kiến góp ý.")


@login_required
@require_POST
def confirm(request, pk):
    return _act(
        request,
        pk,
        ConfirmForm,
        lambda d, c: services.confirm(request.user, d, files=request.FILES.getlist("files")),
        "Đã xác nhận số, ngày văn bản.",
    )


@login_required
@require_POST
def answer(request, cpk):
    consultation = get_object_or_404(
        Consultation.objects.filter(step__document__in=_documents(request, "record").values("pk")).select_related(
            "step"
        ),
        pk=cpk,
    )
    pk = consultation.step.document_id
    form = AnswerForm(request.POST, prefix=f"c{cpk}") if f"c{cpk}-opinion" in request.POST else AnswerForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(pk)
    try:
        services.answer(request.user, consultation, form.cleaned_data["opinion"])
        messages.success(request, "Đã gửi ý kiến.")
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return _back(pk)
