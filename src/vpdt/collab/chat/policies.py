"""Who reads a conversation: its current members, and only while the conversation's agency is one where they
hold a position. One SQL predicate per model (see :mod:`vpdt.core.authz`).

* Conversation, Member, Message, Attachment (``view``): the conversation has the person as a current member
  (``left_at`` empty). A person who leaves or is removed keeps no history: the conversation belongs to the group,
  and what was said after they left must not be read through what was said before. A new member reads the whole
  history, as one who joins a meeting reads its minutes.
* Nobody reads another agency's conversations: a membership counts only in an agency of the person's (their
  agency, or one where they hold a position). Administrators and the superuser read no conversation they are not
  in: work chats are not an administrator's business.
* Conversation ``manage`` (add and remove members): the group's current managers.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING

from .models import Attachment, Conversation, Kind, Member, Message


def _agencies(scope) -> list[int]:
    return sorted({scope.agency_id, *scope.position_agency_ids} - {None})


def conversation_ids(scope, **member):
    """The ids of the conversations ``scope`` is a current member of (a subquery on the member index)."""
    return Member.objects.filter(
        user_id=scope.user_id, left_at__isnull=True, conversation__agency_id__in=_agencies(scope), **member
    ).values("conversation_id")


def _view(scope, field: str = "pk") -> Q:
    if not scope.user_id or not _agencies(scope):
        return NOTHING
    return Q(**{f"{field}__in": conversation_ids(scope)})


def _manage(scope) -> Q:
    if not scope.user_id or not _agencies(scope):
        return NOTHING
    return Q(pk__in=conversation_ids(scope, is_manager=True), kind=Kind.GROUP)


authz.register(Conversation, view=_view, manage=_manage)
authz.register(Member, view=lambda s: _view(s, "conversation_id"), manage=lambda s: NOTHING)
authz.register(Message, view=lambda s: _view(s, "conversation_id"), manage=lambda s: NOTHING)
authz.register(Attachment, view=lambda s: _view(s, "message__conversation_id"), manage=lambda s: NOTHING)
