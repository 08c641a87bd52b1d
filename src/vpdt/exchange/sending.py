"""Sending issued documents to agencies of other systems.

Rules:

* At issue, inside the issue transaction, every recipient outside the deployment that has an OrganId gets the
  package: one package written once (its attachments the issued, signed and sealed files), stored once, and one
  outbox message per recipient (so each is sent, retried and answered on its own).
* A secret document (văn bản mật) never leaves the deployment: issuing it to another system is refused.
* An agency marked "exchange only with parent" sends to its parent agency only, across systems too.
* A recipient the directory does not know, when no hub above is connected, is refused at issue with the reason.
* Issued with the agency certificate (sealed at issue), the package also carries the agency's enveloped XML
  signature; the legally binding signatures stay the PAdES ones inside the PDFs.
* Urgent documents (Khẩn and above) are sent at once; the others on the exchange queue's schedule.
* The sender's view of each recipient is the delivery machine: it stays "not sent" until the recipient's system
  answers 01, then follows 02–06 and the recall as the statuses come back.
"""

from __future__ import annotations

import tempfile

from django.core.exceptions import ValidationError

from vpdt.catalog.models import Secrecy
from vpdt.directory.models import Agency
from vpdt.outgoing.models import RecipientKind
from vpdt.signing import services as signing
from vpdt.storage.services import store

from . import outbox, packages, routing
from .edxml import dsig, writer
from .edxml.model import Organ
from .edxml.values import PackageError
from .models import Message, MessageState, MessageType, idempotency_key


def _problems(document, external, routes) -> list[str]:
    problems = []
    if document.secrecy and document.secrecy != Secrecy.NONE:
        problems.append("Văn bản mật không được gửi ra ngoài hệ thống qua liên thông.")
    parent = Agency.objects.get_parent(document.agency) if document.agency.exchange_only_with_parent else None
    for recipient in external:
        where = routes[recipient.organ_id]
        if where.kind == routing.LOCAL:
            problems.append(
                f"{where.agency.name} là cơ quan trong hệ thống: chọn nơi nhận là cơ quan trong hệ thống, "
                "không gửi qua liên thông."
            )
        elif where.kind == routing.UNKNOWN:
            problems.append(
                f"Không tìm thấy cơ quan có mã định danh {recipient.organ_id} trong danh bạ liên thông, và chưa kết "
                "nối trục liên thông cấp trên."
            )
        if document.agency.exchange_only_with_parent and (parent is None or parent.code != recipient.organ_id):
            problems.append(
                f"{document.agency.name} chỉ được trao đổi văn bản với cơ quan cấp trên trực tiếp, không gửi được "
                f"cho {recipient.name}."
            )
    return problems


def send_issued(actor, document, recipients, *, passphrase: str | None = None) -> list:
    """Queue the issued ``document`` for its recipients in other systems (called inside the issue transaction).
    With the agency certificate's ``passphrase`` (given to seal at issue), the package carries the agency's XML
    signature."""
    external = [r for r in recipients if r.kind == RecipientKind.EXTERNAL and r.organ_id]
    if not external:
        return []
    routes = routing.route_many([r.organ_id for r in external])
    problems = _problems(document, external, routes)
    if problems:
        raise ValidationError({"recipients": sorted(set(problems))})
    organs = [Organ(r.organ_id, organization_in_charge=r.name[:200], organ_name=r.name[:200]) for r in external]
    package = packages.package_for(document, organs, staff=actor)
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as written:
        try:
            writer.write_package(package, written)
        except PackageError as err:
            raise ValidationError({"recipients": [f"Không lập được gói tin liên thông: {err}"]}) from None
        finally:
            package.close()
        written.seek(0)
        if passphrase:
            key, certificates = signing.agency_key(actor, document.agency, passphrase)
            signed = dsig.sign(written.read(), key=key, certificates=certificates)
            written.seek(0)
            written.truncate()
            written.write(signed)
            written.seek(0)
        stored = store(
            written,
            f"{package.header.document_id}.edxml",
            folder="exchange",
            content_type="application/xml",
            agency=document.agency,
            actor=actor,
        )
    document_id = package.header.document_id
    return outbox.queue_each(
        [
            Message(
                kind=MessageType.EDOC,
                state=MessageState.WAITING if routes[r.organ_id].kind == routing.CONNECTED else MessageState.QUEUED,
                idempotency_key=idempotency_key(document_id, MessageType.EDOC, 0, r.organ_id),
                document_id=document_id,
                business_type=0,
                from_organ=document.agency.code,
                to_organ=r.organ_id,
                partner=routes[r.organ_id].partner,
                file=stored,
                urgent=document.urgency > 0,
                outgoing_id=document.pk,
                recipient_id=r.pk,
            )
            for r in external
        ],
        actor=actor,
        agency=document.agency,
    )
