"""The clerk's one queue of electronic arrivals (from agencies of the deployment and from other systems) and one
queue of recalls to answer, on screen and in the API; the recipient's refusal of a recall (16), by its clerk inside
the deployment or as a status message from another system, on the same delivery machine."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import unbounded_counts
from tests.test_edxml import rich_package
from tests.test_exchange_sending import QUANG_TRI, issue
from tests.test_exchange_transport import hub, status_bytes, upstream  # noqa: F401  the fake hub above and its partner
from tests.test_outgoing_clerk import PDF, issued_to_stttt, msgs, page
from tests.test_outgoing_services import world  # noqa: F401
from vpdt.exchange import internal, outbox, polling
from vpdt.exchange.edxml import writer
from vpdt.exchange.edxml.model import Attachment, Organ, ResponseFor, Status, StatusCode
from vpdt.exchange.edxml.values import VIETNAM
from vpdt.exchange.lifecycle import delivery_actions
from vpdt.exchange.models import Direction, Message, MessageType
from vpdt.incoming.models import DocStatus, IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification
from vpdt.outgoing import services as out
from vpdt.outgoing.models import DeliveryStatus

D = DeliveryStatus
ARRIVALS = "/api/v1/exchange-arrivals/"


def arrive_at(agency, hub, number: int) -> Message:
    """A document from the Government Office, through the hub above, for ``agency`` of this deployment."""
    package = rich_package()
    package.header.sender = Organ("000.00.00.G22", organ_name="Văn phòng Chính phủ")
    package.header.to = [Organ(agency.code, organ_name=agency.name)]
    package.header.document_id = f"000.00.00.G22,2026/12/07,{number}/VPCP-KTTH"
    package.header.code_number, package.header.code_notation = str(number), "VPCP-KTTH"
    package.attachments = [Attachment("cid:1", f"{number}-vpcp.pdf", "application/pdf", content=io.BytesIO(PDF))]
    hub.offer("vpdt-nghe-an", writer.package_bytes(package))
    polling.poll_upstream()
    return Message.objects.get(direction=Direction.IN, kind=MessageType.EDOC, document_id=package.header.document_id)


def kinds(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('data-testid="arrival-row" data-kind="')[1:]]


# ---------------------------------------------------------------------------------------------- one queue


def test_one_queue_holds_both_routes_newest_first_for_the_recipient_clerk_only(world, upstream, hub, login, api):
    org = world
    first = issued_to_stttt(org, subject="V/v công văn thứ nhất của Sở Xây dựng")
    message = arrive_at(org.stttt, hub, 7816)
    second = issued_to_stttt(org, subject="V/v công văn thứ hai của Sở Xây dựng")
    html = page(login(org.stttt_clerk).get("/lien-thong/den/"))
    assert kinds(html) == ["internal", "external", "internal"]
    cards = html[html.index('data-testid="arrival-row"') :]  # the cards, after the viewer's captions
    assert cards.index(second.subject) < cards.index("7816/VPCP-KTTH") < cards.index(first.subject)
    # The checks of each kind: the PDFs' signatures of a delivery, the package's XML signature of an arrival.
    assert html.count('data-testid="signature-result"') == 2
    assert html.count('data-testid="package-signature"') == 1 and "Gói tin không có chữ ký XML." in html
    assert html.count('data-testid="arrival-register"') == 3 and html.count('data-testid="arrival-refuse"') == 3
    listed = api(org.stttt_clerk).get(ARRIVALS).json()["results"]
    assert [row["key"] for row in listed] == [
        f"internal-{second.recipients.get().pk}",
        f"external-{message.pk}",
        f"internal-{first.recipients.get().pk}",
    ]
    assert [row["status"] for row in listed] == ["01", "01", "01"]
    # Another agency's clerk, the sender's clerk: neither kind. Staff: not their screen.
    for user in (org.province_clerk, org.sxd_clerk):
        assert kinds(page(login(user).get("/lien-thong/den/"))) == []
        assert api(user).get(ARRIVALS).json()["results"] == []
    assert login(org.stttt_staff).get("/lien-thong/den/").status_code == 403
    assert api(org.stttt_staff).get(ARRIVALS).json()["results"] == []


def test_registering_is_one_action_with_the_metadata_prefilled_for_both_kinds(world, upstream, hub, login):
    org = world
    doc = issued_to_stttt(org)
    message = arrive_at(org.stttt, hub, 7900)
    clerk = login(org.stttt_clerk)
    for url, number in (
        (f"/lien-thong/den/trong-he-thong/{doc.recipients.get().pk}/tiep-nhan/", ("01", "SXD-KHTC")),
        (f"/lien-thong/den/he-thong-khac/{message.pk}/tiep-nhan/", ("7900", "VPCP-KTTH")),
    ):
        response = clerk.post(url, {"leader": org.stttt_leader.pk})
        registered = IncomingDocument.objects.get(agency=org.stttt, code_number=number[0])
        assert response.status_code == 302 and response["Location"] == f"/van-ban-den/{registered.pk}/"
        assert registered.code_notation == number[1] and registered.leader == org.stttt_leader
        assert registered.attachments.count() == 1
    assert doc.recipients.get().status == D.REGISTERED
    message.refresh_from_db()
    assert message.incoming_id is not None
    assert kinds(page(clerk.get("/lien-thong/den/"))) == []
    # A route the screen does not know, a row of another agency: not found.
    assert clerk.post(f"/lien-thong/den/khac/{message.pk}/tiep-nhan/").status_code == 404
    other = arrive_at(org.province, hub, 7901)
    assert clerk.post(f"/lien-thong/den/he-thong-khac/{other.pk}/tiep-nhan/").status_code == 404


def test_the_queue_pages_by_keyset_with_a_constant_number_of_queries(
    world,
    upstream,
    hub,
    login,
    api,
    django_assert_max_num_queries,
):
    org = world
    client, web = api(org.stttt_clerk), login(org.stttt_clerk)
    counts, pages = [], []
    made = 0
    for total in (2, 6):
        while made < total:
            made += 1
            if made % 2:
                issued_to_stttt(org, subject=f"V/v công văn số {made} về chuyển đổi số")
            else:
                arrive_at(org.stttt, hub, 8000 + made)
        web.get("/lien-thong/den/")
        with django_assert_max_num_queries(30) as ctx:
            html = page(web.get("/lien-thong/den/"))
        assert len(kinds(html)) == total
        counts.append(len(ctx.captured_queries))
        assert not unbounded_counts(ctx.captured_queries)
    assert counts[0] == counts[1], counts
    # Two rows a page through the API: every row once, newest first, the same queries for each page.
    everything = [row["key"] for row in client.get(ARRIVALS, {"page_size": 200}).json()["results"]]
    assert len(everything) == 6 and {k.split("-")[0] for k in everything} == {"internal", "external"}
    url, seen = f"{ARRIVALS}?page_size=2", []
    while url:
        with django_assert_max_num_queries(30) as ctx:
            body = client.get(url).json()
        pages.append(
            len([q for q in ctx.captured_queries if "exchange_message" in q["sql"] or "recipient" in q["sql"]])
        )
        seen += [row["key"] for row in body["results"]]
        url = body["next"]
    assert seen == everything and len(set(pages)) == 1, pages
    # The screen's pages too; a cursor never written by the screen starts again from the top.
    first = web.get("/lien-thong/den/", {"so_dong": 20})
    assert 'data-testid="next-page"' not in page(first)
    assert kinds(page(web.get("/lien-thong/den/", {"cursor": "không-phải-con-trỏ"}))) == kinds(page(first))
    assert client.get(ARRIVALS, {"cursor": "không-phải-con-trỏ"}).status_code == 404


def test_the_old_addresses_lead_to_the_new_screens(world, login):
    clerk = login(world.stttt_clerk)
    assert clerk.get("/van-ban-di/den-cho-tiep-nhan/")["Location"] == "/lien-thong/den/"
    assert clerk.get("/van-ban-di/thu-hoi/")["Location"] == "/lien-thong/thu-hoi/"


# ---------------------------------------------------------------------------------------------- refuse a recall


def _recalled(org):
    doc = issued_to_stttt(org)
    recipient = doc.recipients.get()
    internal.receive(org.stttt_clerk, recipient, leader=org.stttt_leader)
    out.recall(org.sxd_leader, doc, "Sai số liệu phụ lục.")
    recipient.refresh_from_db()
    assert recipient.status == D.RECALL_REQUESTED
    return doc, recipient


def test_the_recipient_clerk_refuses_a_recall_with_a_reason(world, login, api):
    org = world
    doc, recipient = _recalled(org)
    assert delivery_actions(org.stttt_clerk, recipient) == {"confirm_recall", "refuse_recall"}
    for user in (org.province_clerk, org.stttt_staff, org.sxd_clerk, org.sxd_leader):
        assert "refuse_recall" not in delivery_actions(user, recipient)
        with pytest.raises(PermissionDenied):
            internal.refuse_recall(user, recipient, "Đã thực hiện xong.")
    with pytest.raises(ValidationError, match="lý do"):
        internal.refuse_recall(org.stttt_clerk, recipient, "   ")
    internal.refuse_recall(org.stttt_clerk, recipient, "Văn bản đã được triển khai thực hiện.")
    recipient.refresh_from_db()
    assert (recipient.status, recipient.reason) == (D.RECALL_REFUSED, "Văn bản đã được triển khai thực hiện.")
    assert recipient.handled_by == org.stttt_clerk and recipient.incoming.status != DocStatus.WITHDRAWN
    entry = JournalEntry.objects.get(action="outgoing.delivery.refuse_recall", object_id=str(doc.pk))
    assert entry.details["reason"] == "Văn bản đã được triển khai thực hiện." and entry.agency_id == org.stttt.pk
    note = Notification.objects.get(verb="outgoing.recall_refused", user=org.sxd_staff)
    assert org.stttt.name in note.text and "đã được triển khai" in note.text
    # Answered once only; the sender sees 16 and the reason in the recipient's line.
    with pytest.raises(ValidationError, match="Không có yêu cầu thu hồi"):
        internal.refuse_recall(org.stttt_clerk, recipient, "Lần nữa.")
    with pytest.raises(ValidationError):
        internal.confirm_recall(org.stttt_clerk, recipient)
    html = page(login(org.sxd_staff).get(f"/van-ban-di/{doc.pk}/"))
    assert "Từ chối thu hồi" in html and "Văn bản đã được triển khai thực hiện." in html
    trail = api(org.sxd_staff).get(f"/api/v1/outgoing-documents/{doc.pk}/trail/").json()
    [line] = [e for e in trail if e["action"] == "outgoing.delivery.refuse_recall"]
    assert line["sentence"] == (
        f"{org.stttt_clerk.full_name} ({org.stttt.name}) từ chối thu hồi văn bản {doc.number_symbol} của "
        f"{org.sxd.name}, lý do: Văn bản đã được triển khai thực hiện."
    )


def test_recalls_are_answered_on_one_screen_and_in_the_api(world, upstream, hub, login, api):
    from tests.test_exchange_arrivals import recall_arrives
    from vpdt.exchange import arrivals

    org = world
    doc, recipient = _recalled(org)
    arrivals.register(org.sxd_clerk, arrive_at(org.sxd, hub, 7816))
    external = recall_arrives(org, hub)
    # The sender's own clerk answers the external recall for Sở Xây dựng; Sở TTTT's clerk the internal one.
    stttt = login(org.stttt_clerk)
    html = page(stttt.get("/lien-thong/thu-hoi/"))
    assert html.count('data-testid="recall-row"') == 1 and "Sai số liệu phụ lục." in html
    assert 'data-testid="recall-refuse"' in html and 'data-testid="recall-confirm"' in html
    sxd = page(login(org.sxd_clerk).get("/lien-thong/thu-hoi/"))
    assert sxd.count('data-testid="recall-row"') == 1 and 'data-kind="external"' in sxd
    assert page(login(org.province_clerk).get("/lien-thong/thu-hoi/")).count('data-testid="recall-row"') == 0
    # The screen: a reason is required.
    url = f"/lien-thong/thu-hoi/trong-he-thong/{recipient.pk}/tu-choi/"
    assert any("lý do" in m for m in msgs(stttt.post(url, {"reason": ""}, follow=True)))
    assert login(org.province_clerk).post(url, {"reason": "Thử"}).status_code == 404
    # The API: the recalls box lists both routes for their own clerks; refuse-recall answers 16.
    [listed] = api(org.stttt_clerk).get(ARRIVALS, {"box": "recalls"}).json()["results"]
    assert listed["key"] == f"internal-{recipient.pk}" and listed["reason"] == "Sai số liệu phụ lục."
    assert listed["incoming"] == recipient.incoming_id
    [listed] = api(org.sxd_clerk).get(ARRIVALS, {"box": "recalls"}).json()["results"]
    assert listed["key"] == f"external-{external.pk}"
    key = f"{ARRIVALS}internal-{recipient.pk}/refuse-recall/"
    assert api(org.province_clerk).post(key, {"reason": "Thử"}, format="json").status_code == 404
    assert api(org.sxd_clerk).post(key, {"reason": "Thử"}, format="json").status_code == 403
    assert api(org.stttt_clerk).post(key, {"reason": ""}, format="json").status_code == 400
    done = api(org.stttt_clerk).post(key, {"reason": "Đã thực hiện xong."}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "16"
    recipient.refresh_from_db()
    assert recipient.status == D.RECALL_REFUSED
    refused = api(org.sxd_clerk).post(
        f"{ARRIVALS}external-{external.pk}/refuse-recall/", {"reason": "Đã thực hiện xong."}, format="json"
    )
    assert refused.status_code == 200 and refused.json()["status"] == "16"
    assert Message.objects.filter(direction=Direction.OUT, kind=MessageType.STATUS, status_code="16").count() == 1
    assert api(org.stttt_clerk).get(ARRIVALS, {"box": "recalls"}).json()["results"] == []


def _status_16(document_id: str, about_organ: str, reason: str) -> bytes:
    return writer.status_bytes(
        Status(
            response_for=ResponseFor(about_organ, "01/SXD-KHTC", dt.date(2026, 12, 7), document_id),
            sender=Organ(QUANG_TRI.organ_id, organ_name="UBND tỉnh Quảng Trị"),
            code=StatusCode.RECALL_REFUSED,
            timestamp=dt.datetime(2026, 12, 9, 9, 0, tzinfo=VIETNAM),
            description=reason,
        )
    )


def test_a_recall_refused_by_another_system_moves_the_same_machine(world, upstream, hub, login):
    org = world
    document = issue(org, [QUANG_TRI])
    sent = Message.objects.get(direction=Direction.OUT)
    outbox.send(sent.pk)
    for code in (StatusCode.ARRIVED, StatusCode.ACCEPTED):
        hub.offer("vpdt-nghe-an", status_bytes(code, sent.document_id, about_organ=org.sxd.code), kind="status")
    polling.poll_upstream()
    out.recall(org.sxd_clerk, document, "Ban hành nhầm phụ lục.")
    recipient = document.recipients.get()
    assert recipient.status == D.RECALL_REQUESTED
    data = _status_16(sent.document_id, org.sxd.code, "Văn bản đã được thực hiện.")
    hub.offer("vpdt-nghe-an", data, kind="status")
    polling.poll_upstream()
    recipient.refresh_from_db()
    assert (recipient.status, recipient.reason) == (D.RECALL_REFUSED, "Văn bản đã được thực hiện.")
    [entry] = JournalEntry.objects.filter(action="outgoing.delivery.refuse_recall", object_id=str(document.pk))
    assert entry.details["remote"] is True and entry.details["status"] == "16"
    assert entry.details["reason"] == "Văn bản đã được thực hiện."
    note = Notification.objects.get(verb="outgoing.recall_refused", user=org.sxd_staff)
    assert QUANG_TRI.name in note.text
    # The same answer again moves nothing.
    hub.offer("vpdt-nghe-an", _status_16(sent.document_id, org.sxd.code, "Nhắc lại."), kind="status")
    polling.poll_upstream()
    recipient.refresh_from_db()
    assert recipient.reason == "Văn bản đã được thực hiện."
    assert JournalEntry.objects.filter(action="outgoing.delivery.refuse_recall").count() == 1
    html = page(login(org.sxd_staff).get(f"/van-ban-di/{document.pk}/"))
    assert "Từ chối thu hồi" in html and "Văn bản đã được thực hiện." in html
