"""Reading notifications and preferences (no changes here: see :mod:`.services`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from vpdt.core import authz
from vpdt.core.authz import visible

from . import channels, topics
from .models import Notification, Preference


def inbox(user, *, unread_only: bool = False) -> QuerySet:
    """The person's own notifications (nobody reads another's), newest first."""
    qs = visible(Notification, user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-id")


def unread_of(user) -> QuerySet:
    """The person's unread notifications through the same policy, without building their whole scope (the policy
    reads only who the person is): the bell asks for its count every few seconds, one query each time."""
    own = authz.predicate(Notification, "view", authz.Scope(user_id=user.pk, agency_id=None))
    return Notification.objects.filter(own, read_at__isnull=True)


def unread_about(user_ids: Iterable[int], verb: str, target_type: str, target_id: int) -> set[int]:
    """Which of ``user_ids`` still have an unread ``verb`` notice about the object: for callers that tell a person
    once about an object until they have read it (a conversation's new messages)."""
    return set(
        Notification.objects.filter(
            user_id__in=list(user_ids), verb=verb, target_type=target_type, target_id=target_id, read_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def bell_badge(user) -> str:
    """:func:`unread_badge`, for the bell's polling."""
    found = len(unread_of(user).order_by("-id").values_list("id", flat=True)[:100])
    return "" if not found else ("99+" if found > 99 else str(found))


def unread_count(user) -> int:
    return inbox(user, unread_only=True).count()


def unread_badge(user) -> str:
    """The count pages show (the top bar, the screen's title): "" when none, "99+" beyond 99. Read from at most 100
    ids of the inbox index, never a COUNT over everything unread."""
    found = len(inbox(user, unread_only=True).values_list("id", flat=True)[:100])
    return "" if not found else ("99+" if found > 99 else str(found))


def choices(user) -> dict[tuple[str, str], bool]:
    """Whether each channel is on for each topic, for ``user``: their choice, else the topic's default."""
    result = {
        (t.code, c.code): not c.optional or c.code in t.default_channels
        for t in topics.every()
        for c in channels.every()
    }
    for topic, channel, enabled in Preference.objects.filter(user_id=user.pk).values_list(
        "topic", "channel", "enabled"
    ):
        if (topic, channel) in result and channels.get(channel).optional:
            result[topic, channel] = enabled
    return result


def wanting(user_ids: Iterable[int], topic: topics.Topic, channel: channels.Channel) -> set[int]:
    """Which of ``user_ids`` receive ``topic`` through ``channel``."""
    user_ids = set(user_ids)
    if not channel.optional:
        return user_ids
    chosen = dict(
        Preference.objects.filter(user_id__in=user_ids, topic=topic.code, channel=channel.code).values_list(
            "user_id", "enabled"
        )
    )
    default = channel.code in topic.default_channels
    wanted = {pk for pk in user_ids if chosen.get(pk, default)}
    return channel.reaches(wanted) if wanted and channel.reaches else wanted


@dataclass(frozen=True)
class Outcome:
    """What became of a notification for one person on one channel: ``delivered`` (shown in the application),
    ``handed`` (given to the channel, sent after the transaction) or ``skipped`` (with the reason)."""

    user: object
    channel: str
    status: str
    note: str = ""
    notification_id: int | None = None


def outcomes(people: list, topic: topics.Topic, rows: list) -> list[Outcome]:
    """Per person and channel, what :func:`vpdt.notifications.services.notify` did with ``rows`` (its notifications
    of ``topic`` to ``people``): the record of a delivery, so that nothing claims a message went that did not."""
    by_user = {n.user_id: n.pk for n in rows}
    ids = [p.pk for p in people]
    found = []
    for channel in channels.every():
        if channel.send is None:
            found += [Outcome(p, channel.code, "delivered", "", by_user[p.pk]) for p in people if p.pk in by_user]
            continue
        wanted = wanting(ids, topic, channel)
        unfiltered = channels.Channel(channel.code, channel.label, send=channel.send, optional=channel.optional)
        chosen = wanting(ids, topic, unfiltered)  # who chose the channel, reachable or not
        for person in people:
            if person.pk in wanted:
                status, note = "handed", ""
            elif person.pk not in chosen:
                status, note = "skipped", "Người nhận không chọn nhận nhắc hạn qua kênh này."
            else:
                status = "skipped"
                note = str(channel.unavailable(person) or "Kênh này chưa tới được người nhận (chưa đăng ký thiết bị).")
            found.append(Outcome(person, channel.code, status, note[:300], by_user.get(person.pk)))
    return found
