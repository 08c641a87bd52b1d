"""Internal mail screens (thư nội bộ). Thin: parse input, call :mod:`.services`, render. A person reaches a message
only through their own mailbox entry (:mod:`.policies`); what a page offers is
:func:`.services.available_actions`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from vpdt.core.authz import scope_of, visible
from vpdt.core.pagination import page_of, query_without_cursor
from vpdt.core.params import int_param
from vpdt.core.viewer import file_response

from . import queries, services
from .forms import ComposeForm, FolderForm, initial_recipients
from .models import Attachment, Box, Folder, Kind, MailboxEntry, Message


def _agency(request) -> int:
    scope = scope_of(request.user)
    if not queries.has_mailbox(scope):
        raise PermissionDenied(gettext("Tài khoản chưa thuộc cơ quan nào nên không có hộp thư nội bộ."))
    return scope.agency_id


def _flash(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or gettext("Bạn không có quyền thực hiện thao tác này."))


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _entry(request, pk) -> MailboxEntry:
    """The person's own copy of message ``pk``."""
    return get_object_or_404(
        queries.entries(request.user).select_related("message", "message__sender", "folder", "via_unit"),
        message_id=pk,
    )


def _sidebar(request, current: str = "", folder: Folder | None = None) -> dict:
    return {
        "views": queries.VIEWS,
        "current": current,
        "folders": list(queries.folders(request.user)),
        "current_folder": folder,
        "unread_count": queries.unread_count(request.user),
        "folder_form": FolderForm(),
    }


def _listing(request, qs, *, title: str, current: str = "", folder: Folder | None = None):
    _agency(request)
    unread_only = request.GET.get(queries.UNREAD_PARAM) == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True, box=Box.INBOX)
    qs = queries.for_list(qs).annotate(has_files=Exists(Attachment.objects.filter(message_id=OuterRef("message_id"))))
    if current in (Box.SENT, Box.DRAFTS):
        qs = qs.prefetch_related("message__addressees__unit", "message__addressees__user")
    page = page_of(request, qs, order=("-id",))
    context = {
        "title": title,
        "page": page,
        "query": query_without_cursor(request),
        "unread_only": unread_only,
        "show_to": current in (Box.SENT, Box.DRAFTS),
        "trash_days": settings.VPDT_MAIL_TRASH_DAYS if current == queries.TRASH else None,
        **_sidebar(request, current, folder),
    }
    return render(request, "internalmail/list.html", context)


@login_required
def box_list(request, code: str):
    view = queries.VIEW_BY_CODE[code]
    return _listing(request, queries.box(request.user, code), title=view.label, current=code)


@login_required
def folder_list(request, folder_pk):
    folder = get_object_or_404(queries.folders(request.user), pk=folder_pk)
    return _listing(request, queries.in_folder(request.user, folder), title=folder.name, folder=folder)


@login_required
def open_message(request, pk):
    entry = _entry(request, pk)
    if entry.box == Box.DRAFTS and entry.trashed_at is None:
        return redirect("internalmail:draft", pk=pk)
    if entry.unread:
        services.mark_read(request.user, entry)
    message = entry.message
    replied = visible(Message, request.user).filter(pk=message.reply_to_id).first() if message.reply_to_id else None
    context = {
        "entry": entry,
        "message": message,
        "addressees": list(message.addressees.select_related("unit", "user")),
        "attachments": list(visible(Attachment, request.user).filter(message=message).select_related("file")),
        "actions": services.available_actions(entry),
        "replied": replied,
        "replies": list(
            visible(Message, request.user).filter(reply_to=message).select_related("sender").order_by("sent_at")
        ),
        **_sidebar(request, "" if entry.folder_id else ("trash" if entry.trashed_at else entry.box), entry.folder),
    }
    return render(request, "internalmail/detail.html", context)


@login_required
def download(request, pk, att_pk):
    _entry(request, pk)
    attachment = get_object_or_404(visible(Attachment, request.user).select_related("file"), pk=att_pk, message_id=pk)
    stored = attachment.file
    try:
        handle = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(gettext("Tệp không còn trong kho lưu trữ.")) from None
    return file_response(request, handle, filename=stored.original_name, content_type=stored.content_type)


def _compose(
    request,
    *,
    title: str,
    initial: dict,
    draft: Message | None = None,
    original: Message | None = None,
    mode: str = "new",
    fixed: tuple | None = None,
):
    agency_id = _agency(request)
    form = ComposeForm(
        agency_id, request.POST or None, request.FILES or None, initial=initial, fixed_recipients=fixed is not None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        users, units = form.chosen() if fixed is None else fixed
        common = {"kind": data["kind"], "body": data["body"], "files": data["files"]}
        try:
            if "save_draft" in request.POST and mode in ("new", "draft"):
                services.save_draft(
                    request.user, draft=draft, subject=data["subject"], users=users, units=units, **common
                )
                messages.success(request, gettext("Đã lưu thư nháp."))
                return redirect("internalmail:drafts")
            if mode == "forward":
                services.forward(request.user, original, users=users, units=units, **common)
            else:
                services.send(
                    request.user,
                    subject=data["subject"],
                    users=users,
                    units=units,
                    draft=draft,
                    reply_to=original if mode == "reply" else None,
                    **common,
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Đã gửi thư."))
            return redirect("internalmail:sent")
    context = {
        "form": form,
        "title": title,
        "mode": mode,
        "draft": draft,
        "original": original,
        "fixed": fixed,
        "draft_files": list(draft.attachments.select_related("file")) if draft is not None else [],
        "original_files": list(original.attachments.select_related("file")) if mode == "forward" else [],
        **_sidebar(request),
    }
    return render(request, "internalmail/compose.html", context)


@login_required
def compose(request):
    return _compose(request, title=gettext("Soạn thư"), initial={"kind": Kind.LETTER})


@login_required
def edit_draft(request, pk):
    entry = _entry(request, pk)
    if entry.box != Box.DRAFTS or entry.trashed_at is not None:
        return redirect("internalmail:open", pk=pk)
    draft = entry.message
    addressees = list(draft.addressees.all())
    initial = {
        "kind": draft.kind,
        "subject": draft.subject,
        "body": draft.body,
        "recipients": initial_recipients(
            [a.user for a in addressees if a.user_id], [a.unit for a in addressees if a.unit_id]
        ),
    }
    return _compose(request, title=gettext("Sửa thư nháp"), initial=initial, draft=draft, mode="draft")


@login_required
def reply(request, pk):
    entry = _entry(request, pk)
    to_all = request.GET.get("tat-ca") == "1"
    wanted = "reply_all" if to_all else "reply"
    if wanted not in services.available_actions(entry):
        messages.error(request, gettext("Không trả lời được thư này."))
        return redirect("internalmail:open", pk=pk)
    original = entry.message
    fixed = services.reply_addressees(request.user, original, to_all=to_all)
    initial = {"kind": Kind.LETTER, "subject": services._prefixed(services.REPLY_PREFIX, original.subject)}
    title = gettext("Trả lời tất cả") if to_all else gettext("Trả lời thư")
    return _compose(request, title=title, initial=initial, original=original, mode="reply", fixed=fixed)


@login_required
def forward(request, pk):
    entry = _entry(request, pk)
    if "forward" not in services.available_actions(entry):
        messages.error(request, gettext("Không chuyển tiếp được thư này."))
        return redirect("internalmail:open", pk=pk)
    original = entry.message
    initial = {"kind": original.kind, "subject": services._prefixed(services.FORWARD_PREFIX, original.subject)}
    return _compose(request, title=gettext("Chuyển tiếp thư"), initial=initial, original=original, mode="forward")


ENTRY_ACTIONS = {
    "trash": (services.trash, _("Đã chuyển thư vào thùng rác.")),
    "restore": (services.restore, _("Đã khôi phục thư.")),
    "delete": (services.delete, _("Đã xóa hẳn thư khỏi hộp thư của bạn; người khác vẫn giữ bản của họ.")),
}


@login_required
@require_POST
def entry_action(request, pk, action: str):
    entry = _entry(request, pk)
    back = redirect("internalmail:open", pk=pk)
    try:
        if action == "unread":
            services.mark_read(request.user, entry, read=False)
            messages.success(request, gettext("Đã đánh dấu thư chưa đọc."))
            return redirect("internalmail:inbox")
        if action == "move":
            folder_pk = int_param(request.POST.get("folder", ""))
            folder = get_object_or_404(queries.folders(request.user), pk=folder_pk) if folder_pk else None
            services.move(request.user, entry, folder)
            messages.success(
                request,
                gettext("Đã chuyển thư vào %(folder)s.") % {"folder": folder.name if folder else Box(entry.box).label},
            )
            return back
        if action not in ENTRY_ACTIONS:
            raise Http404
        command, done = ENTRY_ACTIONS[action]
        command(request.user, entry)
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
        return back
    messages.success(request, done)
    return redirect("internalmail:trash") if action == "delete" else back


@login_required
@require_POST
def folder_create(request):
    _agency(request)
    form = FolderForm(request.POST)
    if form.is_valid():
        try:
            folder = services.create_folder(request.user, form.cleaned_data["name"])
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, gettext("Đã tạo thư mục “%(folder)s”.") % {"folder": folder.name})
            return redirect("internalmail:folder", folder_pk=folder.pk)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("internalmail:inbox")


@login_required
@require_POST
def folder_action(request, folder_pk, action: str):
    folder = get_object_or_404(queries.folders(request.user), pk=folder_pk)
    try:
        if action == "rename":
            form = FolderForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.rename_folder(request.user, folder, form.cleaned_data["name"])
            messages.success(request, gettext("Đã đổi tên thư mục."))
            return redirect("internalmail:folder", folder_pk=folder.pk)
        if action == "delete":
            services.delete_folder(request.user, folder)
            messages.success(
                request, gettext("Đã xóa thư mục “%(folder)s”; thư trong đó trở về hộp thư.") % {"folder": folder.name}
            )
            return redirect("internalmail:inbox")
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
        return redirect("internalmail:folder", folder_pk=folder.pk)
    raise Http404
