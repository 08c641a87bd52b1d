"""Conversations (hội thoại), their members and messages.

* A conversation belongs to one agency; its members are people of that agency. A one-to-one conversation has
  exactly two members and no manager, and there is one per pair of people (``direct_key``). A group has a title and
  a manager (the creator), who adds and removes members; any member may leave.
* A membership is never deleted: leaving or being removed sets ``left_at`` (the record of who was in the group
  when). Only current members read the conversation (:mod:`.policies`); a former member keeps no history.
* Messages are kept as written: the application never edits nor deletes one, so the table itself is the record
  of what was said, by whom and when (the journal records the membership changes, not each message). Each member's
  ``last_read_id`` (the newest message they have seen) gives their unread count.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DIRECT = "direct", _("Trò chuyện riêng")
    GROUP = "group", _("Nhóm")


class Conversation(models.Model):
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    title = models.CharField("tên nhóm", max_length=200, blank=True)
    direct_key = models.CharField(max_length=50, null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người lập"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_id = models.BigIntegerField(default=0)  # the newest message, for the list's order and unread marks
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "hội thoại"
        verbose_name_plural = "hội thoại"

    def __str__(self) -> str:
        return self.title or f"Trò chuyện riêng #{self.pk}"

    @property
    def is_group(self) -> bool:
        return self.kind == Kind.GROUP


class Member(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_manager = models.BooleanField("trưởng nhóm", default=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    last_read_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "thành viên hội thoại"
        verbose_name_plural = "thành viên hội thoại"
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="chat_member_once")]
        indexes = [
            models.Index(fields=["user", "conversation"], condition=Q(left_at__isnull=True), name="chat_member_now")
        ]

    def __str__(self) -> str:
        return str(self.user)


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("nội dung", blank=True)
    event = models.CharField(max_length=20, blank=True)  # a membership change shown in the thread ("joined", …)
    created_at = models.DateTimeField(auto_now_add=True)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        verbose_name = "tin nhắn"
        verbose_name_plural = "tin nhắn"
        indexes = [models.Index(fields=["conversation", "id"], name="chat_message_history")]

    def __str__(self) -> str:
        return f"Tin nhắn #{self.pk}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "tệp đính kèm tin nhắn"
        verbose_name_plural = "tệp đính kèm tin nhắn"

    def __str__(self) -> str:
        return str(self.file)
