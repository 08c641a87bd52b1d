"""A document that answers one this agency issued (its ``ResponseFor``) is linked to it: on the clerk's queue, on
the registered incoming document, and on the issued document's page, whether the other system names the document
by its DocumentId or only by its number, notation and date."""

import io

import pytest

from tests.test_edxml import rich_package
from tests.test_exchange_sending import QUANG_TRI, issue
from tests.test_exchange_transport import hub, upstream  # noqa: F401  the fake hub above and its partner
from vpdt.exchange import arrivals, outbox, polling
from vpdt.exchange.edxml import writer
from vpdt.exchange.edxml.model import Attachment, Organ, ResponseFor
from vpdt.exchange.models import Direction, Message, MessageType
from vpdt.incoming.models import IncomingDocument

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def answer_arrives(org, hub, about: ResponseFor, code_number="512") -> Message:
    package = rich_package()
    package.header.sender = Organ("000.00.00.H45", organ_name="Ủy ban nhân dân tỉnh Quảng Trị")
    package.header.to = [Organ(org.sxd.code, organ_name="Sở Xây dựng tỉnh Nghệ An")]
    package.header.document_id = f"000.00.00.H45,2026/12/09,{code_number}/UBND-XD"
    package.header.code_number, package.header.code_notation = code_number, "UBND-XD"
    package.header.subject = "V/v trả lời đề nghị phối hợp quản lý trật tự xây dựng"
    package.header.response_for = [about]
    package.attachments = [
        Attachment("cid:1", f"{code_number}-ubnd-xd.pdf", "application/pdf", content=io.BytesIO(PDF))
    ]
    hub.offer("vpdt-nghe-an", writer.package_bytes(package))
    polling.poll_upstream()
    return Message.objects.get(direction=Direction.IN, kind=MessageType.EDOC, document_id=package.header.document_id)


@pytest.mark.parametrize("by", ["document_id", "number"])
def test_an_answer_is_linked_to_the_document_it_answers(org, upstream, hub, login, by):
    issued = issue(org, [QUANG_TRI])
    sent = Message.objects.get(direction=Direction.OUT, outgoing_id=issued.pk)
    outbox.send(sent.pk)
    about = ResponseFor(
        org.sxd.code,
        issued.number_symbol,
        issued.issued_date,
        sent.document_id if by == "document_id" else "",
    )
    arrival = answer_arrives(org, hub, about)
    assert arrival.outgoing_id == issued.pk
    queue = login(org.sxd_clerk).get("/lien-thong/den/").content.decode()
    assert f'Trả lời văn bản đi <a href="/van-ban-di/{issued.pk}/">{issued.number_symbol}</a>' in queue

    answer = arrivals.register(org.sxd_clerk, arrival).document
    assert IncomingDocument.objects.get(pk=answer.pk).answers_outgoing_id == issued.pk
    page = login(org.sxd_clerk).get(f"/van-ban-den/{answer.pk}/").content.decode()
    assert f'href="/van-ban-di/{issued.pk}/"' in page
    sender_page = login(org.sxd_clerk).get(f"/van-ban-di/{issued.pk}/").content.decode()
    assert f'href="/van-ban-den/{answer.pk}/"' in sender_page and "Văn bản trả lời đã nhận" in sender_page
    # The drafter, who does not see the answer (not assigned to them), reads of it without a link to a 404.
    drafter_page = login(org.sxd_staff).get(f"/van-ban-di/{issued.pk}/").content.decode()
    assert "Văn bản trả lời đã nhận" in drafter_page and answer.number_symbol in drafter_page
    assert f'href="/van-ban-den/{answer.pk}/"' not in drafter_page


def test_a_reference_to_another_agencys_document_links_nothing(org, upstream, hub):
    issued = issue(org, [QUANG_TRI])
    sent = Message.objects.get(direction=Direction.OUT, outgoing_id=issued.pk)
    elsewhere = ResponseFor(org.stttt.code, issued.number_symbol, issued.issued_date, "")
    assert answer_arrives(org, hub, elsewhere, "513").outgoing_id is None
    unknown = ResponseFor(org.sxd.code, "999/SXD-KHTC", issued.issued_date, sent.document_id + "-khac")
    assert answer_arrives(org, hub, unknown, "514").outgoing_id is None
