"""Notifications: the one way the code base tells a person something (thông báo).

Design:

* :func:`notify` is the only writer. A caller names the people, the *verb* (what happened, e.g.
  ``"outgoing.review_requested"``), the *topic* (:mod:`.topics`: work, reminder, news), the text, and the
  *target* object. The address is never written by hand: it is the target's, as its app registered it in
  :mod:`.links` (``links.register(OutgoingDocument, "outgoing:detail")``), or ``url_name`` (and ``url_args``),
  reversed, when the notice leads elsewhere (a clerk's list of deliveries). So this app imports no document app:
  the document apps import it.
* One row per person is stored: it is the in-app notification (the notifications screen, the count in the top
  bar). The other channels (:mod:`.channels`, a registry: e-mail today, SMS or push later) send a copy to the
  people whose preferences ask for it, once the caller's transaction commits.
* Preferences (:class:`.models.Preference`) are per person, topic and channel; without a choice the topic's
  default holds (reminders by e-mail, the rest in the application only). The in-app channel cannot be turned off.
* A person sees, reads and marks read only their own notifications (:mod:`.policies`, a queryset filter).
* Marking read is not a business event and is not journaled; creating a notification is not journaled either
  (the action that caused it is). Changing one's preferences is: ``notifications.preferences``, on the account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.core import realtime
from vpdt.journal import services as journal

from . import channels, links, queries, tasks, topics
from .models import Notification, Preference


def notify(
    recipients: Iterable,
    verb: str,
    *,
    text: str,
    topic: topics.Topic = topics.NEWS,
    target: Model | None = None,
    url_name: str | None = None,
    url_args: Iterable = (),
    body: str = "",
) -> list[Notification]:
    """Tell ``recipients`` (users; None and repeats are skipped) that ``verb`` happened, in one line of ``text``
    (``body``: the longer message an e-mail carries). Call inside the transaction of the action it announces."""
    people = list({u.pk: u for u in recipients if u is not None}.values())
    if not people:
        return []
    if url_name:
        url = reverse(url_name, args=list(url_args))
    else:
        url = links.url_for(target) if target is not None else ""
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                verb=verb,
                topic=topic.code,
                text=text[:500],
                body=body,
                url=url,
                target_type=target._meta.label_lower if target is not None else "",
                target_id=target.pk if target is not None else None,
            )
            for user in people
        ]
    )
    realtime.publish([u.pk for u in people], "notification")
    for channel in channels.sending():
        wanted = queries.wanting([u.pk for u in people], topic, channel)
        ids = [n.pk for n in rows if n.user_id in wanted]
        if ids:
            transaction.on_commit(partial(tasks.deliver.delay, channel.code, ids), robust=True)
    return rows


def mark_read(user, notification: Notification) -> bool:
    """Mark one of the person's own notifications read; False when it already was (or is not theirs)."""
    done = bool(queries.inbox(user, unread_only=True).filter(pk=notification.pk).update(read_at=timezone.now()))
    if done:
        realtime.publish([user.pk], "notification")  # the person's other open pages
    return done


def mark_all_read(user) -> int:
    done = queries.inbox(user, unread_only=True).update(read_at=timezone.now())
    if done:
        realtime.publish([user.pk], "notification")
    return done


def set_preferences(user, wanted: Mapping[tuple[str, str], bool]) -> dict[tuple[str, str], bool]:
    """Set the person's channels: ``wanted`` maps (topic, channel) codes to on or off; pairs not given keep their
    value. Journaled when something changes. Returns every (topic, channel) with its value."""
    errors = []
    for topic, channel in wanted:
        try:
            topics.get(topic)
        except KeyError:
            errors.append(f"Nhóm thông báo không hợp lệ: “{topic}”.")
        try:
            optional = channels.get(channel).optional
        except KeyError:
            errors.append(f"Kênh thông báo không hợp lệ: “{channel}”.")
            continue
        if not optional and not wanted[topic, channel]:
            errors.append(f"Không tắt được kênh “{channels.get(channel).label}”: thông báo luôn hiện trong hệ thống.")
    if errors:
        raise ValidationError({"choices": errors})
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one change of a person's choices at a time
        current = queries.choices(user)
        changed = {pair: value for pair, value in wanted.items() if current[pair] != value}
        if not changed:
            return current
        for (topic, channel), enabled in changed.items():
            Preference.objects.update_or_create(user=user, topic=topic, channel=channel, defaults={"enabled": enabled})
        journal.record(
            "notifications.preferences",
            actor=user,
            obj=user,
            details={
                "enabled": sorted(f"{t}:{c}" for (t, c), on in changed.items() if on),
                "disabled": sorted(f"{t}:{c}" for (t, c), on in changed.items() if not on),
            },
        )
    return {**current, **changed}
