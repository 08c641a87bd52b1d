"""Internal mail (thư cá nhân).

* :class:`Message` — what was written, once: sender, kind, subject, body, attachments, to whom it was addressed
  (:class:`Addressee`, people and units as the sender chose them). A message without ``sent_at`` is a draft.
* :class:`MailboxEntry` — each person's own copy: the sender's (đã gửi, or nháp) and one per recipient (hộp thư
  đến). Reading, moving into a personal folder, the trash and deleting change only the entry, never the message:
  nothing is lost for the other party.
* :class:`Folder` — a person's own folders (thư mục cá nhân).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LETTER = "letter", _("Thư")
    REQUEST = "request", _("Đề nghị")
    ORDER = "order", _("Chỉ đạo, yêu cầu")


class Message(models.Model):
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan", db_index=False
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người gửi"
    )
    kind = models.CharField("loại thư", max_length=10, choices=Kind.choices, default=Kind.LETTER)
    subject = models.CharField("tiêu đề", max_length=300)
    body = models.TextField("nội dung", max_length=20000, blank=True)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies", verbose_name="trả lời thư"
    )
    forwarded_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="chuyển tiếp thư"
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thư nội bộ"
        verbose_name_plural = "thư nội bộ"
        indexes = [models.Index(fields=["agency", "-id"], name="mail_message_agency_idx")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_draft(self) -> bool:
        return self.sent_at is None


class Addressee(models.Model):
    """A person or a unit the sender addressed (kept as addressed; a unit's members are resolved when sending)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="addressees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "nơi nhận thư"
        verbose_name_plural = "nơi nhận thư"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, unit__isnull=True) | Q(user__isnull=True, unit__isnull=False),
                name="mail_addressee_one_of",
            )
        ]

    def __str__(self) -> str:
        return self.unit.name if self.unit_id else self.user.full_name


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "tệp đính kèm thư"
        verbose_name_plural = "tệp đính kèm thư"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.file.original_name


class Folder(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="người dùng", db_index=False
    )
    name = models.CharField("tên thư mục", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thư mục thư"
        verbose_name_plural = "thư mục thư"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="mail_folder_owner_name")]

    def __str__(self) -> str:
        return self.name


class Box(models.TextChoices):
    INBOX = "inbox", _("Hộp thư đến")
    SENT = "sent", _("Đã gửi")
    DRAFTS = "drafts", _("Nháp")


class MailboxEntry(models.Model):
    """One person's copy of a message. ``folder`` set: moved into a personal folder; ``trashed_at``: in the trash;
    ``deleted_at``: deleted from the trash, no longer shown to its owner (the message stays for the others)."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="entries")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người giữ", db_index=False
    )
    box = models.CharField("hộp thư", max_length=10, choices=Box.choices)
    folder = models.ForeignKey(
        Folder, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries", verbose_name="thư mục"
    )
    via_unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="nhận qua đơn vị",
    )
    read_at = models.DateTimeField("đọc lúc", null=True, blank=True)
    trashed_at = models.DateTimeField("chuyển vào thùng rác lúc", null=True, blank=True)
    deleted_at = models.DateTimeField("xóa lúc", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thư trong hộp thư"
        verbose_name_plural = "thư trong hộp thư"
        constraints = [models.UniqueConstraint(fields=["owner", "message"], name="mail_entry_owner_message")]
        indexes = [
            # a box or a folder, newest first (keyset pagination on -id)
            models.Index(
                fields=["owner", "box", "-id"],
                condition=Q(trashed_at__isnull=True, deleted_at__isnull=True, folder__isnull=True),
                name="mail_entry_box_idx",
            ),
            models.Index(
                fields=["owner", "-id"],
                condition=Q(read_at__isnull=True, trashed_at__isnull=True, deleted_at__isnull=True),
                name="mail_entry_unread_idx",
            ),
            models.Index(fields=["folder", "-id"], name="mail_entry_folder_idx"),
            models.Index(
                fields=["owner", "-id"],
                condition=Q(trashed_at__isnull=False, deleted_at__isnull=True),
                name="mail_entry_trash_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.message}"

    @property
    def unread(self) -> bool:
        return self.box == Box.INBOX and self.read_at is None
