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
    BusinessType,
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
from vpdt.exchange.models import Direction, ExternalAgency, Message, MessageState, MessageType, Partner, PartnerRole
from vpdt.outgoing.models import OutgoingDocument
from vpdt.signing import samples

PARTNER_CODE = "qlvb-ha-tinh-mo-phong"
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
        code=PARTNER_CODE,
        name="QLVB tỉnh Hà Tĩnh (mô phỏng)",
        role=PartnerRole.CONNECTED,
        secret=auth.seal_secret(auth.new_secret()),
        settings={"simulated": True},
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


def _status(sent: Message, code: StatusCode, text: str) -> bytes:
    document = OutgoingDocument.objects.filter(pk=sent.outgoing_id).first()
    number = f"{document.code_number}/{document.code_notation}" if document else ""
    about = ResponseFor(sent.from_organ, number, document.issued_date if document else None, sent.document_id)
    status = Status(
        response_for=about,
        sender=HA_TINH,
        code=code,
        timestamp=dt.datetime.now(tz=VIETNAM),
        description=text,
        staff=StaffInfo("Văn phòng UBND tỉnh", "Phan Thị Thu Hằng"),
    )
    return writer.status_bytes(status)


def answer_waiting() -> int:
    """Play the part of Hà Tĩnh's system: fetch what waits for it at the hub (this deployment) and answer as its clerk
    would: a new document arrives (01) and is registered (03), a recall is agreed (15); the statuses are taken by the
    hub's inbox like any other. Only for the demo's simulated system (a real one connected under that code fetches
    for itself). The number of messages answered."""
    partner = Partner.objects.filter(code=PARTNER_CODE, is_active=True, settings__simulated=True).first()
    if partner is None:
        return 0
    answered = 0
    for sent in Message.objects.filter(direction=Direction.OUT, partner=partner, state=MessageState.WAITING).order_by(
        "id"
    ):
        Message.objects.filter(pk=sent.pk).update(state=MessageState.FETCHED, done_at=timezone.now())
        if sent.kind != MessageType.EDOC:
            continue
        if sent.business_type == BusinessType.RECALL:
            answers = [(StatusCode.RECALL_AGREED, "Đồng ý thu hồi; văn bản đã được rút khỏi sổ văn bản đến.")]
        else:
            register_number = 1532 + Message.objects.filter(partner=partner, status_code="03").count()
            answers = [
                (StatusCode.ARRIVED, "Đã nhận"),
                (StatusCode.ACCEPTED, f"Đã vào sổ văn bản đến số {register_number}"),
            ]
        for code, text in answers:
            inbox.receive(_status(sent, code, text), partner=partner)
        answered += 1
    return answered


def answer_issued(document) -> None:
    """Hà Tĩnh's system fetched the document the department issued to it, and answers: arrived, then registered."""
    answer_waiting()
