"""Documents from other systems in the clerk's hands: seen by the recipient agency's clerks only, registered with one
action (metadata and files from the package, zips opened), or refused with a reason; each answer (03, 02) and the
later processing (04, 05, 06) going back to the sender."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.test_edxml import rich_package
from tests.test_exchange_transport import hub, upstream  # noqa: F401  the fake hub above and its partner
from vpdt.exchange import arrivals, outbox, polling, queries
from vpdt.exchange.edxml import reader, writer
from vpdt.exchange.edxml.model import Attachment, Organ
from vpdt.exchange.models import Direction, Message, MessageState, MessageType
from vpdt.incoming import services as incoming
from vpdt.incoming.models import DocStatus, IncomingDocument, Source
from vpdt.journal.models import JournalEntry
from vpdt.storage.services import read_stored

S = MessageState
DOCUMENT_ID = "000.00.00.G22,2026/12/07,7816/VPCP-KTTH"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def arrive(org, hub, attachments=None) -> Message:
    package = rich_package()
    package.header.sender = Organ("000.00.00.G22", organ_name="Văn phòng Chính phủ")
    package.header.to = [Organ(org.sxd.code, organ_name="Sở Xây dựng tỉnh Nghệ An")]
    package.header.document_id = DOCUMENT_ID
    package.header.code_number, package.header.code_notation = "7816", "VPCP-KTTH"
    if attachments is not None:
        package.attachments = attachments
    else:
        package.attachments = [Attachment("cid:1", "7816-vpcp-ktth.pdf", "application/pdf", content=io.BytesIO(PDF))]
    hub.offer("vpdt-nghe-an", writer.package_bytes(package))
    polling.poll_upstream()
    return Message.objects.get(direction=Direction.IN, kind=MessageType.EDOC)


def answers():
    return list(
        Message.objects.filter(direction=Direction.OUT, kind=MessageType.STATUS)
        .order_by("id")
        .values_list("status_code", flat=True)
    )


def test_only_the_recipient_agencys_clerks_see_an_arrival(org, upstream, hub):
    message = arrive(org, hub)
    assert list(queries.rows(org.sxd_clerk, queries.WAITING, queries.EXTERNAL)) == [message]
    for other in (org.sxd_staff, org.sxd_unit_leader, org.sxd_admin, org.stttt_staff, org.ht_admin):
        assert not queries.rows(other, queries.WAITING, queries.EXTERNAL).exists(), other
    with pytest.raises(PermissionDenied):
        arrivals.register(org.stttt_staff, message)
    with pytest.raises(PermissionDenied):
        arrivals.refuse(org.sxd_staff, message, "không phải việc của tôi")


def test_registering_makes_the_incoming_document_and_answers_accepted(org, upstream, hub):
    message = arrive(org, hub)
    registered = arrivals.register(org.sxd_clerk, message)
    document = IncomingDocument.objects.get(pk=registered.document.pk)
    assert document.agency == org.sxd and document.source == Source.ELECTRONIC
    assert (document.issuer_code, document.code_number, document.code_notation) == (
        "000.00.00.G22",
        "7816",
        "VPCP-KTTH",
    )
    assert document.issuer_name == "Văn phòng Chính phủ"
    assert document.subject == "V/v triển khai kế hoạch đầu tư công trung hạn giai đoạn 2026–2030"
    assert document.signer_name == "Nguyễn Văn Đệ" and document.urgency == 1
    [attached] = document.attachments.select_related("file")
    assert read_stored(attached.file) == PDF and attached.file.original_name == "7816-vpcp-ktth.pdf"
    message.refresh_from_db()
    assert (message.state, message.incoming_id, message.handled_by) == (S.APPLIED, document.pk, org.sxd_clerk)
    assert answers() == ["01", "03"]
    status = reader.read(read_stored(Message.objects.get(status_code="03").file)).status
    assert status.response_for.document_id == DOCUMENT_ID and status.sender.organ_id == org.sxd.code
    assert status.staff.staff == org.sxd_clerk.full_name
    assert JournalEntry.objects.filter(action="exchange.register", object_id=str(document.pk)).exists()
    with pytest.raises(ValidationError, match="không còn chờ tiếp nhận"):
        arrivals.register(org.sxd_clerk, message)
    assert not queries.rows(org.sxd_clerk, queries.WAITING, queries.EXTERNAL).exists()


def test_the_recipients_processing_goes_back_to_the_sender(org, upstream, hub):
    registered = arrivals.register(org.sxd_clerk, arrive(org, hub))
    document = registered.document
    if document.status == DocStatus.REGISTERED:
        incoming.submit(org.sxd_clerk, document, leader=org.sxd_leader)
    incoming.direct(
        org.sxd_leader,
        IncomingDocument.objects.get(pk=document.pk),
        direction="Phòng Kế hoạch - Tài chính chủ trì tham mưu.",
        targets=[incoming.Target("lead", unit=org.sxd_khtc)],
    )
    assert answers()[-1] == "04"
    lead = IncomingDocument.objects.get(pk=document.pk).assignments.get(unit=org.sxd_khtc, parent__isnull=True)
    incoming.complete(org.sxd_unit_leader, lead, result="Đã tham mưu văn bản trả lời.")
    assert answers()[-1] == "06" and IncomingDocument.objects.get(pk=document.pk).status == DocStatus.COMPLETED


def test_refusing_needs_a_reason_and_answers_refused(org, upstream, hub):
    message = arrive(org, hub)
    with pytest.raises(ValidationError, match="Ghi rõ lý do"):
        arrivals.refuse(org.sxd_clerk, message, "  ")
    refused = arrivals.refuse(org.sxd_clerk, message, "Văn bản gửi nhầm cơ quan, đề nghị gửi Sở Tài chính.")
    assert refused.state == S.REFUSED and refused.reason.startswith("Văn bản gửi nhầm")
    assert answers() == ["01", "02"]
    status = reader.read(read_stored(Message.objects.get(status_code="02").file)).status
    assert status.description == "Văn bản gửi nhầm cơ quan, đề nghị gửi Sở Tài chính."
    assert not IncomingDocument.objects.exists()


def _zip(**members) -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as zipped:
        for name, data in members.items():
            zipped.writestr(name.replace("_", "."), data)
    return packed.getvalue()


def test_a_zipped_attachment_is_registered_as_its_files_or_kept_whole(org, upstream, hub):
    pdfs = _zip(**{"van-ban_pdf": PDF, "phu-luc_pdf": PDF})
    message = arrive(org, hub, [Attachment("cid:9", "ho-so.zip", "application/zip", content=io.BytesIO(pdfs))])
    document = arrivals.register(org.sxd_clerk, message).document
    names = sorted(a.file.original_name for a in document.attachments.select_related("file"))
    assert names == ["phu-luc.pdf", "van-ban.pdf"]


def test_a_zip_holding_files_that_cannot_be_registered_is_kept_as_the_zip(org, upstream, hub):
    odd = _zip(**{"van-ban_edxml": b"<edXML/>"})
    message = arrive(org, hub, [Attachment("cid:9", "ho-so.zip", "application/zip", content=io.BytesIO(odd))])
    document = arrivals.register(org.sxd_clerk, message).document
    assert [a.file.original_name for a in document.attachments.select_related("file")] == ["ho-so.zip"]


# ---------------------------------------------------------------------------------------------- the screen


def test_the_clerks_screen_reads_registers_and_refuses(org, upstream, hub, login):
    message = arrive(org, hub)
    second = arrive_another(org, hub)
    clerk = login(org.sxd_clerk)
    page = clerk.get("/lien-thong/den/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="arrival-row"') == 2
    assert "V/v triển khai kế hoạch đầu tư công trung hạn" in html and "Văn phòng Chính phủ" in html
    assert "Gói tin không có chữ ký XML." in html
    file = clerk.get(f"/lien-thong/den/he-thong-khac/{message.pk}/tep/0/")
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
    assert clerk.get(f"/lien-thong/den/he-thong-khac/{message.pk}/tep/7/").status_code == 404
    registered = clerk.post(f"/lien-thong/den/he-thong-khac/{message.pk}/tiep-nhan/", {"leader": ""})
    document = IncomingDocument.objects.get()
    assert registered.status_code == 302 and registered["Location"] == f"/van-ban-den/{document.pk}/"
    empty = clerk.post(f"/lien-thong/den/he-thong-khac/{second.pk}/tu-choi/", {"reason": ""}, follow=True)
    assert "Ghi rõ lý do từ chối tiếp nhận." in empty.content.decode()
    refused = clerk.post(
        f"/lien-thong/den/he-thong-khac/{second.pk}/tu-choi/", {"reason": "Gửi nhầm cơ quan."}, follow=True
    )
    assert "Đã từ chối tiếp nhận văn bản" in refused.content.decode()
    assert answers() == ["01", "01", "03", "02"]


def test_the_screen_and_its_files_are_for_the_recipient_clerks_only(org, upstream, hub, login, client):
    message = arrive(org, hub)
    urls = [f"/lien-thong/den/he-thong-khac/{message.pk}/tep/0/"]
    posts = [
        f"/lien-thong/den/he-thong-khac/{message.pk}/tiep-nhan/",
        f"/lien-thong/den/he-thong-khac/{message.pk}/tu-choi/",
    ]
    assert client.get("/lien-thong/den/").status_code == 302  # to the login page
    for user in (org.sxd_staff, org.sxd_leader, org.stttt_staff, org.ht_admin):
        c = login(user)
        assert c.get("/lien-thong/den/").status_code == 403, user
        for url in urls:
            assert c.get(url).status_code == 404, (user, url)
        for url in posts:
            assert c.post(url, {"reason": "thử"}).status_code in (403, 404), (user, url)
    other_clerk = make_clerk(org.stttt)
    c = login(other_clerk)
    assert 'data-testid="arrival-row"' not in c.get("/lien-thong/den/").content.decode()
    for url in urls:
        assert c.get(url).status_code == 404
    for url in posts:
        assert c.post(url, {"reason": "thử"}).status_code == 404
    message.refresh_from_db()
    assert message.state == S.RECEIVED and answers() == ["01"]


def arrive_another(org, hub) -> Message:
    package = rich_package()
    package.header.sender = Organ("000.00.00.G22", organ_name="Văn phòng Chính phủ")
    package.header.to = [Organ(org.sxd.code, organ_name="Sở Xây dựng tỉnh Nghệ An")]
    package.header.document_id = "000.00.00.G22,2026/12/08,7900/VPCP-KTTH"
    package.header.code_number, package.header.code_notation = "7900", "VPCP-KTTH"
    hub.offer("vpdt-nghe-an", writer.package_bytes(package))
    polling.poll_upstream()
    return Message.objects.get(direction=Direction.IN, document_id="000.00.00.G22,2026/12/08,7900/VPCP-KTTH")


def make_clerk(agency):
    from tests.conftest import make_person
    from vpdt.directory.models import Role

    return make_person(agency, "Trần Thị Thu Trang", Role.CLERK)


# ---------------------------------------------------------------------------------------------- the API


def test_the_api_lists_registers_and_refuses_for_the_recipient_clerk_only(org, upstream, hub, api):
    first, second = arrive(org, hub), arrive_another(org, hub)
    clerk = api(org.sxd_clerk)
    listed = clerk.get("/api/v1/exchange-arrivals/").json()["results"]
    assert [row["key"] for row in listed] == [f"external-{second.pk}", f"external-{first.pk}"]
    assert listed[1]["number_symbol"] == "7816/VPCP-KTTH" and listed[1]["files"][0]["name"] == "7816-vpcp-ktth.pdf"
    assert listed[1]["package_signature"] == "Gói tin không có chữ ký XML."
    for other in (org.stttt_staff, org.sxd_staff, org.ht_admin):
        client = api(other)
        assert client.get("/api/v1/exchange-arrivals/").json()["results"] == []
        assert (
            client.post(f"/api/v1/exchange-arrivals/external-{first.pk}/receive/", {}, format="json").status_code == 404
        )
    created = clerk.post(f"/api/v1/exchange-arrivals/external-{first.pk}/receive/", {}, format="json")
    assert created.status_code == 201 and IncomingDocument.objects.get().pk == created.json()["incoming"]
    missing = clerk.post(f"/api/v1/exchange-arrivals/external-{second.pk}/refuse/", {"reason": ""}, format="json")
    assert missing.status_code == 400 and "Ghi rõ lý do" in str(missing.json())
    refused = clerk.post(
        f"/api/v1/exchange-arrivals/external-{second.pk}/refuse/", {"reason": "Gửi nhầm."}, format="json"
    )
    assert refused.status_code == 200 and refused.json()["status"] == "02"
    second.refresh_from_db()
    assert second.state == S.REFUSED
    sent = clerk.get("/api/v1/exchange-messages/", {"direction": "out"}).json()["results"]
    assert sorted(row["status_code"] for row in sent) == ["01", "01", "02", "03"]
    assert clerk.get("/api/v1/exchange-messages/", {"state": "không-có"}).status_code == 400
    assert api(org.stttt_staff).get("/api/v1/exchange-messages/").json()["results"] == []


def test_a_dead_message_is_resent_by_the_sending_clerk(org, upstream, hub, api):
    message = arrive(org, hub)
    answer = Message.objects.get(direction=Direction.OUT)
    hub.refuse_next = "Không nhận trạng thái lúc này."
    assert outbox.send(answer.pk).state == S.DEAD
    assert api(org.sxd_staff).post(f"/api/v1/exchange-messages/{answer.pk}/resend/").status_code == 404
    resent = api(org.sxd_clerk).post(f"/api/v1/exchange-messages/{answer.pk}/resend/")
    assert resent.status_code == 200 and resent.json()["state"] in ("queued", "sent")
    assert message.state == S.RECEIVED


# ---------------------------------------------------------------------------------------------- recall


def recall_arrives(org, hub, reason="Văn bản ban hành sai thẩm quyền."):
    from vpdt.exchange.edxml.model import Business, BusinessType

    package = rich_package(Business(BusinessType.RECALL, reason, DOCUMENT_ID))
    package.header.sender = Organ("000.00.00.G22", organ_name="Văn phòng Chính phủ")
    package.header.to = [Organ(org.sxd.code, organ_name="Sở Xây dựng tỉnh Nghệ An")]
    package.header.document_id = DOCUMENT_ID
    package.attachments = []
    hub.offer("vpdt-nghe-an", writer.package_bytes(package))
    polling.poll_upstream()
    return Message.objects.get(direction=Direction.IN, business_type=1)


def test_a_recall_before_registration_withdraws_the_arrival_at_once(org, upstream, hub):

    arrive(org, hub)
    recall = recall_arrives(org, hub)
    assert (
        not queries.rows(org.sxd_clerk, queries.WAITING, queries.EXTERNAL).exists()
        and not queries.rows(org.sxd_clerk, queries.RECALLS, queries.EXTERNAL).exists()
    )
    original = Message.objects.get(direction=Direction.IN, business_type=0)
    assert original.state == S.REFUSED and "thu hồi" in original.reason
    assert recall.state == S.APPLIED and answers() == ["01", "15"]


def test_a_recall_after_registration_waits_for_the_clerk_and_is_answered(org, upstream, hub):
    from vpdt.exchange import recalls

    document = arrivals.register(org.sxd_clerk, arrive(org, hub)).document
    recall = recall_arrives(org, hub)
    assert list(queries.rows(org.sxd_clerk, queries.RECALLS, queries.EXTERNAL)) == [recall]
    assert (
        not queries.rows(org.sxd_staff, queries.RECALLS, queries.EXTERNAL).exists()
        and not queries.rows(org.stttt_it, queries.RECALLS, queries.EXTERNAL).exists()
    )
    with pytest.raises(ValidationError, match="Ghi rõ lý do"):
        recalls.refuse(org.sxd_clerk, recall, "")
    recalls.confirm(org.sxd_clerk, recall)
    document.refresh_from_db()
    assert document.withdrawn_at is not None
    assert answers() == ["01", "03", "15"]
    with pytest.raises(ValidationError, match="Không có yêu cầu thu hồi"):
        recalls.confirm(org.sxd_clerk, recall)


def test_the_clerk_may_refuse_a_recall_with_a_reason(org, upstream, hub):
    from vpdt.exchange import recalls

    arrivals.register(org.sxd_clerk, arrive(org, hub))
    recall = recall_arrives(org, hub)
    recalls.refuse(org.sxd_clerk, recall, "Văn bản đã được thực hiện xong, không thể thu hồi.")
    assert answers() == ["01", "03", "16"]
    status = reader.read(read_stored(Message.objects.get(status_code="16").file)).status
    assert status.description == "Văn bản đã được thực hiện xong, không thể thu hồi."
    assert IncomingDocument.objects.get().withdrawn_at is None


def test_the_screen_and_the_api_answer_recalls(org, upstream, hub, login, api):
    arrivals.register(org.sxd_clerk, arrive(org, hub))
    recall = recall_arrives(org, hub)
    clerk = login(org.sxd_clerk)
    assert 'data-testid="recalls-waiting"' in clerk.get("/lien-thong/den/").content.decode()
    html = clerk.get("/lien-thong/thu-hoi/").content.decode()
    assert 'data-testid="recall-row"' in html and "Văn bản ban hành sai thẩm quyền." in html
    answer = f"/lien-thong/thu-hoi/he-thong-khac/{recall.pk}"
    assert login(org.stttt_it).post(f"{answer}/dong-y/").status_code == 404
    assert login(org.sxd_leader).post(f"{answer}/dong-y/").status_code == 403
    key = f"external-{recall.pk}"
    assert api(org.sxd_staff).post(f"/api/v1/exchange-arrivals/{key}/confirm-recall/").status_code == 404
    [listed] = api(org.sxd_clerk).get("/api/v1/exchange-arrivals/", {"box": "recalls"}).json()["results"]
    assert listed["key"] == key and listed["status"] == "13" and listed["incoming"] == IncomingDocument.objects.get().pk
    empty = clerk.post(f"{answer}/tu-choi/", {"reason": ""}, follow=True)
    assert "Ghi rõ lý do không đồng ý thu hồi." in empty.content.decode()
    done = clerk.post(f"{answer}/dong-y/", follow=True)
    assert "Đã xác nhận thu hồi văn bản" in done.content.decode()
    assert answers() == ["01", "03", "15"] and IncomingDocument.objects.get().withdrawn_at is not None


def test_an_arrival_notifies_the_agencys_clerks(org, upstream, hub):
    from vpdt.notifications.models import Notification

    arrive(org, hub)
    [note] = Notification.objects.filter(verb="exchange.arrived")
    assert note.user == org.sxd_clerk and note.url == "/lien-thong/den/"
    assert "7816/VPCP-KTTH" in note.text and "Văn phòng Chính phủ" in note.text


def test_the_clerks_home_and_failed_messages_screen(org, upstream, hub, login):
    message = arrive(org, hub)
    clerk = login(org.sxd_clerk)
    home = clerk.get("/").content.decode()
    assert 'data-testid="home-exchange"' in home and "7816/VPCP-KTTH" in home
    assert 'data-testid="home-exchange-failed"' not in home
    answer = Message.objects.get(direction=Direction.OUT)
    hub.refuse_next = "Trục không nhận trạng thái này."
    assert outbox.send(answer.pk).state == S.DEAD
    assert 'data-testid="home-exchange-failed"' in clerk.get("/").content.decode()
    page = clerk.get("/lien-thong/gui-loi/").content.decode()
    assert "Trục không nhận trạng thái này." in page and 'data-testid="failed-row"' in page
    assert login(org.stttt_it).get("/lien-thong/gui-loi/").status_code == 403
    assert login(org.sxd_staff).post(f"/lien-thong/gui-loi/{answer.pk}/gui-lai/").status_code == 403
    other_clerk = login(make_clerk(org.stttt))
    assert other_clerk.post(f"/lien-thong/gui-loi/{answer.pk}/gui-lai/").status_code == 404
    done = clerk.post(f"/lien-thong/gui-loi/{answer.pk}/gui-lai/", follow=True)
    assert "vào hàng đợi gửi lại" in done.content.decode()
    answer.refresh_from_db()
    assert answer.state in (S.QUEUED, S.SENT) and message.pk
    assert 'data-testid="home-exchange"' not in login(org.sxd_staff).get("/").content.decode()
