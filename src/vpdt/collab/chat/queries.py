"""Reading conversations (no changes here: see :mod:`.services`). Everything goes through :mod:`.policies`."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from vpdt.core.authz import manageable, visible

from .models import Attachment, Conversation, Kind, Member, Message

PAGE = 30  # messages shown at once; older ones are read by "Tin nhắn cũ hơn"
UNREAD_CAP = 99


def conversations(user) -> QuerySet:
    return visible(Conversation, user)


def managed(user) -> QuerySet:
    return manageable(Conversation, user)


def memberships(user) -> QuerySet:
    """The person's own current memberships (one per conversation they are in), with each conversation's unread
    count for them (messages of others after the last one they read), most recent conversation first."""
    unread = (
        Message.objects.filter(conversation_id=OuterRef("conversation_id"), id__gt=OuterRef("last_read_id"))
        .exclude(sender_id=user.pk)
        .order_by()
        .values("conversation_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        visible(Member, user)
        .filter(user_id=user.pk)
        .select_related("conversation")
        .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
        .order_by("-conversation__last_message_id", "-conversation_id")
    )


def unread_conversations(user) -> QuerySet:
    """The person's conversations with a message they have not read (the menu's badge)."""
    return visible(Member, user).filter(user_id=user.pk, conversation__last_message_id__gt=F("last_read_id"))


def membership(user, conversation) -> Member | None:
    return visible(Member, user).filter(user_id=user.pk, conversation_id=conversation.pk).first()


def members(user, conversation) -> QuerySet:
    """The current members of a conversation the person reads, managers first, then by name."""
    return (
        visible(Member, user)
        .filter(conversation_id=conversation.pk, left_at__isnull=True)
        .select_related("user")
        .order_by("-is_manager", "user__full_name", "user_id")
    )


def messages(user, conversation, *, after: int | None = None, before: int | None = None, limit: int = PAGE):
    """Messages of a conversation the person reads, in order, through the (conversation, id) index: those after
    ``after`` (oldest first, at most ``limit``), else the ``limit`` newest before ``before`` (or the newest)."""
    qs = (
        visible(Message, user)
        .filter(conversation_id=conversation.pk)
        .select_related("sender")
        .prefetch_related("attachments__file", "mentions")
    )
    if after is not None:
        return list(qs.filter(id__gt=after).order_by("id")[:limit])
    if before is not None:
        qs = qs.filter(id__lt=before)
    return list(reversed(qs.order_by("-id")[:limit]))


def attachment(user, conversation_pk: int, pk: int) -> Attachment | None:
    return (
        visible(Attachment, user)
        .filter(pk=pk, message__conversation_id=conversation_pk)
        .select_related("file", "message")
        .first()
    )


def direct_partner(user, conversation) -> Member | None:
    """The other person of a one-to-one conversation."""
    if conversation.kind != Kind.DIRECT:
        return None
    return (
        visible(Member, user)
        .filter(conversation_id=conversation.pk)
        .exclude(user_id=user.pk)
        .select_related("user")
        .first()
    )


def partners(user, conversation_ids) -> dict[int, str]:
    """For a page of one-to-one conversations: conversation id → the other person's name (one query)."""
    rows = (
        visible(Member, user)
        .filter(conversation_id__in=list(conversation_ids), conversation__kind=Kind.DIRECT)
        .exclude(user_id=user.pk)
        .values_list("conversation_id", "user__full_name")
    )
    return dict(rows)


def title_of(user, conversation, partner_names: dict[int, str] | None = None) -> str:
    if conversation.is_group:
        return conversation.title
    if partner_names is not None and conversation.pk in partner_names:
        return partner_names[conversation.pk]
    partner = direct_partner(user, conversation)
    return partner.user.full_name if partner else str(conversation)


def unread_count(member: Member) -> int:
    """Messages of others after the last one the member read, counted up to ``UNREAD_CAP + 1`` on the index."""
    ids = (
        Message.objects.filter(conversation_id=member.conversation_id, id__gt=member.last_read_id)
        .exclude(sender_id=member.user_id)
        .values_list("id", flat=True)[: UNREAD_CAP + 1]
    )
    return len(ids)
