"""Exchange in the demo, without any outside system: the deployment is the province's hub, and the people's committee
of Hà Tĩnh province is reached only through a connected system ("QLVB tỉnh Hà Tĩnh (mô phỏng)"). Everything below
goes through the real exchange: the package from Hà Tĩnh is taken by the hub API's inbox, the document the
Department of Construction issues to Hà Tĩnh waits in the hub for that system, and its answers come back as
status messages."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from vpdt.exchange import auth, inbox
from vpdt.exchange.edxml import writer
from vpdt.exchange.edxml.model import (
    Attachment,
    Business,
    MessageHeader,
    Organ,
    OtherInfo,
    Package,
    Priority,
    ResponseFor,
    StaffInfo,
    Status,
    StatusCode,
    Trace,
)
from vpdt.exchange.edxml.values import VIETNAM
from vpdt.exchange.models import Direction, ExternalAgency, Message, MessageType, Partner, PartnerRole
from vpdt.signing import samples

HA_TINH = Organ(
    "000.00.00.H42",
    organization_in_charge="Ủy ban nhân dân tỉnh Hà Tĩnh",
    organ_name="Ủy ban nhân dân tỉnh Hà Tĩnh",
    organ_add="Số 1 đường Nguyễn Tất Thành, thành phố Hà Tĩnh",
    email="vpubnd@hatinh.gov.vn",
    telephone="0239 3855655",
)


def load(by_name: dict, agencies: dict) -> None:
    partner = Partner.objects.create(
        code="qlvb-ha-tinh-mo-phong",
        name="QLVB tỉnh Hà Tĩnh (mô phỏng)",
        role=PartnerRole.CONNECTED,
        secret=auth.seal_secret(auth.new_secret()),
    )
    ExternalAgency.objects.create(
        organ_id=HA_TINH.organ_id,
        name=HA_TINH.organ_name,
        address=HA_TINH.organ_add,
        email=HA_TINH.email,
        telephone=HA_TINH.telephone,
        partner=partner,
        synced_at=timezone.now(),
    )
    _arrival(agencies["sxd"], partner)


def _arrival(sxd, partner) -> None:
    """A document from Hà Tĩnh for the Department of Construction, waiting for its clerk."""
    issued = timezone.localdate() - dt.timedelta(days=1)
    pdf = samples.nd30_pdf(
        agency="ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
        parent="",
        notation="UBND-XD",
        place="Hà Tĩnh",
        doc_type="",
        subject="V/v phối hợp quản lý trật tự xây dựng tuyến Quốc lộ 1 đoạn giáp ranh hai tỉnh",
        authority="KT. CHỦ TỊCH",
        position="PHÓ CHỦ TỊCH",
        signer="Nguyễn Hồng Lĩnh",
        recipients=("Sở Xây dựng tỉnh Nghệ An;", "Lưu: VT, XD."),
    )
    package = Package(
        header=MessageHeader(
            sender=HA_TINH,
            to=[Organ(sxd.code, organization_in_charge=sxd.name, organ_name=sxd.name, organ_add=sxd.address)],
            code_number="6128",
            code_notation="UBND-XD",
            subject="V/v phối hợp quản lý trật tự xây dựng tuyến Quốc lộ 1 đoạn giáp ranh hai tỉnh",
            document_id=f"{HA_TINH.organ_id},{issued:%Y/%m/%d},6128/UBND-XD",
            place="Hà Tĩnh",
            promulgation_date=issued,
            type_name="Công văn",
            signer_competence="KT. CHỦ TỊCH",
            signer_position="Phó Chủ tịch",
            signer_full_name="Nguyễn Hồng Lĩnh",
            due_date=issued + dt.timedelta(days=15),
            other=OtherInfo(priority=Priority.URGENT, page_amount=1),
        ),
        business=Business(reason="Văn bản điện tử mới", staff=StaffInfo("Văn phòng UBND tỉnh", "Phan Thị Thu Hằng")),
        traces=[Trace(HA_TINH.organ_id, timezone.now())],
        attachments=[Attachment("cid:1", "6128-UBND-XD.pdf", "application/pdf", "Văn bản", io.BytesIO(pdf))],
    )
    inbox.receive(writer.package_bytes(package), partner=partner)


def answer_issued(document) -> None:
    """Hà Tĩnh's system fetched the document the department issued to it, and answers: arrived, then registered."""
    sent = Message.objects.filter(
        direction=Direction.OUT, kind=MessageType.EDOC, outgoing_id=document.pk, to_organ=HA_TINH.organ_id
    ).first()
    if sent is None:
        return
    partner = sent.partner
    about = ResponseFor(
        sent.from_organ, f"{document.code_number}/{document.code_notation}", document.issued_date, sent.document_id
    )
    for code, text in ((StatusCode.ARRIVED, "Đã nhận"), (StatusCode.ACCEPTED, "Đã vào sổ văn bản đến số 1532")):
        status = Status(
            response_for=about,
            sender=HA_TINH,
            code=code,
            timestamp=dt.datetime.now(tz=VIETNAM),
            description=text,
            staff=StaffInfo("Văn phòng UBND tỉnh", "Phan Thị Thu Hằng"),
        )
        inbox.receive(writer.status_bytes(status), partner=partner)
