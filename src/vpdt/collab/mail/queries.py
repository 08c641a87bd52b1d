"""Reading a person's mailbox (no changes here: see :mod:`.services`). Every list goes through the entries'
policy (:mod:`.policies`) and reads newest first by entry id, through the partial indexes of
:class:`.models.MailboxEntry` (keyset pagination, :func:`vpdt.core.pagination.page_of`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vpdt.core.authz import visible

from .models import Box, Folder, MailboxEntry

UNREAD_PARAM = "chua-doc"
TRASH = "trash"


@dataclass(frozen=True)
class View:
    """A box of the mailbox as its list shows it."""

    code: str
    label: str
    url: str
    icon: str


VIEWS = (
    View(Box.INBOX, _("Hộp thư đến"), "internalmail:inbox", "bi-inbox"),
    View(Box.SENT, _("Đã gửi"), "internalmail:sent", "bi-send"),
    View(Box.DRAFTS, _("Nháp"), "internalmail:drafts", "bi-pencil-square"),
    View(TRASH, _("Thùng rác"), "internalmail:trash", "bi-trash"),
)
VIEW_BY_CODE = {v.code: v for v in VIEWS}


def has_mailbox(scope) -> bool:
    """Whether the person has a mailbox: a member of an agency (no query)."""
    return bool(scope.user_id and scope.agency_id)


def entries(user) -> QuerySet:
    """The person's own copies (not deleted), any box."""
    return visible(MailboxEntry, user)


def box(user, code: str) -> QuerySet:
    """The entries of one box (``inbox``, ``sent``, ``drafts``) left in it, or of the trash (``trash``)."""
    qs = entries(user)
    if code == TRASH:
        return qs.filter(trashed_at__isnull=False)
    return qs.filter(box=code, trashed_at__isnull=True, folder__isnull=True)


def in_folder(user, folder: Folder) -> QuerySet:
    return entries(user).filter(folder=folder, trashed_at__isnull=True)


def unread(user) -> QuerySet:
    """The person's unread received mail (not in the trash), wherever it was filed."""
    return entries(user).filter(box=Box.INBOX, read_at__isnull=True, trashed_at__isnull=True)


def unread_count(user, cap: int = 99) -> int:
    """Bounded: at most ``cap + 1``."""
    return len(unread(user).order_by("-id").values_list("id", flat=True)[: cap + 1])


def folders(user) -> QuerySet:
    return visible(Folder, user).order_by("name", "id")


def for_list(qs: QuerySet) -> QuerySet:
    """What a list row shows."""
    return qs.select_related("message", "message__sender", "via_unit", "folder")
