"""The organisation directory: agencies (4-level tree), units, positions and roles (SPEC §1)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from treebeard.mp_tree import MP_Node

from vpdt.core.roles import Role

# QCVN 102:2016 style (000.00.00.H41) and the QĐ 20/2020/QĐ-TTg style (H41.15.03.001, H41.15).
# ASCII digits only (\d alone would accept e.g. fullwidth or Arabic-Indic digits); fullmatch, not a trailing "\n".
ORGAN_ID_RE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}|[A-Z]\d{2}(\.\d{2}){0,2}(\.\d{3})?)$", re.ASCII)


def validate_organ_id(value: str) -> None:
    if not ORGAN_ID_RE.fullmatch(value or ""):
        raise ValidationError(
            "Mã định danh không hợp lệ. Dùng dạng 000.00.00.H41 (QCVN 102:2016) "
            "hoặc H41.15.03.001 (QĐ 20/2020/QĐ-TTg).",
            code="organ_id",
        )


def validate_abbreviation(value: str) -> None:
    if not re.fullmatch(r"[0-9A-Za-zĐđ]+", value or ""):
        raise ValidationError("Tên viết tắt chỉ gồm chữ cái và chữ số, không có dấu cách (ví dụ: SXD, VP, KHTC).")


class Level(models.IntegerChoices):
    CENTRAL = 1, "Trung ương"
    PROVINCE = 2, "Tỉnh"
    DISTRICT = 3, "Huyện"
    COMMUNE = 4, "Xã"


class Agency(MP_Node):
    """Cơ quan, tổ chức. The tree follows the exchange hierarchy (liên thông 4 cấp)."""

    name = models.CharField("tên cơ quan", max_length=200)
    short_name = models.CharField("tên viết tắt", max_length=30, validators=[validate_abbreviation])
    code = models.CharField("mã định danh", max_length=40, unique=True, validators=[validate_organ_id])
    level = models.IntegerField("cấp", choices=Level.choices)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    fax = models.CharField("fax", max_length=50, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    website = models.CharField("trang thông tin", max_length=200, blank=True)
    exchange_only_with_parent = models.BooleanField(
        "chỉ trao đổi văn bản với cơ quan cấp trên",
        default=False,
        help_text="Đơn vị trực thuộc chỉ gửi, nhận văn bản với cơ quan chủ quản.",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    node_order_by = None

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan"
        indexes = [models.Index(fields=["name", "id"]), models.Index(fields=["level"])]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """Phòng, ban, đơn vị inside an agency."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units", verbose_name="cơ quan")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="thuộc đơn vị"
    )
    name = models.CharField("tên đơn vị", max_length=200)
    short_name = models.CharField("tên viết tắt", max_length=30, validators=[validate_abbreviation])
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["agency", "short_name"], name="unit_short_name_per_agency"),
        ]
        indexes = [models.Index(fields=["agency", "name", "id"])]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A post a person holds: title and role, in an agency and optionally a unit.

    A person may hold several positions, e.g. a deputy director who also heads a unit.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="positions", verbose_name="người giữ chức vụ"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="positions", verbose_name="cơ quan")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="positions", verbose_name="đơn vị"
    )
    title = models.CharField("chức danh", max_length=100)
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    is_primary = models.BooleanField("chức vụ chính", default=True)
    is_active = models.BooleanField("đang giữ", default=True)
    started_on = models.DateField("từ ngày", null=True, blank=True)
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        indexes = [models.Index(fields=["user", "is_active"]), models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        where = self.unit.short_name if self.unit_id else self.agency.short_name
        return f"{self.title} ({where})"

    def clean(self):
        if self.unit_id and self.agency_id and self.unit.agency_id != self.agency_id:
            raise ValidationError({"unit": "Đơn vị không thuộc cơ quan đã chọn."})
        if self.role == Role.UNIT_LEADER and not self.unit_id:
            raise ValidationError({"unit": "Lãnh đạo đơn vị phải gắn với một đơn vị."})
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "Ngày kết thúc phải sau ngày bắt đầu."})
