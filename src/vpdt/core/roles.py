"""The roles a position gives (SPEC §1.2): the vocabulary of authorization scopes (:class:`vpdt.core.authz.Scope`
``roles``), held by the directory's positions."""

from django.db import models


class Role(models.TextChoices):
    """Roles of SPEC §1.2."""

    CLERK = "clerk", "Văn thư"
    LEADER = "leader", "Lãnh đạo cơ quan"
    UNIT_LEADER = "unit_leader", "Lãnh đạo đơn vị"
    STAFF = "staff", "Chuyên viên"
    ADMIN = "admin", "Quản trị hệ thống (cơ quan)"
    PROVINCE_ADMIN = "province_admin", "Quản trị hệ thống cấp tỉnh"
    IT_OFFICER = "it_officer", "Cán bộ chuyên trách CNTT"
