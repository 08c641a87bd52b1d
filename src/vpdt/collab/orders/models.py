"""Tasks as official orders (giao việc, nhắc việc; SPEC §5).

* :class:`Task` — a task (nhiệm vụ) a leader assigns to one lead, a person or a unit, with cooperating people or
  units (:class:`Cooperator`): an official order from superior to subordinate, within one agency. It has a deadline,
  a priority, a description, attachments (:class:`TaskFile`) and linked documents (:class:`TaskLink`). A sub-task
  (``parent``) is delegated by the head of the lead unit to a person of that unit.
* :class:`ProgressReport` — the lead's report of progress (a percentage, text, attachments).
* :class:`FollowUp` — the assigner's follow-up (đôn đốc): nhắc nhở, phê bình or kiểm điểm, counted per assignee,
  told through the notifications app; :class:`FollowUpDelivery` records, per person and channel, what the
  notifications app did with it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Đã giao")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    REVIEW = "review", _("Chờ đánh giá")
    DONE = "done", _("Hoàn thành")
    RETURNED = "returned", _("Bị trả lại")


OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.REVIEW)


class Priority(models.IntegerChoices):
    LOW = 1, _("Thấp")
    NORMAL = 2, _("Bình thường")
    HIGH = 3, _("Cao")
    URGENT = 4, _("Khẩn")


class Task(models.Model):
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks", verbose_name="nhiệm vụ cha"
    )
    assigner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người giao"
    )
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người chủ trì",
    )
    lead_unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đơn vị chủ trì",
    )
    title = models.CharField("tên nhiệm vụ", max_length=300)
    description = models.TextField("nội dung", max_length=10000, blank=True)
    priority = models.PositiveSmallIntegerField("độ ưu tiên", choices=Priority.choices, default=Priority.NORMAL)
    deadline = models.DateField("hạn hoàn thành")
    status = models.CharField("trạng thái", max_length=20, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    incoming_id = models.PositiveBigIntegerField("văn bản đến giao việc", null=True, blank=True)
    result = models.TextField("kết quả", max_length=10000, blank=True)
    reason = models.CharField("lý do trả lại gần nhất", max_length=500, blank=True)
    extension_until = models.DateField("đề nghị gia hạn đến", null=True, blank=True)
    extension_reason = models.CharField("lý do đề nghị gia hạn", max_length=500, blank=True)
    created_at = models.DateTimeField("lúc giao", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField("lúc hoàn thành", null=True, blank=True)

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(lead_user__isnull=False, lead_unit__isnull=True))
                | models.Q(lead_user__isnull=True, lead_unit__isnull=False),
                name="task_one_lead",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="task_progress_percent"),
        ]
        indexes = [
            models.Index(fields=["lead_user", "status", "deadline"], name="task_lead_user_status"),
            models.Index(fields=["lead_unit", "status", "deadline"], name="task_lead_unit_status"),
            models.Index(fields=["assigner", "status", "deadline"], name="task_assigner_status"),
            models.Index(fields=["agency", "status", "deadline"], name="task_agency_status"),
            models.Index(fields=["incoming_id"], name="task_incoming"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def lead_name(self) -> str:
        return self.lead_user.full_name if self.lead_user_id else self.lead_unit.name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Cooperator(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="cooperators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "người, đơn vị phối hợp"
        verbose_name_plural = "người, đơn vị phối hợp"
        indexes = [models.Index(fields=["user", "task"]), models.Index(fields=["unit", "task"])]

    def __str__(self) -> str:
        return self.user.full_name if self.user_id else self.unit.name


class LinkKind(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")
    DOSSIER = "dossier", _("Hồ sơ")


class TaskLink(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField("loại", max_length=10, choices=LinkKind.choices)
    object_id = models.PositiveBigIntegerField("mã")
    label = models.CharField("tên", max_length=300)

    class Meta:
        verbose_name = "văn bản liên quan"
        verbose_name_plural = "văn bản liên quan"
        constraints = [models.UniqueConstraint(fields=["task", "kind", "object_id"], name="task_link_once")]

    def __str__(self) -> str:
        return self.label


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    progress = models.PositiveSmallIntegerField("tiến độ (%)")
    text = models.TextField("nội dung báo cáo", max_length=10000)
    created_at = models.DateTimeField("lúc báo cáo", auto_now_add=True)

    class Meta:
        verbose_name = "báo cáo tiến độ"
        verbose_name_plural = "báo cáo tiến độ"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.progress}%"


class TaskFile(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="files")
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    file = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "tệp đính kèm nhiệm vụ"
        verbose_name_plural = "tệp đính kèm nhiệm vụ"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.original_name


class FollowUpKind(models.TextChoices):
    REMIND = "remind", _("Nhắc nhở")
    CRITICISE = "criticise", _("Phê bình")
    REVIEW = "review", _("Kiểm điểm")


class FollowUp(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="followups")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The assignee it is counted against: the lead person, or the lead unit.
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee_unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("hình thức", max_length=10, choices=FollowUpKind.choices)
    text = models.TextField("nội dung", max_length=2000)
    created_at = models.DateTimeField("lúc đôn đốc", auto_now_add=True)

    class Meta:
        verbose_name = "đôn đốc"
        verbose_name_plural = "đôn đốc"
        ordering = ["-id"]
        indexes = [models.Index(fields=["assignee_user", "kind"]), models.Index(fields=["assignee_unit", "kind"])]

    def __str__(self) -> str:
        return self.get_kind_display()


class DeliveryStatus(models.TextChoices):
    DELIVERED = "delivered", _("Đã hiện trong hệ thống")
    HANDED = "handed", _("Đã chuyển cho kênh gửi")
    SKIPPED = "skipped", _("Không gửi")


class FollowUpDelivery(models.Model):
    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("kênh", max_length=20)
    status = models.CharField("kết quả", max_length=10, choices=DeliveryStatus.choices)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    notification_id = models.PositiveBigIntegerField("mã thông báo", null=True, blank=True)

    class Meta:
        verbose_name = "kết quả gửi đôn đốc"
        verbose_name_plural = "kết quả gửi đôn đốc"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["followup", "user", "channel"], name="followup_delivery_once")]

    def __str__(self) -> str:
        return f"{self.channel}: {self.get_status_display()}"
