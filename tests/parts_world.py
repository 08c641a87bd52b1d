"""A world for the permission suites of documents with an internal and a shared part.

Sở Xây dựng drafts a reply to Sở Thông tin và Truyền thông and UBND huyện Nghi Lộc, also addressed inside the agency
to a person (Đặng Quốc Tuấn) and to a unit (Phòng Quản lý xây dựng). The unit head returns it once with a reason; it
is revised, a colleague is consulted, comments are written, an appendix and a document for the reviewers are
attached; the director signs it digitally at approval and the clerk issues it with the agency's seal. Sở TTTT
registers its copy and directs it to a staff member; UBND huyện Nghi Lộc has not received its copy yet. A second
draft is still under review.

Every sentence that belongs to the drafting record is unique, so a test can grep any response for it.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import make_person
from tests.signing_support import PASSPHRASE, equip, nd30
from vpdt.catalog.models import DocumentType
from vpdt.delegation import services as delegation
from vpdt.directory import services as directory
from vpdt.directory.models import Role
from vpdt.exchange import internal
from vpdt.incoming import services as incoming
from vpdt.outgoing import services as out
from vpdt.outgoing.models import FileKind, RecipientKind
from vpdt.outgoing.services import RecipientSpec

RETURN_REASON = "Đề nghị bổ sung căn cứ Nghị định 175/2024/NĐ-CP về quản lý hoạt động xây dựng"
COMMENT = "Cần nêu rõ lộ trình triển khai chữ ký số cho hồ sơ thiết kế cơ sở"
DRAFT_ONLY = "dự phòng ngân sách bí mật nội bộ khoanh nợ"  # only in version 1 of the issued document
LATEST_TEXT = "kiểm thử xâm nhập định kỳ hằng quý"  # in the text of the last version, not in the issued files
OPINION = "Thống nhất nội dung, đề nghị bổ sung phụ lục danh mục hệ thống"
SUBJECT = "V/v tăng cường an toàn thông tin cho hệ thống quản lý công trình xây dựng"
DRAFT_SUBJECT = "V/v đề xuất danh mục dự án khởi công mới năm 2027"
DRAFT_TEXT_ONLY = "tuyến đường ven biển Cửa Lò giai đoạn hai"  # only in the draft under review


def build(org) -> SimpleNamespace:
    """Populate ``org`` with the viewers and documents; returns ``org`` for convenience."""
    equip(org)
    org.sxd_qlxd = directory.create_unit(None, org.sxd, name="Phòng Quản lý xây dựng", short_name="QLXD")
    org.sxd_vp_staff = make_person(org.sxd, "Đỗ Minh Tâm", Role.STAFF, org.sxd_vp)
    org.qlxd_staff = make_person(org.sxd, "Lê Văn Quang", Role.STAFF, org.sxd_qlxd)
    org.consulted = make_person(org.sxd, "Nguyễn Thị Mai", Role.STAFF, org.sxd_khtc)
    org.deputy = make_person(org.sxd, "Nguyễn Văn Hùng", Role.STAFF, org.sxd_vp, title="Chánh Văn phòng")
    org.incoming_deputy = make_person(org.sxd, "Trần Quốc Bảo", Role.STAFF, org.sxd_vp, title="Phó Chánh Văn phòng")
    org.stttt_clerk = make_person(org.stttt, "Ngô Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    org.stttt_leader = make_person(org.stttt, "Nguyễn Hữu Thắng", Role.LEADER)
    org.stttt_assignee = make_person(org.stttt, "Phan Văn Lực", Role.STAFF, org.stttt_cntt)
    org.district_clerk = make_person(org.district, "Lê Văn Nam", Role.CLERK)
    org.district_leader = make_person(org.district, "Hoàng Văn Cường", Role.LEADER)
    doc_type = DocumentType.objects.get(name="Công văn")

    draft = out.create_draft(
        org.sxd_staff,
        doc_type=doc_type,
        signer=org.sxd_leader,
        subject=DRAFT_SUBJECT,
        text=f"Kính gửi: UBND tỉnh\nSở Xây dựng đề xuất {DRAFT_TEXT_ONLY}.",
        files=[SimpleUploadedFile("de-xuat.pdf", nd30(subject=DRAFT_SUBJECT))],
    )
    draft = out.submit(org.sxd_staff, draft)

    issued = out.create_draft(
        org.sxd_staff,
        doc_type=doc_type,
        signer=org.sxd_leader,
        subject=SUBJECT,
        text=f"Kính gửi: Sở Thông tin và Truyền thông\nVề việc {DRAFT_ONLY}.",
        files=[SimpleUploadedFile("cong-van-v1.pdf", nd30(subject=SUBJECT, body=[f"Nội dung: {DRAFT_ONLY}."]))],
        related_files=[SimpleUploadedFile("bao-cao-ra-soat.pdf", nd30(subject="Báo cáo rà soát"))],
        appendix_files=[
            SimpleUploadedFile(
                "phu-luc.pdf",
                nd30(doc_type="PHỤ LỤC", subject="Danh mục hệ thống", authority="", position="", signer=""),
            )
        ],
        recipients=[
            RecipientSpec(RecipientKind.AGENCY, agency=org.stttt),
            RecipientSpec(RecipientKind.AGENCY, agency=org.district),
            RecipientSpec(RecipientKind.USER, user=org.sxd_admin),
            RecipientSpec(RecipientKind.UNIT, unit=org.sxd_qlxd),
        ],
    )
    version1 = issued.versions.get()
    out.add_comment(org.sxd_unit_leader, version1, COMMENT)
    issued = out.submit(org.sxd_staff, issued)
    issued = out.return_draft(org.sxd_unit_leader, issued, comment=RETURN_REASON)
    out.revise(
        org.sxd_staff,
        issued,
        text=f"Kính gửi: Sở Thông tin và Truyền thông\nĐề nghị {LATEST_TEXT}.",
        files=[SimpleUploadedFile("cong-van-v2.pdf", nd30(subject=SUBJECT))],
    )
    issued = out.submit(org.sxd_staff, issued)
    [consultation] = out.consult(org.sxd_unit_leader, issued, [org.consulted], question="Cho ý kiến phụ lục.")
    out.answer(org.consulted, consultation, OPINION)
    issued = out.approve(org.sxd_unit_leader, issued, comment="Đồng ý nội dung.")
    issued = out.approve(org.sxd_leader, issued, comment="Đồng ý ký ban hành.", passphrase=PASSPHRASE)
    issued = out.issue(org.sxd_clerk, issued, passphrase=PASSPHRASE)

    stttt_delivery = issued.recipients.get(kind=RecipientKind.AGENCY, agency=org.stttt)
    registered = internal.receive(org.stttt_clerk, stttt_delivery, leader=org.stttt_leader).document
    registered = incoming.submit(org.stttt_clerk, registered, org.stttt_leader)
    incoming.direct(
        org.stttt_leader,
        registered,
        direction="Giao anh Lực nghiên cứu, tham mưu trả lời.",
        deadline=timezone.localdate() + dt.timedelta(days=5),
        targets=[incoming.Target("lead", user=org.stttt_assignee)],
    )

    today = timezone.localdate()
    delegation.create(
        org.sxd_leader,
        delegator=org.sxd_leader,
        delegate=org.deputy,
        scope="approval",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        reason="Đi công tác nước ngoài",
    )
    delegation.create(
        org.sxd_leader,
        delegator=org.sxd_leader,
        delegate=org.incoming_deputy,
        scope="incoming",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        reason="Nghỉ phép năm",
    )

    files = {
        row.kind
        + ("-sealed" if row.file.name.startswith("outgoing-signed/") and row.kind != "signed" else "")
        + (f"-v{row.version.number}" if row.version_id and row.kind == FileKind.DRAFT else ""): row
        for row in issued.files.select_related("file", "version")
    }
    org.draft, org.issued, org.incoming_copy = draft, issued, registered
    org.stttt_delivery = stttt_delivery
    org.district_delivery = issued.recipients.get(kind=RecipientKind.AGENCY, agency=org.district)
    org.files = files
    return org


# viewer → what they see of the issued document: "record" (everything), "published" (the issued document only) or
# None; and whether they see the draft under review.
VIEWERS = {
    "sxd_staff": ("record", True),  # drafter of both
    "sxd_unit_leader": ("record", True),  # reviewer; leads the drafting unit
    "sxd_leader": ("record", True),  # agency leader and signer
    "sxd_clerk": ("record", False),  # clerk: approved, issued and recalled documents only
    "consulted": ("record", False),  # asked for an opinion on the issued document
    "deputy": ("record", True),  # the director's delegate for approval
    "sxd_admin": ("published", False),  # internal recipient (a person)
    "qlxd_staff": ("published", False),  # internal recipient (a member of a recipient unit)
    "incoming_deputy": (None, False),  # the director's delegate for incoming documents only
    "sxd_vp_staff": (None, False),  # same agency, other unit, not involved
    "stttt_clerk": (None, False),  # recipient agency: reads its own incoming copy, never the sender's
    "stttt_leader": (None, False),
    "stttt_assignee": (None, False),
    "district_clerk": (None, False),  # recipient agency whose copy still waits for reception
    "province_admin": (None, False),  # administers accounts, not documents
    "ht_staff": (None, False),  # another province
}

PUBLISHED_KINDS = {"final-sealed", "appendix-sealed"}
