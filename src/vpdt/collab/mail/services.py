"""Internal mail: writing, sending, replying, forwarding, and each person arranging their own copy.

Rules (SPEC §5, thư cá nhân):

* Mail stays inside one agency: the sender writes to people and units of the agency they work in, and only
  current members (an active account with an active position there) and active units are accepted. Mail to
  another agency is an official document and goes through the outgoing register and the exchange, not here.
* A kind (thư, đề nghị, chỉ đạo/yêu cầu), a subject, a body and attachments (stored through Django storages with
  their SHA-256, :mod:`vpdt.storage`).
* A message to a unit reaches the unit's members at the moment it is sent (its current members; a later member
  does not receive it). The unit stays shown as addressed. The sender never receives their own message.
* Each person has their own copy (:class:`.models.MailboxEntry`): reading, moving into a personal folder, the
  trash, restoring and deleting change only that copy; the message and the other copies stay.
* Reply goes to the sender; reply to all to the sender and everyone addressed (units again resolved to their
  current members), the replier left out; forward sends the message, its attachments included, to others.
* A draft (nháp) is a message not yet sent, with only its sender's entry; it is edited and sent later.
* Every command runs in one transaction and is journaled (:mod:`.journal`), except marking read or unread (as
  with notifications). Recipients are notified through :mod:`vpdt.notifications`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from vpdt.core.authz import scope_of, visible
from vpdt.directory import members
from vpdt.directory.models import Unit
from vpdt.journal import services as journal
from vpdt.notifications import services as notifications
from vpdt.notifications import topics
from vpdt.storage import services as storage
from vpdt.storage import uploads

from .models import Addressee, Attachment, Box, Folder, Kind, MailboxEntry, Message

MAX_SUBJECT = 300
MAX_BODY = 20000
MAX_FILES = 20
MAX_ADDRESSEES = 500
MAX_FOLDER_NAME = 100
REPLY_PREFIX = "Trả lời: "
FORWARD_PREFIX = "Chuyển tiếp: "


# ------------------------------------------------------------------------------------------ checks


def _agency_of(actor) -> int:
    scope = scope_of(actor)
    if scope.agency_id is None or not members.is_member(actor, scope.agency_id):
        raise PermissionDenied(gettext("Bạn không giữ chức vụ nào tại cơ quan nên không gửi được thư nội bộ."))
    return scope.agency_id


def _clean(kind: str, subject: str, body: str) -> tuple[str, str, str]:
    errors = {}
    subject = (subject or "").strip()
    body = (body or "").strip()
    if kind not in Kind.values:
        errors["kind"] = "Loại thư không hợp lệ (thư, đề nghị hoặc chỉ đạo, yêu cầu)."
    if not subject:
        errors["subject"] = "Tiêu đề thư là bắt buộc."
    elif len(subject) > MAX_SUBJECT:
        errors["subject"] = f"Tiêu đề thư dài tối đa {MAX_SUBJECT} ký tự."
    if len(body) > MAX_BODY:
        errors["body"] = f"Nội dung thư dài tối đa {MAX_BODY} ký tự."
    if errors:
        raise ValidationError(errors)
    return kind, subject, body


def _addressees(agency_id: int, users: Iterable, units: Iterable) -> tuple[list, list[Unit]]:
    """The people and units named, checked: current members and active units of the agency, each once."""
    users = list({u.pk: u for u in users if u is not None}.values())
    units = list({u.pk: u for u in units if u is not None}.values())
    if len(users) + len(units) > MAX_ADDRESSEES:
        raise ValidationError(
            {
                "recipients": gettext("Gửi tối đa %(max_addressees)s nơi nhận một lần.")
                % {"max_addressees": MAX_ADDRESSEES}
            }
        )
    known_people = set(members.members(agency_id).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    strangers = [u.full_name or u.username for u in users if u.pk not in known_people]
    known_units = set(
        Unit.objects.filter(agency_id=agency_id, is_active=True, pk__in=[u.pk for u in units]).values_list(
            "pk", flat=True
        )
    )
    strangers += [u.name for u in units if u.pk not in known_units]
    if strangers:
        raise ValidationError(
            {
                "recipients": gettext(
                    "Thư nội bộ chỉ gửi cho người và đơn vị đang công tác tại cơ quan của bạn; không gửi được cho: %(value)s."
                )
                % {"value": ", ".join(strangers)}
            },
            code="not_member",
        )
    return users, units


def _resolve(agency_id: int, sender, users: list, units: list[Unit]) -> dict[int, tuple[object, Unit | None]]:
    """Who receives: each person named, and each current member of each unit named (the sender left out).
    Per person: (user, the unit through which they received, None when named)."""
    found: dict[int, tuple[object, Unit | None]] = {}
    for unit in units:
        for user in members.members(agency_id, unit_id=unit.pk).order_by("pk"):
            found.setdefault(user.pk, (user, unit))
    for user in users:
        found[user.pk] = (user, None)
    found.pop(sender.pk, None)
    return found


def _check_files(message: Message | None, files) -> list:
    checked = [uploads.check(f) for f in files]  # raises ValidationError before anything is written
    already = message.attachments.count() if message is not None and message.pk else 0
    if already + len(checked) > MAX_FILES:
        raise ValidationError(
            {"files": gettext("Một thư có tối đa %(max_files)s tệp đính kèm.") % {"max_files": MAX_FILES}}
        )
    return checked


def _store_files(actor, message: Message, checked, saved: list[str]) -> list[str]:
    order = message.attachments.count()
    names = []
    for upload in checked:
        stored = storage.store(
            upload.file, upload.name, folder="mail", content_type=upload.mime, agency=message.agency, actor=actor
        )
        saved.append(stored.name)
        Attachment.objects.create(message=message, file=stored, order=order)
        order += 1
        names.append(upload.name)
    return names


def _set_addressees(message: Message, users: list, units: list[Unit]) -> None:
    message.addressees.all().delete()
    Addressee.objects.bulk_create(
        [Addressee(message=message, unit=u) for u in units] + [Addressee(message=message, user=u) for u in users]
    )


def _discard(saved: list[str]) -> None:
    for name in saved:
        default_storage.delete(name)


# ------------------------------------------------------------------------------------------ writing


def save_draft(
    actor,
    *,
    draft: Message | None = None,
    kind: str = Kind.LETTER,
    subject: str = "",
    body: str = "",
    users: Iterable = (),
    units: Iterable = (),
    files: Iterable = (),
) -> Message:
    """Keep a message to finish later (nháp): new, or ``draft`` updated. Addressees are checked when it is sent."""
    agency_id = _agency_of(actor)
    kind, subject, body = _clean(kind, subject, body)
    checked = _check_files(draft, list(files))
    users, units = list(users), list(units)
    saved: list[str] = []
    try:
        with transaction.atomic():
            if draft is None:
                message = Message.objects.create(
                    agency_id=agency_id, sender=actor, kind=kind, subject=subject, body=body
                )
                MailboxEntry.objects.create(message=message, owner=actor, box=Box.DRAFTS, read_at=timezone.now())
            else:
                message = _locked_draft(actor, draft)
                message.kind, message.subject, message.body = kind, subject, body
                message.save(update_fields=["kind", "subject", "body"])
            _set_addressees(message, users, units)
            names = _store_files(actor, message, checked, saved)
            journal.record(
                "internalmail.draft",
                actor=actor,
                obj=message,
                agency=message.agency,
                details={"subject": subject, "files": names},
            )
    except Exception:
        _discard(saved)
        raise
    return message


def _locked_draft(actor, draft: Message) -> Message:
    message = (
        visible(Message, actor).select_for_update().filter(pk=draft.pk, sender=actor, sent_at__isnull=True).first()
    )
    if message is None:
        raise PermissionDenied(gettext("Thư nháp không còn hoặc đã được gửi."))
    return message


def send(
    actor,
    *,
    kind: str = Kind.LETTER,
    subject: str,
    body: str = "",
    users: Iterable = (),
    units: Iterable = (),
    files: Iterable = (),
    draft: Message | None = None,
    reply_to: Message | None = None,
    forwarded_from: Message | None = None,
) -> Message:
    """Send a message (or the draft ``draft``) to ``users`` and ``units`` of the sender's agency."""
    agency_id = _agency_of(actor)
    kind, subject, body = _clean(kind, subject, body)
    users, units = _addressees(agency_id, users, units)
    if not users and not units:
        raise ValidationError({"recipients": gettext("Chọn ít nhất một người hoặc đơn vị nhận thư.")}, code="required")
    recipients = _resolve(agency_id, actor, users, units)
    if not recipients:
        raise ValidationError(
            {
                "recipients": gettext(
                    "Các đơn vị đã chọn chưa có ai khác ngoài bạn đang công tác; chọn thêm người nhận."
                )
            },
            code="nobody",
        )
    checked = _check_files(draft, list(files))
    saved: list[str] = []
    now = timezone.now()
    try:
        with transaction.atomic():
            if draft is not None:
                message = _locked_draft(actor, draft)
                message.kind, message.subject, message.body, message.sent_at = kind, subject, body, now
                message.save(update_fields=["kind", "subject", "body", "sent_at"])
                MailboxEntry.objects.filter(message=message, owner=actor).update(box=Box.SENT, folder=None)
            else:
                message = Message.objects.create(
                    agency_id=agency_id,
                    sender=actor,
                    kind=kind,
                    subject=subject,
                    body=body,
                    sent_at=now,
                    reply_to=reply_to,
                    forwarded_from=forwarded_from,
                )
                MailboxEntry.objects.create(message=message, owner=actor, box=Box.SENT, read_at=now)
                if forwarded_from is not None:
                    Attachment.objects.bulk_create(
                        Attachment(message=message, file_id=a.file_id, order=i)
                        for i, a in enumerate(forwarded_from.attachments.order_by("order", "id"))
                    )
            _set_addressees(message, users, units)
            names = _store_files(actor, message, checked, saved)
            MailboxEntry.objects.bulk_create(
                MailboxEntry(message=message, owner=user, box=Box.INBOX, via_unit=unit)
                for user, unit in recipients.values()
            )
            journal.record(
                "internalmail.send",
                actor=actor,
                obj=message,
                agency=message.agency,
                details={
                    "kind": kind,
                    "subject": subject,
                    "to": ", ".join([u.name for u in units] + [u.full_name for u in users]),
                    "recipients": len(recipients),
                    "files": names,
                    **({"reply_to": reply_to.pk} if reply_to is not None else {}),
                    **({"forwarded_from": forwarded_from.pk} if forwarded_from is not None else {}),
                },
            )
            who = actor.full_name or actor.username
            with translation.override(settings.LANGUAGE_CODE):  # the notification is kept in Vietnamese
                kind_name = str(Kind(kind).label).lower()
            notifications.notify(
                [user for user, _unit in recipients.values()],
                "internalmail.received",
                text=f"{who} gửi {kind_name}: {subject}",
                topic=topics.NEWS if kind == Kind.LETTER else topics.WORK,
                target=message,
            )
    except Exception:
        _discard(saved)
        raise
    return message


def _readable(actor, message: Message) -> Message:
    found = visible(Message, actor).filter(pk=message.pk, sent_at__isnull=False).first()
    if found is None:
        raise PermissionDenied(gettext("Bạn không có thư này."))
    return found


def _prefixed(prefix: str, subject: str) -> str:
    subject = subject if subject.startswith(prefix) else prefix + subject
    return subject[:MAX_SUBJECT]


def reply_addressees(actor, message: Message, *, to_all: bool) -> tuple[list, list[Unit]]:
    """Whom a reply goes to: the sender; with ``to_all`` also everyone addressed, the replier left out. Only those
    still in the agency (an address that left is dropped). The sender answering their own message writes to
    everyone they had addressed."""
    message = _readable(actor, message)
    to_all = to_all or message.sender_id == actor.pk
    users = [message.sender] if message.sender_id != actor.pk else []
    units: list[Unit] = []
    if to_all:
        for a in message.addressees.select_related("user", "unit"):
            if a.unit_id:
                units.append(a.unit)
            elif a.user_id != actor.pk:
                users.append(a.user)
    current = set(members.members(message.agency_id).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    active = set(
        Unit.objects.filter(pk__in=[u.pk for u in units], is_active=True, agency_id=message.agency_id).values_list(
            "pk", flat=True
        )
    )
    users = list({u.pk: u for u in users if u.pk in current}.values())
    return users, [u for u in units if u.pk in active]


def reply(
    actor, message: Message, *, body: str, to_all: bool = False, kind: str = Kind.LETTER, files: Iterable = ()
) -> Message:
    """Answer ``message``: to its sender, or (``to_all``) to everyone it was addressed to as well."""
    users, units = reply_addressees(actor, message, to_all=to_all)
    if not users and not units:
        raise ValidationError(
            {"recipients": gettext("Người gửi thư không còn công tác tại cơ quan: không trả lời được.")}
        )
    return send(
        actor,
        kind=kind,
        subject=_prefixed(REPLY_PREFIX, message.subject),
        body=body,
        users=users,
        units=units,
        files=files,
        reply_to=message,
    )


def forward(
    actor,
    message: Message,
    *,
    users: Iterable = (),
    units: Iterable = (),
    body: str = "",
    kind: str | None = None,
    files: Iterable = (),
) -> Message:
    """Send ``message`` on, with its attachments, to other people or units of the agency, with a note above."""
    original = _readable(actor, message)
    sent = timezone.localtime(original.sent_at).strftime("%H:%M %d/%m/%Y")
    quoted = (
        f"{body.strip()}\n\n---------- Thư chuyển tiếp ----------\n"
        f"Từ: {original.sender.full_name}\nGửi lúc: {sent}\nTiêu đề: {original.subject}\n\n{original.body}"
    ).strip()
    return send(
        actor,
        kind=kind or original.kind,
        subject=_prefixed(FORWARD_PREFIX, original.subject),
        body=quoted[:MAX_BODY],
        users=users,
        units=units,
        files=files,
        forwarded_from=original,
    )


# ------------------------------------------------------------------------------------------ one's own copy


def _own(actor, entry: MailboxEntry) -> MailboxEntry:
    found = visible(MailboxEntry, actor).select_for_update().filter(pk=entry.pk).select_related("message").first()
    if found is None:
        raise PermissionDenied(gettext("Bạn không có thư này."))
    return found


def mark_read(actor, entry: MailboxEntry, read: bool = True) -> bool:
    """Mark one's copy read (or unread again); False when nothing changed. Not journaled."""
    qs = visible(MailboxEntry, actor).filter(pk=entry.pk, box=Box.INBOX, read_at__isnull=read)
    return bool(qs.update(read_at=timezone.now() if read else None))


def move(actor, entry: MailboxEntry, folder: Folder | None) -> MailboxEntry:
    """Move one's copy into a personal folder, or back to its box (``folder`` None). Leaves the trash."""
    with transaction.atomic():
        entry = _own(actor, entry)
        if entry.box == Box.DRAFTS:
            raise ValidationError(gettext("Thư nháp ở lại hộp Nháp cho đến khi được gửi."))
        if folder is not None and not visible(Folder, actor).filter(pk=folder.pk).exists():
            raise ValidationError({"folder": gettext("Thư mục không tồn tại.")})
        entry.folder, entry.trashed_at = folder, None
        entry.save(update_fields=["folder", "trashed_at"])
        journal.record(
            "internalmail.move",
            actor=actor,
            obj=entry.message,
            agency=entry.message.agency_id,
            details={"folder": folder.name if folder else Box(entry.box).label},
        )
    return entry


def trash(actor, entry: MailboxEntry) -> MailboxEntry:
    """Put one's copy in the trash (the others keep theirs)."""
    with transaction.atomic():
        entry = _own(actor, entry)
        if entry.trashed_at is None:
            entry.trashed_at = timezone.now()
            entry.save(update_fields=["trashed_at"])
            journal.record("internalmail.trash", actor=actor, obj=entry.message, agency=entry.message.agency_id)
    return entry


def restore(actor, entry: MailboxEntry) -> MailboxEntry:
    with transaction.atomic():
        entry = _own(actor, entry)
        if entry.trashed_at is not None:
            entry.trashed_at = None
            entry.save(update_fields=["trashed_at"])
            journal.record("internalmail.restore", actor=actor, obj=entry.message, agency=entry.message.agency_id)
    return entry


def delete(actor, entry: MailboxEntry) -> None:
    """Delete one's copy for good, from the trash: its owner no longer sees it; the message, its attachments and
    the other people's copies stay. A draft deleted is gone for everyone (nobody else has it)."""
    with transaction.atomic():
        entry = _own(actor, entry)
        if entry.trashed_at is None:
            raise ValidationError(gettext("Chỉ xóa hẳn được thư đã ở trong thùng rác."))
        entry.deleted_at = timezone.now()
        entry.save(update_fields=["deleted_at"])
        journal.record("internalmail.delete", actor=actor, obj=entry.message, agency=entry.message.agency_id)


# ------------------------------------------------------------------------------------------ folders


def _folder_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": gettext("Tên thư mục là bắt buộc.")})
    if len(name) > MAX_FOLDER_NAME:
        raise ValidationError(
            {
                "name": gettext("Tên thư mục dài tối đa %(max_folder_name)s ký tự.")
                % {"max_folder_name": MAX_FOLDER_NAME}
            }
        )
    return name


def create_folder(actor, name: str) -> Folder:
    name = _folder_name(name)
    _agency_of(actor)
    try:
        with transaction.atomic():
            folder = Folder.objects.create(owner=actor, name=name)
            journal.record("internalmail.folder_create", actor=actor, obj=folder, details={"name": name})
    except IntegrityError:
        raise ValidationError(
            {"name": gettext("Bạn đã có thư mục “%(name)s”.") % {"name": name}}, code="duplicate"
        ) from None
    return folder


def rename_folder(actor, folder: Folder, name: str) -> Folder:
    name = _folder_name(name)
    try:
        with transaction.atomic():
            found = visible(Folder, actor).select_for_update().filter(pk=folder.pk).first()
            if found is None:
                raise PermissionDenied(gettext("Thư mục không tồn tại."))
            old, found.name = found.name, name
            found.save(update_fields=["name"])
            journal.record(
                "internalmail.folder_rename", actor=actor, obj=found, details={"name": name, "old_name": old}
            )
    except IntegrityError:
        raise ValidationError(
            {"name": gettext("Bạn đã có thư mục “%(name)s”.") % {"name": name}}, code="duplicate"
        ) from None
    return found


def delete_folder(actor, folder: Folder) -> None:
    """Remove a personal folder; the mail in it goes back to its box."""
    with transaction.atomic():
        found = visible(Folder, actor).select_for_update().filter(pk=folder.pk).first()
        if found is None:
            raise PermissionDenied(gettext("Thư mục không tồn tại."))
        moved = MailboxEntry.objects.filter(folder=found).update(folder=None)
        journal.record(
            "internalmail.folder_delete", actor=actor, obj=found, details={"name": found.name, "moved": moved}
        )
        found.delete()


def available_actions(entry: MailboxEntry) -> set[str]:
    """What the owner of ``entry`` may do with it now (the rules the commands above check)."""
    if entry.trashed_at is not None:
        return {"restore", "delete"}
    if entry.box == Box.DRAFTS:
        return {"edit", "trash"}
    found = {"reply", "forward", "move", "trash"}
    if entry.box == Box.INBOX:
        found |= {"reply_all", "mark_unread"}
    return found


def people_and_units(agency_id: int):
    """Whom mail may be addressed to: (units, people) of the agency, by name."""
    units = Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("name")
    people = members.members(agency_id).order_by("full_name", "pk")
    return units, people
