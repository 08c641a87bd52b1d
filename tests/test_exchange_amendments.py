"""Updates and replacements from another system applied to what the agency already registered: an update changes the
registered document (metadata where they differ, new files only) instead of registering it twice; a replacement is
registered and supersedes the old document, which is withdrawn unless its processing was completed."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.test_edxml import rich_package
from tests.test_exchange_arrivals import DOCUMENT_ID, PDF, answers, arrive
from tests.test_exchange_transport import hub, upstream  # noqa: F401  the fake hub above and its partner
from vpdt.exchange import arrivals, polling, queries
from vpdt.exchange.edxml import writer
from vpdt.exchange.edxml.model import Attachment, Business, BusinessType, Organ, Replacement
from vpdt.exchange.models import Direction, Message, MessageState
from vpdt.incoming import services as incoming
from vpdt.incoming.models import DocStatus, IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.journal.sentences import describe
from vpdt.storage.services import read_stored

S = MessageState
NEW_SUBJECT = "V/v triển khai kế hoạch đầu tư công trung hạn giai đoạn 2026–2030 (cập nhật danh mục dự án)"
APPENDIX = b"%PDF-1.4\n% phu luc danh muc du an bo sung\n%%EOF\n"


def amended(org, hub, kind: BusinessType, *, subject=NEW_SUBJECT, code_number="7816", attachments=None) -> Message:
    if kind == BusinessType.UPDATE:
        business = Business(
            kind, "Cập nhật danh mục dự án và thời hạn báo cáo", DOCUMENT_ID, document_info_changed=True
        )
        document_id = DOCUMENT_ID
    else:
        business = Business(
            kind,
            "Thay thế do sai sót về thẩm quyền ký",
            DOCUMENT_ID,
            replacements=[Replacement(DOCUMENT_ID)],
        )
        document_id = f"000.00.00.G22,2026/12/08,{code_number}/VPCP-KTTH"
    package = rich_package(business)
    package.header.sender = Organ("000.00.00.G22", organ_name="Văn phòng Chính phủ")
    package.header.to = [Organ(org.sxd.code, organ_name="Sở Xây dựng tỉnh Nghệ An")]
    package.header.document_id = document_id
    package.header.code_number, package.header.code_notation = code_number, "VPCP-KTTH"
    package.header.subject = subject
    package.header.due_date = dt.date(2027, 1, 15)
    package.attachments = attachments or [
        Attachment("cid:1", "7816-vpcp-ktth.pdf", "application/pdf", content=io.BytesIO(PDF)),
        Attachment("cid:2", "phu-luc-bo-sung.pdf", "application/pdf", content=io.BytesIO(APPENDIX)),
    ]
    hub.offer("vpdt-nghe-an", writer.package_bytes(package))
    polling.poll_upstream()
    return Message.objects.get(direction=Direction.IN, business_type=int(kind))


def test_an_update_of_a_registered_document_changes_it_instead_of_registering_it_again(org, upstream, hub):
    original = arrivals.register(org.sxd_clerk, arrive(org, hub)).document
    update = amended(org, hub, BusinessType.UPDATE)
    assert list(queries.rows(org.sxd_clerk, queries.WAITING, queries.EXTERNAL)) == [update]
    with pytest.raises(PermissionDenied):
        arrivals.register(org.sxd_staff, update)

    result = arrivals.register(org.sxd_clerk, update)

    assert result.document.pk == original.pk and IncomingDocument.objects.count() == 1
    document = IncomingDocument.objects.get(pk=original.pk)
    assert (document.subject, document.due_date) == (NEW_SUBJECT, dt.date(2027, 1, 15))
    assert document.arrival_number == original.arrival_number  # the number of arrival stays
    files = [read_stored(a.file) for a in document.attachments.select_related("file").order_by("order")]
    assert files == [PDF, APPENDIX]  # the file it had is not attached twice
    update.refresh_from_db()
    assert (update.state, update.incoming_id) == (S.APPLIED, original.pk)
    assert answers() == ["01", "03"]  # the document's status is already known to the sender: not answered twice
    entry = JournalEntry.objects.get(action="incoming.amend")
    assert entry.details["changes"]["subject"]["new"] == NEW_SUBJECT
    assert entry.details["changes"]["due_date"]["new"] == "15/01/2027"
    sentence = describe(entry, visible=True)
    assert sentence.startswith(org.sxd_clerk.full_name) and "theo văn bản cập nhật của nơi gửi: " in sentence
    assert "trích yếu" in sentence.lower() and "hạn" in sentence.lower() and "thêm tệp" in sentence


def test_a_replacement_is_registered_and_supersedes_the_registered_document(org, upstream, hub):
    original = arrivals.register(org.sxd_clerk, arrive(org, hub)).document
    replacement = amended(org, hub, BusinessType.REPLACE, code_number="7902")

    new = arrivals.register(org.sxd_clerk, replacement).document

    assert new.pk != original.pk and new.code_number == "7902"
    old = IncomingDocument.objects.get(pk=original.pk)
    assert old.replaced_by_id == new.pk and old.status == DocStatus.WITHDRAWN
    assert list(new.replaces.all()) == [old]
    assert JournalEntry.objects.filter(action="incoming.replaced", object_id=str(old.pk)).exists()


def test_a_completed_document_replaced_keeps_its_processing_and_is_linked(org, upstream, hub):
    original = arrivals.register(org.sxd_clerk, arrive(org, hub), leader=org.sxd_leader).document
    target = incoming.Target(role="lead", unit=org.sxd_khtc)
    incoming.direct(org.sxd_leader, original, direction="Giao Phòng KH-TC xử lý.", targets=[target])
    lead = original.assignments.get(role="lead")
    incoming.complete(org.sxd_unit_leader, lead, "Đã báo cáo.")
    assert IncomingDocument.objects.get(pk=original.pk).status == DocStatus.COMPLETED

    new = arrivals.register(org.sxd_clerk, amended(org, hub, BusinessType.REPLACE, code_number="7903")).document

    old = IncomingDocument.objects.get(pk=original.pk)
    assert (old.status, old.replaced_by_id) == (DocStatus.COMPLETED, new.pk)


def test_an_update_of_a_withdrawn_document_is_refused_with_a_reason(org, upstream, hub):
    original = arrivals.register(org.sxd_clerk, arrive(org, hub)).document
    incoming.withdraw(org.sxd_clerk, original, reason="Nơi gửi thu hồi.")
    update = amended(org, hub, BusinessType.UPDATE)
    with pytest.raises(ValidationError, match="đã bị thu hồi"):
        arrivals.register(org.sxd_clerk, update)
    update.refresh_from_db()
    assert update.state == S.RECEIVED  # nothing half-done: the clerk may still refuse it
    assert IncomingDocument.objects.get(pk=original.pk).subject != NEW_SUBJECT


def test_the_replaced_documents_page_links_the_replacement(org, upstream, hub, login):
    original = arrivals.register(org.sxd_clerk, arrive(org, hub)).document
    new = arrivals.register(org.sxd_clerk, amended(org, hub, BusinessType.REPLACE, code_number="7904")).document
    page = login(org.sxd_clerk).get(f"/van-ban-den/{original.pk}/").content.decode()
    assert "Được thay thế bởi" in page and f'href="/van-ban-den/{new.pk}/"' in page and "7904/VPCP-KTTH" in page
