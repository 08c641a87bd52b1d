"""Opinion polling on a draft (lấy ý kiến; SPEC §5).

* :class:`PollGrant` — an agency leader's assignment: the person may poll about one outgoing draft, or generally
  (until a date). Only a person holding such a grant opens a poll.
* :class:`Poll` — the question about a draft (an outgoing draft version, or an uploaded file), to the whole agency
  or to chosen units (:class:`PollUnit`), with a deadline. The audience is resolved when the poll opens
  (:class:`Respondent`, one row per person with the unit through which they were asked), so non-response is
  counted per person and per unit.
* :class:`Answer` — Đồng ý, Không đồng ý or Ý kiến khác, with text and attachments (:class:`AnswerFile`); one per
  person, editable until the deadline.
* :class:`DeadlineRequest` — a person of the audience asks for more time to answer, with a reason; the poller grants it (a new
  deadline for the poll) or declines it (with a reason). A request still waiting when the poll ends lapses.
* An open poll is closed by the poller, or by the system once its deadline has passed.
* Closed polls are kept ``VPDT_POLL_RETENTION_MONTHS`` after closing (``expires_at``), extendable.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PollGrant(models.Model):
    agency = models.ForeignKey("directory.Agency", on_delete=models.CASCADE, related_name="+", verbose_name="cơ quan")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_grants", verbose_name="người được giao"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="lãnh đạo giao"
    )
    document = models.ForeignKey(
        "outgoing.OutgoingDocument",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="dự thảo",
    )
    valid_until = models.DateField("hiệu lực đến ngày", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("thời điểm thu hồi", null=True, blank=True)

    class Meta:
        verbose_name = "giao quyền lấy ý kiến"
        verbose_name_plural = "giao quyền lấy ý kiến"
        indexes = [models.Index(fields=["grantee", "revoked_at"])]

    def __str__(self) -> str:
        what = f"dự thảo “{self.document.subject[:80]}”" if self.document_id else "mọi dự thảo"
        return f"{self.grantee.full_name} lấy ý kiến về {what}"


class Choice(models.TextChoices):
    AGREE = "agree", _("Đồng ý")
    DISAGREE = "disagree", _("Không đồng ý")
    OTHER = "other", _("Ý kiến khác")


class PollStatus(models.TextChoices):
    OPEN = "open", _("Đang lấy ý kiến")
    CLOSED = "closed", _("Đã kết thúc")


class Poll(models.Model):
    agency = models.ForeignKey("directory.Agency", on_delete=models.CASCADE, related_name="+", verbose_name="cơ quan")
    poller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="polls", verbose_name="người lấy ý kiến"
    )
    grant = models.ForeignKey(PollGrant, null=True, on_delete=models.SET_NULL, related_name="polls")
    title = models.CharField("tiêu đề", max_length=300)
    question = models.TextField("nội dung xin ý kiến", max_length=5000)
    version = models.ForeignKey(
        "outgoing.Version",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="phiên bản dự thảo",
    )
    file = models.ForeignKey(
        "storage.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="tệp"
    )
    whole_agency = models.BooleanField("toàn cơ quan", default=True)
    deadline = models.DateTimeField("hạn trả lời")
    status = models.CharField("trạng thái", max_length=10, choices=PollStatus.choices, default=PollStatus.OPEN)
    created_at = models.DateTimeField("thời điểm mở", auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField("thời điểm kết thúc", null=True, blank=True)
    summary = models.TextField("tổng hợp ý kiến", blank=True)
    summary_comment = models.BooleanField("đã gửi tổng hợp vào dự thảo", default=False)
    expires_at = models.DateTimeField("lưu đến", null=True, blank=True)
    extension_until = models.DateField("đề nghị gia hạn đến", null=True, blank=True)
    extension_reason = models.CharField("lý do đề nghị gia hạn", max_length=500, blank=True)
    extension_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "đợt lấy ý kiến"
        verbose_name_plural = "đợt lấy ý kiến"
        indexes = [
            models.Index(fields=["agency", "-id"]),
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self) -> str:
        return self.title[:100]

    @property
    def is_open(self) -> bool:
        return self.status == PollStatus.OPEN


class PollUnit(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("directory.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="đơn vị")

    class Meta:
        verbose_name = "đơn vị được lấy ý kiến"
        verbose_name_plural = "đơn vị được lấy ý kiến"
        constraints = [models.UniqueConstraint(fields=["poll", "unit"], name="poll_unit_once")]


class Respondent(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("directory.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "người được lấy ý kiến"
        verbose_name_plural = "người được lấy ý kiến"
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="poll_respondent_once")]
        indexes = [models.Index(fields=["user", "poll"])]


class Answer(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField("ý kiến", max_length=10, choices=Choice.choices)
    text = models.TextField("nội dung", blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        verbose_name = "ý kiến"
        verbose_name_plural = "ý kiến"
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="poll_answer_once")]


class AnswerFile(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="files")
    file = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "tệp đính kèm ý kiến"
        verbose_name_plural = "tệp đính kèm ý kiến"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Chờ trả lời")
    GRANTED = "granted", _("Đã gia hạn")
    DECLINED = "declined", _("Không gia hạn")
    LAPSED = "lapsed", _("Hết hiệu lực (đợt đã kết thúc)")


class DeadlineRequest(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="deadline_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="người đề nghị"
    )
    until = models.DateField("đề nghị gia hạn trả lời đến")
    reason = models.CharField("lý do đề nghị", max_length=500)
    status = models.CharField("trạng thái", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    created_at = models.DateTimeField("thời điểm đề nghị", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("thời điểm trả lời", null=True, blank=True)
    granted_until = models.DateField("gia hạn đến", null=True, blank=True)
    decision_reason = models.CharField("lý do không gia hạn", max_length=500, blank=True)

    class Meta:
        verbose_name = "đề nghị gia hạn trả lời"
        verbose_name_plural = "đề nghị gia hạn trả lời"
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "user"], condition=models.Q(status="pending"), name="poll_one_pending_request"
            )
        ]

    def __str__(self) -> str:
        return f"Đề nghị gia hạn trả lời “{self.poll.title[:80]}”"
