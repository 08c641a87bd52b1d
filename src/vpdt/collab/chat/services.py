"""Chat commands: opening a one-to-one conversation, creating a group, adding and removing members, leaving,
sending a message, reading. One transaction each.

* People: current members of the conversation's agency (:mod:`vpdt.directory.members`), never anyone else's.
* The journal records, in Vietnamese sentences, every change of who is in a conversation (opening, creating,
  adding, removing, leaving). A message is not journaled (its text stays out of the journal): the message table,
  which the application never edits nor deletes, is the record; its files are journaled when stored (SHA-256).
* Telling people: each new message nudges the open pages of the members (:func:`vpdt.core.realtime.publish`, kind
  ``"chat"``, with only the conversation's id). The notification bell gets a notice for a one-to-one message (one
  unread notice per conversation, not one per message) and for each mention; group messages show as the unread
  badge of the menu's "Hội thoại". Reading a conversation marks its notices read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from vpdt.accounts.models import User
from vpdt.core import realtime
from vpdt.core.authz import scope_of
from vpdt.directory import members as directory
from vpdt.journal import services as journal
from vpdt.notifications import queries as notices
from vpdt.notifications import services as notifications
from vpdt.notifications import topics
from vpdt.storage import services as storage
from vpdt.storage import uploads

from . import queries
from .models import Attachment, Conversation, Kind, Member, Message

MAX_TEXT = 4000
MAX_TITLE = 200
MAX_FILES = 10
MAX_GROUP = 500
TARGET_TYPE = Conversation._meta.label_lower


def _agency_of(actor) -> int:
    scope = scope_of(actor)
    if scope.agency_id is None or not directory.is_member(actor, scope.agency_id):
        raise PermissionDenied(gettext("Bạn không còn giữ chức vụ nào tại cơ quan nên không dùng được hội thoại."))
    return scope.agency_id


def _colleagues(agency_id: int, people: Iterable, *, field: str = "members") -> list:
    people = list({p.pk: p for p in people if p is not None}.values())
    found = set(directory.members(agency_id).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    strangers = [p.full_name for p in people if p.pk not in found]
    if strangers:
        raise ValidationError(
            {field: gettext("Chỉ trò chuyện được với người đang công tác tại cơ quan: ") + ", ".join(strangers) + "."},
            code="not_member",
        )
    return people


def _readable(actor, conversation) -> Conversation:
    found = queries.conversations(actor).filter(pk=conversation.pk).select_for_update(of=("self",)).first()
    if found is None:
        raise PermissionDenied(gettext("Bạn không ở trong hội thoại này."))
    return found


def _managed(actor, conversation) -> Conversation:
    conversation = _readable(actor, conversation)
    if not conversation.is_group:
        raise ValidationError(gettext("Trò chuyện riêng không thêm, bớt được thành viên."), code="direct")
    if not queries.managed(actor).filter(pk=conversation.pk).exists():
        raise PermissionDenied(gettext("Chỉ trưởng nhóm được thêm, bớt thành viên."))
    return conversation


def _names(people) -> str:
    return ", ".join(p.full_name for p in people)


def _event(conversation, actor, event: str, text: str) -> Message:
    """A line in the thread telling who joined or left (shown to the members, nudging their pages)."""
    message = Message.objects.create(conversation=conversation, sender=actor, event=event, text=text)
    _advance(conversation, message, actor)
    realtime.publish(_current_ids(conversation), "chat", conversation=conversation.pk)
    return message


def _advance(conversation, message, sender) -> None:
    Conversation.objects.filter(pk=conversation.pk, last_message_id__lt=message.pk).update(
        last_message_id=message.pk, last_message_at=message.created_at
    )
    Member.objects.filter(conversation_id=conversation.pk, user_id=sender.pk, last_read_id__lt=message.pk).update(
        last_read_id=message.pk
    )


def _current_ids(conversation) -> list[int]:
    return list(
        Member.objects.filter(conversation_id=conversation.pk, left_at__isnull=True).values_list("user_id", flat=True)
    )


# ------------------------------------------------------------------------------------------ conversations


def open_direct(actor, other) -> Conversation:
    """The one-to-one conversation between ``actor`` and ``other`` (a colleague), opened the first time."""
    agency_id = _agency_of(actor)
    if other is None or other.pk == actor.pk:
        raise ValidationError({"person": gettext("Hãy chọn một người khác để trò chuyện.")}, code="self")
    _colleagues(agency_id, [other], field="person")
    key = f"{agency_id}:{min(actor.pk, other.pk)}:{max(actor.pk, other.pk)}"
    existing = Conversation.objects.filter(direct_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                agency_id=agency_id, kind=Kind.DIRECT, direct_key=key, created_by=actor
            )
            Member.objects.bulk_create(
                [Member(conversation=conversation, user=actor), Member(conversation=conversation, user=other)]
            )
            journal.record(
                "chat.direct", actor=actor, obj=conversation, agency=agency_id, details={"person": other.full_name}
            )
    except IntegrityError:  # opened at the same moment by the other person
        return Conversation.objects.get(direct_key=key)
    return conversation


def create_group(actor, title: str, people: Iterable) -> Conversation:
    """A group conversation with ``actor`` as its manager and ``people`` (colleagues) as members."""
    agency_id = _agency_of(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": gettext("Hãy đặt tên cho nhóm.")}, code="required")
    if len(title) > MAX_TITLE:
        raise ValidationError(
            {"title": gettext("Tên nhóm tối đa %(max_title)s ký tự.") % {"max_title": MAX_TITLE}}, code="max_length"
        )
    others = [p for p in _colleagues(agency_id, people) if p.pk != actor.pk]
    if not others:
        raise ValidationError({"members": gettext("Hãy chọn ít nhất một thành viên khác cho nhóm.")}, code="required")
    if len(others) + 1 > MAX_GROUP:
        raise ValidationError(
            {"members": gettext("Một nhóm có tối đa %(max_group)s thành viên.") % {"max_group": MAX_GROUP}}, code="max"
        )
    with transaction.atomic():
        conversation = Conversation.objects.create(agency_id=agency_id, kind=Kind.GROUP, title=title, created_by=actor)
        Member.objects.bulk_create(
            [Member(conversation=conversation, user=actor, is_manager=True)]
            + [Member(conversation=conversation, user=p) for p in others]
        )
        journal.record(
            "chat.create", actor=actor, obj=conversation, agency=agency_id, details={"members": _names(others)}
        )
        _event(conversation, actor, "created", f"{actor.full_name} đã lập nhóm cùng {_names(others)}.")
    return conversation


def add_members(actor, conversation, people: Iterable) -> list:
    """The manager adds colleagues to the group (a former member comes back). Returns those added."""
    with transaction.atomic():
        conversation = _managed(actor, conversation)
        people = _colleagues(conversation.agency_id, people)
        current = set(_current_ids(conversation))
        added = [p for p in people if p.pk not in current]
        if not added:
            raise ValidationError({"members": gettext("Những người được chọn đã ở trong nhóm.")}, code="already")
        if len(current) + len(added) > MAX_GROUP:
            raise ValidationError(
                {"members": gettext("Một nhóm có tối đa %(max_group)s thành viên.") % {"max_group": MAX_GROUP}},
                code="max",
            )
        now = timezone.now()
        for person in added:
            updated = Member.objects.filter(conversation=conversation, user=person).update(
                left_at=None, joined_at=now, is_manager=False, last_read_id=0
            )
            if not updated:
                Member.objects.create(conversation=conversation, user=person)
        journal.record("chat.add", actor=actor, obj=conversation, details={"members": _names(added)})
        _event(conversation, actor, "added", f"{actor.full_name} đã thêm {_names(added)} vào nhóm.")
        notifications.notify(
            added,
            "chat.added",
            text=f"{actor.full_name} đã thêm đồng chí vào nhóm hội thoại “{conversation.title}”",
            topic=topics.NEWS,
            target=conversation,
        )
    return added


def remove_member(actor, conversation, person) -> None:
    """The manager removes a member from the group (not themselves: a manager leaves)."""
    with transaction.atomic():
        conversation = _managed(actor, conversation)
        if person.pk == actor.pk:
            raise ValidationError(
                {"member": gettext("Trưởng nhóm muốn ra khỏi nhóm thì chọn “Rời nhóm”.")}, code="self"
            )
        if not Member.objects.filter(conversation=conversation, user=person, left_at__isnull=True).update(
            left_at=timezone.now(), is_manager=False
        ):
            raise ValidationError({"member": gettext("Người này không còn trong nhóm.")}, code="not_member")
        journal.record("chat.remove", actor=actor, obj=conversation, details={"member": person.full_name})
        _event(conversation, actor, "removed", f"{actor.full_name} đã mời {person.full_name} ra khỏi nhóm.")
        realtime.publish([person.pk], "chat", conversation=conversation.pk)


def leave(actor, conversation) -> None:
    """A member leaves the group. When the last manager leaves, the longest-standing member becomes manager."""
    with transaction.atomic():
        conversation = _readable(actor, conversation)
        if not conversation.is_group:
            raise ValidationError(gettext("Không rời được một cuộc trò chuyện riêng."), code="direct")
        Member.objects.filter(conversation=conversation, user=actor, left_at__isnull=True).update(
            left_at=timezone.now(), is_manager=False
        )
        remaining = Member.objects.filter(conversation=conversation, left_at__isnull=True)
        details = {}
        if not remaining.filter(is_manager=True).exists():
            heir = remaining.select_related("user").order_by("joined_at", "id").first()
            if heir is not None:
                Member.objects.filter(pk=heir.pk).update(is_manager=True)
                details["manager"] = heir.user.full_name
        journal.record("chat.leave", actor=actor, obj=conversation, details=details)
        text = f"{actor.full_name} đã rời nhóm."
        if details:
            text += f" {details['manager']} trở thành trưởng nhóm."
        _event(conversation, actor, "left", text)
        realtime.publish([actor.pk], "chat", conversation=conversation.pk)


# ------------------------------------------------------------------------------------------ messages


MENTION = re.compile(r"@(\w[\w.]*(?: \w[\w.]*){0,5})")


def _mentioned(conversation, text: str, chosen: Iterable, sender) -> list:
    """The current members named with "@Họ tên" in the text or chosen explicitly, but not the sender."""
    people = {
        m.user_id: m.user
        for m in Member.objects.filter(conversation=conversation, left_at__isnull=True).select_related("user")
    }
    found = {}
    lowered = text.casefold()
    for pk, person in people.items():
        if f"@{person.full_name}".casefold() in lowered:
            found[pk] = person
    for person in chosen:
        pk = getattr(person, "pk", person)
        if pk not in people:
            raise ValidationError(
                {"mentions": gettext("Chỉ nhắc đến được thành viên của hội thoại.")}, code="not_member"
            )
        found[pk] = people[pk]
    found.pop(sender.pk, None)
    return list(found.values())


def send(actor, conversation, text: str = "", files: Iterable = (), mentions: Iterable = ()) -> Message:
    """Post a message (text and/or files) to a conversation the actor is a current member of."""
    text = (text or "").strip()
    files = list(files)
    if not text and not files:
        raise ValidationError({"text": gettext("Tin nhắn trống: hãy viết nội dung hoặc đính kèm tệp.")}, code="empty")
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": gettext("Tin nhắn tối đa %(max_text)s ký tự.") % {"max_text": MAX_TEXT}}, code="max_length"
        )
    if len(files) > MAX_FILES:
        raise ValidationError(
            {"files": gettext("Mỗi tin nhắn đính kèm tối đa %(max_files)s tệp.") % {"max_files": MAX_FILES}},
            code="max_files",
        )
    checked = [uploads.check(f) for f in files]  # before anything is written
    if not queries.conversations(actor).filter(pk=conversation.pk).exists():
        raise PermissionDenied(gettext("Bạn không ở trong hội thoại này."))
    conversation = Conversation.objects.get(pk=conversation.pk)
    with transaction.atomic():
        mentioned = _mentioned(conversation, text, mentions, actor)
        message = Message.objects.create(conversation=conversation, sender=actor, text=text)
        for upload in checked:
            stored = storage.store(
                upload.file,
                upload.name,
                folder="chat",
                content_type=upload.mime,
                agency=conversation.agency,
                actor=actor,
            )
            Attachment.objects.create(message=message, file=stored)
        if mentioned:
            message.mentions.set(mentioned)
        _advance(conversation, message, actor)
        _tell(actor, conversation, message, mentioned)
    return message


def _tell(actor, conversation, message, mentioned) -> None:
    current = _current_ids(conversation)
    realtime.publish(current, "chat", conversation=conversation.pk)
    name = conversation.title or actor.full_name
    if mentioned:
        notifications.notify(
            mentioned,
            "chat.mention",
            text=f"{actor.full_name} nhắc đến đồng chí trong hội thoại “{name}”",
            topic=topics.WORK,
            target=conversation,
        )
    if not conversation.is_group:
        skip = {actor.pk, *(p.pk for p in mentioned)}
        others = [pk for pk in current if pk not in skip]
        already = notices.unread_about(others, "chat.direct", TARGET_TYPE, conversation.pk)
        recipients = User.objects.filter(pk__in=others).exclude(pk__in=already)
        notifications.notify(
            recipients, "chat.direct", text=f"{actor.full_name} nhắn tin cho đồng chí", target=conversation
        )


def mark_read(actor, conversation, up_to: int) -> bool:
    """The person has seen the conversation's messages up to ``up_to``: their unread count drops, and the
    notices about it are read. False when nothing changed."""
    up_to = min(
        int(up_to),
        Conversation.objects.filter(pk=conversation.pk).values_list("last_message_id", flat=True).first() or 0,
    )
    changed = bool(
        Member.objects.filter(
            conversation_id=conversation.pk, user_id=actor.pk, left_at__isnull=True, last_read_id__lt=up_to
        ).update(last_read_id=up_to)
    )
    if changed:
        read = (
            notices.inbox(actor, unread_only=True)
            .filter(target_type=TARGET_TYPE, target_id=conversation.pk)
            .update(read_at=timezone.now())
        )
        if read:
            realtime.publish([actor.pk], "notification")
    return changed
