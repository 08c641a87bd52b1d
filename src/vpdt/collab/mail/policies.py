"""Who sees internal mail. One SQL predicate per model (see :mod:`vpdt.core.authz`).

Mail is personal: a person sees a message only through their own mailbox entry (as its sender or one of its
recipients) that they have not deleted, and only while they hold a position in the message's agency — someone who
moved to another agency no longer reads the first agency's mail. Nobody else sees it: not the agency's leaders or
administrators, not a delegate (a delegation hands over documents, not one's letters), not a superuser.

* :class:`MailboxEntry` — its owner (``view`` and ``manage``: read, move, trash, delete one's own copy).
* :class:`Message`, :class:`Addressee`, :class:`Attachment` — through the person's own entry; an attachment is
  downloadable exactly by those who see its message (:func:`readable_files`, registered with
  :mod:`vpdt.storage.access`).
* :class:`Folder` — its owner.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING

from .models import Addressee, Attachment, Folder, MailboxEntry, Message


def _agencies(scope) -> list[int]:
    return sorted({*scope.position_agency_ids, *([scope.agency_id] if scope.agency_id else [])})


def _entry(scope, prefix: str = "") -> Q:
    if not scope.user_id:
        return NOTHING
    return Q(
        **{
            f"{prefix}owner_id": scope.user_id,
            f"{prefix}deleted_at__isnull": True,
            f"{prefix}message__agency_id__in": _agencies(scope),
        }
    )


def _own_messages(scope):
    return MailboxEntry.objects.filter(_entry(scope)).values("message_id")


def _message(scope) -> Q:
    return Q(pk__in=_own_messages(scope)) if scope.user_id else NOTHING


def _of_message(scope) -> Q:
    return Q(message_id__in=_own_messages(scope)) if scope.user_id else NOTHING


def _folder(scope) -> Q:
    return Q(owner_id=scope.user_id) if scope.user_id else NOTHING


def readable_files(scope):
    """The stored files of the attachments of the messages ``scope`` sees."""
    return Attachment.objects.filter(_of_message(scope)).values("file_id")


authz.register(MailboxEntry, view=_entry, manage=_entry)
authz.register(Message, view=_message, manage=_message)
authz.register(Addressee, view=_of_message, manage=_of_message)
authz.register(Attachment, view=_of_message, manage=_of_message)
authz.register(Folder, view=_folder, manage=_folder)
