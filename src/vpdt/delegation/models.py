"""Delegation (ủy quyền, ND30 Điều 13; SPEC §3.3): a person lets another act for them, for a period and a scope.

A delegation is always time-limited and never transitive: the delegate acts for the delegator only, and
cannot pass that authority on (a TUQ delegation cannot be sub-delegated). It expires on its own at the end
of ``ends_on``; it can be revoked earlier. Actions taken under it are journaled "on behalf of" the delegator.
"""

from django.conf import settings
from django.db import models


class DelegationScope(models.TextChoices):
    ALL = "all", "Xử lý văn bản đến và duyệt, ký văn bản đi"
    INCOMING = "incoming", "Xử lý văn bản đến"
    APPROVAL = "approval", "Duyệt, ký văn bản đi"


class Delegation(models.Model):
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="delegations", verbose_name="cơ quan"
    )
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name="người ủy quyền",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name="người được ủy quyền",
    )
    scope = models.CharField("phạm vi", max_length=10, choices=DelegationScope.choices, default=DelegationScope.ALL)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến hết ngày")
    reason = models.CharField("lý do", max_length=500)
    reference = models.CharField("văn bản ủy quyền (số, ký hiệu)", max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("thời điểm thu hồi", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField("lý do thu hồi", max_length=500, blank=True)
    expiry_notified = models.BooleanField("đã báo hết hạn", default=False)

    class Meta:
        verbose_name = "ủy quyền"
        verbose_name_plural = "ủy quyền"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="delegation_period_order"
            ),
            models.CheckConstraint(condition=~models.Q(delegator=models.F("delegate")), name="delegation_not_self"),
        ]
        indexes = [
            models.Index(fields=["delegate", "starts_on", "ends_on"]),
            models.Index(fields=["delegator", "starts_on", "ends_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} ủy quyền cho {self.delegate} ({self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y})"
