"""SMS (tin nhắn): only people an agency administrator authorised send, only about pending work they may see and
that waits for the recipient; messages are ASCII within the length limit; a per-sender rate limit and opt-outs by
type; the gateway adapter (outbox default, HTTP API against a loopback fake answering success, refusal and
timeout) with the delivery status recorded and journaled; the notifications' SMS channel; who sees what."""

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vpdt.catalog.models import DocumentType
from vpdt.collab.sms import delivery, pending, queries, services, text
from vpdt.collab.sms.models import SmsGrant, SmsMessage, SmsStatus
from vpdt.core.authz import visible
from vpdt.incoming import services as incoming
from vpdt.journal.models import JournalEntry
from vpdt.notifications import topics
from vpdt.notifications.models import Preference
from vpdt.notifications.services import notify
from vpdt.outgoing import services as out

pytestmark = pytest.mark.django_db

SUBJECT = "V/v đôn đốc triển khai Đề án chuyển đổi số năm 2026 của Sở Xây dựng tỉnh Nghệ An"
MOBILE = "0912345678"


@pytest.fixture(autouse=True)
def _sms_settings(settings, tmp_path):
    settings.VPDT_SMS_GATEWAY = "outbox"
    settings.VPDT_SMS_OUTBOX = tmp_path / "sms-outbox.jsonl"
    settings.VPDT_SMS_RETRIES = 1
    settings.VPDT_SMS_TIMEOUT = 1
    settings.VPDT_SMS_RATE_LIMIT = 20


def assigned_doc(org, handler=None, subject=SUBJECT):
    """An incoming document directed to ``handler`` (default: the staff member), waiting for them."""
    handler = handler or org.sxd_staff
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        issuer_name="Bộ Xây dựng",
        code_number="215",
        code_notation="BXD-KHTC",
        issued_date=dt.date(2026, 11, 20),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject=subject,
    ).document
    if doc.status == "registered":
        incoming.submit(org.sxd_clerk, doc, leader=org.sxd_leader)
        doc.refresh_from_db()
    incoming.direct(
        org.sxd_leader,
        doc,
        direction="Giao chị Lan tham mưu, báo cáo trước hạn.",
        deadline=dt.date(2026, 12, 30),
        targets=[incoming.Target("lead", user=handler)],
    )
    doc.refresh_from_db()
    return doc


@pytest.fixture
def world(org, django_capture_on_commit_callbacks):
    """The clerk authorised to send, the staff member with a mobile number and a document waiting for her."""
    services.grant(org.sxd_admin, org.sxd_clerk, "Theo Quyết định số 12/QĐ-SXD")
    services.set_mobile(org.sxd_staff, "0912 345 678")
    org.doc = assigned_doc(org)
    return org


def send(org, sender=None, recipient=None, key=None, note=""):
    key = f"incoming:{org.doc.pk}" if key is None else key
    return services.send(sender or org.sxd_clerk, recipient or org.sxd_staff, key, note)


def sent(org, capture, **kwargs) -> SmsMessage:
    with capture(execute=True):
        message = send(org, **kwargs)
    message.refresh_from_db()
    return message


# ---------------------------------------------------------------------------------------------- text


def test_folding_writes_vietnamese_in_ascii_keeping_case_and_d():
    assert text.fold("Đề án chuyển đổi số – “Sở Xây dựng” Nghệ An…") == 'De an chuyen doi so - "So Xay dung" Nghe An...'
    assert text.fold("ĐẢNG ỦY  khối\ncơ quan") == "DANG UY khoi co quan"
    assert text.fold("Tiếng Việt ✓").isascii()


def test_a_long_message_is_cut_at_a_word_with_an_ellipsis_within_the_limit():
    message = text.fit("Văn bản đến " + "chuyển đổi số " * 30, 160)
    assert len(message) <= 160 and message.endswith("...") and message.isascii()
    assert message[:-3].endswith("so") or message[:-3].endswith("doi") or message[:-3].endswith("chuyen")
    assert text.fit("Ngắn gọn", 160) == "Ngan gon"
    assert len(text.fit("x" * 400, 70)) == 70


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("84386123456", "0386123456"),
        ("0238 3844 555", None),  # a landline of Nghệ An
        ("012345678", None),
        ("09123456789", None),
        ("abc", None),
    ],
)
def test_vietnamese_mobile_numbers(raw, expected):
    assert text.mobile(raw) == expected


def test_the_account_phone_serves_when_it_is_a_mobile_and_a_bad_own_number_is_refused(org):
    org.sxd_unit_leader.phone = "091.888.7766"
    org.sxd_unit_leader.save(update_fields=["phone"])
    assert services.mobile_of(org.sxd_unit_leader) == "0918887766"
    with pytest.raises(ValidationError) as refused:
        services.set_mobile(org.sxd_unit_leader, "0238 3844 555")
    assert "di động" in refused.value.message_dict["mobile"][0]
    assert services.mobile_of(org.sxd_staff) is None


# ---------------------------------------------------------------------------------------------- who may send


def test_only_an_authorised_person_sends_and_a_refusal_is_journaled(world, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied) as refused:
        send(world, sender=world.sxd_unit_leader)
    assert "chưa được quản trị hệ thống của cơ quan cấp quyền" in str(refused.value)
    assert JournalEntry.objects.filter(action="sms.refused", actor_id=world.sxd_unit_leader.pk).exists()
    assert not SmsMessage.objects.exists()
    message = sent(world, django_capture_on_commit_callbacks)
    assert message.status == SmsStatus.SENT and message.sender == world.sxd_clerk


def test_grants_are_given_and_revoked_by_the_agencys_administrator_only(world):
    with pytest.raises(PermissionDenied):
        services.grant(world.sxd_leader, world.sxd_unit_leader)
    with pytest.raises(PermissionDenied):
        services.grant(world.ht_admin, world.sxd_unit_leader)  # another province's administrator
    with pytest.raises(ValidationError, match="đã có quyền"):
        services.grant(world.sxd_admin, world.sxd_clerk)
    grant = SmsGrant.objects.get(user=world.sxd_clerk)
    with pytest.raises(PermissionDenied):
        services.revoke(world.sxd_clerk, grant, "Tự thu hồi")
    with pytest.raises(ValidationError, match="lý do"):
        services.revoke(world.sxd_admin, grant, " ")
    services.revoke(world.sxd_admin, grant, "Chuyển công tác sang phòng khác")
    with pytest.raises(PermissionDenied):
        send(world)
    entries = JournalEntry.objects.filter(action__in=["sms.grant", "sms.revoke"]).order_by("seq")
    assert [e.action for e in entries] == ["sms.grant", "sms.revoke"]
    assert entries[1].details["reason"] == "Chuyển công tác sang phòng khác"
    services.grant(world.sxd_admin, world.sxd_clerk)  # given again after the revocation
    assert SmsGrant.objects.filter(user=world.sxd_clerk).count() == 2


def test_only_about_pending_work_the_sender_sees_and_that_waits_for_the_recipient(world):
    services.set_mobile(world.sxd_unit_leader, "0987654321")
    with pytest.raises(ValidationError) as refused:
        send(world, recipient=world.sxd_unit_leader)  # the document does not wait for him
    assert "đang chờ người nhận xử lý" in refused.value.message_dict["item"][0]
    for bad in ("incoming:abc", "lich:1", "", f"outgoing_review:{world.doc.pk}"):
        with pytest.raises(ValidationError):
            send(world, key=bad)
    services.grant(world.sxd_admin, world.sxd_unit_leader)  # sees only what his unit handles
    with pytest.raises(ValidationError):
        send(world, sender=world.sxd_unit_leader)
    with pytest.raises(ValidationError, match="cơ quan của bạn"):
        send(world, recipient=world.ht_staff)
    assignment = world.doc.assignments.get(role="lead", user=world.sxd_staff)
    incoming.complete(world.sxd_staff, assignment, "Đã tham mưu văn bản trả lời.")
    with pytest.raises(ValidationError):
        send(world)  # no longer waiting
    assert not SmsMessage.objects.exists()


def test_the_send_form_offers_exactly_the_recipients_pending_items(world):
    items = pending.items(world.sxd_clerk, world.sxd_staff)
    assert [i.key for i in items] == [f"incoming:{world.doc.pk}"]
    assert "215/BXD-KHTC" in items[0].label
    assert pending.items(world.sxd_clerk, world.sxd_unit_leader) == []


def test_a_draft_waiting_for_review_is_pending_work_of_its_reviewer(world, django_capture_on_commit_callbacks):
    draft = out.create_draft(
        world.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v báo cáo tình hình giải ngân vốn đầu tư công năm 2026",
        text="Kính gửi: Ủy ban nhân dân tỉnh",
        signer=world.sxd_leader,
    )
    out.submit(world.sxd_staff, draft)
    services.grant(world.sxd_admin, world.sxd_staff)
    services.set_mobile(world.sxd_unit_leader, "0987654321")
    key = f"outgoing_review:{draft.pk}"
    assert key in [i.key for i in pending.items(world.sxd_staff, world.sxd_unit_leader)]
    message = sent(
        world, django_capture_on_commit_callbacks, sender=world.sxd_staff, recipient=world.sxd_unit_leader, key=key
    )
    assert message.text.startswith("Du thao cho duyet: du thao so") and "giai ngan" in message.text


# ---------------------------------------------------------------------------------------------- the message


def test_the_message_is_ascii_within_the_limit_with_the_note_and_sender_whole(
    world, settings, django_capture_on_commit_callbacks
):
    settings.VPDT_SMS_MAX_LENGTH = 120
    message = sent(world, django_capture_on_commit_callbacks, note="Đề nghị chị Lan xử lý gấp")
    assert message.text.isascii() and len(message.text) <= 120
    assert message.text.startswith("Van ban den cho xu ly: van ban den so")
    assert message.text.endswith("... De nghi chi Lan xu ly gap - Le Thi Hong Nhung")
    assert "..." in message.text  # the subject was cut
    with pytest.raises(ValidationError):
        send(world, note="x" * 71)


def test_the_outbox_default_writes_the_file_and_the_log_and_records_it_sent(
    world, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level("INFO", logger="vpdt.collab.sms.gateway"):
        message = sent(world, django_capture_on_commit_callbacks)
    lines = [json.loads(line) for line in world_outbox(world).read_text().splitlines()]
    assert lines == [{"at": lines[0]["at"], "id": message.pk, "phone": MOBILE, "text": message.text}]
    assert message.status == SmsStatus.SENT and message.gateway_ref == f"outbox-{message.pk}" and message.attempts == 1
    assert any(message.text in r.getMessage() and "0912***678" in r.getMessage() for r in caplog.records)
    actions = list(
        JournalEntry.objects.filter(object_type="sms.smsmessage").order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["sms.send", "sms.sent"]


def world_outbox(org):
    from django.conf import settings

    return settings.VPDT_SMS_OUTBOX


def test_rate_limit_per_sender_counted_in_the_database(world, settings, django_capture_on_commit_callbacks):
    settings.VPDT_SMS_RATE_LIMIT = 2
    sent(world, django_capture_on_commit_callbacks)
    sent(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="tối đa"):
        send(world)
    SmsMessage.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))
    assert sent(world, django_capture_on_commit_callbacks).status == SmsStatus.SENT


def test_opt_out_by_type_on_the_recipients_own_settings(world):
    services.set_opt_outs(world.sxd_staff, {"incoming"})
    with pytest.raises(ValidationError, match="không nhận tin nhắn SMS"):
        send(world)
    entry = JournalEntry.objects.get(action="sms.opt_out")
    assert entry.details["refused"] == ["Văn bản đến chờ xử lý"]
    with pytest.raises(ValidationError):
        services.set_opt_outs(world.sxd_staff, {"lich-hop"})
    services.set_opt_outs(world.sxd_staff, set())
    send(world)


def test_no_message_without_a_mobile_number(world):
    services.set_mobile(world.sxd_staff, "")
    with pytest.raises(ValidationError, match="chưa có số điện thoại di động"):
        send(world)


# ---------------------------------------------------------------------------------------------- HTTP gateway


class FakeGateway:
    """A brandname API on loopback: answers as ``mode`` says (ok, refuse, error, slow) and keeps what it got."""

    def __init__(self):
        self.mode, self.received = "ok", []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append(body)
                if gateway.mode == "slow":
                    time.sleep(1.5)
                if gateway.mode == "error":
                    self.send_response(503)
                    self.end_headers()
                    return
                answer = (
                    {"status": "100", "id": f"VT-{len(gateway.received)}"}
                    if gateway.mode == "ok"
                    else {"status": "104", "message": "Brandname chua duoc dang ky"}
                )
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake(settings, monkeypatch):
    gateway = FakeGateway()
    settings.VPDT_SMS_GATEWAY = "http"
    settings.VPDT_SMS_URL = gateway.url
    settings.VPDT_SMS_BRANDNAME = "SXD-NGHEAN"
    monkeypatch.setenv("VPDT_SMS_USERNAME", "sxd_api")
    monkeypatch.setenv("VPDT_SMS_PASSWORD", "mat-khau-cong-sms-bi-mat")
    yield gateway
    gateway.close()


def test_http_gateway_success_records_sent_with_the_gateways_id(
    world, fake, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level("DEBUG"):
        message = sent(world, django_capture_on_commit_callbacks)
    assert message.status == SmsStatus.SENT and message.gateway_ref == "VT-1" and message.sent_at
    (body,) = fake.received
    assert body == {
        "username": "sxd_api",
        "password": "mat-khau-cong-sms-bi-mat",
        "brandname": "SXD-NGHEAN",
        "phone": "84912345678",
        "message": message.text,
        "ref": str(message.pk),
    }
    assert all("mat-khau-cong-sms-bi-mat" not in r.getMessage() for r in caplog.records)
    assert not world_outbox(world).exists()


def test_http_gateway_refusal_records_the_error_without_retrying(world, fake, django_capture_on_commit_callbacks):
    fake.mode = "refuse"
    message = sent(world, django_capture_on_commit_callbacks)
    assert message.status == SmsStatus.FAILED and message.attempts == 1 and not message.sent_at
    assert "104" in message.error and "Brandname" in message.error
    failed = JournalEntry.objects.get(action="sms.failed")
    assert failed.details["to"] == SmsStatus.FAILED and "104" in failed.details["error"]


@pytest.mark.parametrize("mode, error", [("slow", "không trả lời trong 1 giây"), ("error", "HTTP 503")])
def test_http_gateway_timeout_and_server_error_are_retried_then_failed(
    world, fake, mode, error, django_capture_on_commit_callbacks
):
    fake.mode = mode
    message = sent(world, django_capture_on_commit_callbacks)
    assert message.status == SmsStatus.FAILED and message.attempts == 2  # one retry (VPDT_SMS_RETRIES=1)
    assert error in message.error and len(fake.received) == 2
    assert not JournalEntry.objects.filter(action="sms.sent").exists()


def test_a_transient_failure_then_success_is_sent(world, fake, settings):
    message = send(world)  # the task not run: the message waits
    fake.mode = "error"
    assert delivery.attempt(message.pk, last=False) == delivery.RETRY
    message.refresh_from_db()
    assert message.status == SmsStatus.PENDING and "503" in message.error
    fake.mode = "ok"
    assert delivery.attempt(message.pk, last=True) == delivery.DONE
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and message.attempts == 2 and message.error == ""
    assert delivery.attempt(message.pk, last=True) == delivery.DONE  # never sent twice
    assert len(fake.received) == 2


def test_the_gateways_delivery_report_records_it_received(
    world, fake, settings, client, django_capture_on_commit_callbacks
):
    message = sent(world, django_capture_on_commit_callbacks)
    url = "/tin-nhan/bao-nhan/"
    report = {"ref": message.gateway_ref, "status": "delivered"}
    assert client.post(url, report, content_type="application/json").status_code == 404  # no secret configured
    settings.VPDT_SMS_REPORT_TOKEN = "bi-mat-bao-nhan"
    assert client.post(url, report, content_type="application/json", HTTP_X_VPDT_SMS_TOKEN="sai").status_code == 403
    assert (
        client.post(url, "[]", content_type="application/json", HTTP_X_VPDT_SMS_TOKEN="bi-mat-bao-nhan").status_code
        == 400
    )
    ok = client.post(url, report, content_type="application/json", HTTP_X_VPDT_SMS_TOKEN="bi-mat-bao-nhan")
    assert ok.status_code == 200
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED and message.delivered_at
    assert JournalEntry.objects.filter(action="sms.delivered").exists()


# ---------------------------------------------------------------------------------------------- notifications


def test_the_notifications_sms_channel_sends_reminders_to_those_who_chose_it(world, django_capture_on_commit_callbacks):
    Preference.objects.create(user=world.sxd_staff, topic="reminder", channel="sms", enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [world.sxd_staff, world.sxd_unit_leader],
            "incoming.reminder",
            topic=topics.REMINDER,
            target=world.doc,
            text=f"Nhắc hạn: văn bản đến sắp đến hạn xử lý (hạn 30/12/2026): {SUBJECT}",
        )
    with django_capture_on_commit_callbacks(execute=True):
        pass
    message = SmsMessage.objects.get()
    assert message.recipient == world.sxd_staff and message.sender is None and message.kind == "notification"
    assert (
        message.status == SmsStatus.SENT
        and message.text.startswith("Nhac han: van ban den")
        and len(message.text) <= 160
    )
    assert message.notification_id and json.loads(world_outbox(world).read_text())["id"] == message.pk


# ---------------------------------------------------------------------------------------------- who sees what


def test_a_message_is_seen_by_its_sender_recipient_and_agency_administrator_only(
    world, django_capture_on_commit_callbacks
):
    message = sent(world, django_capture_on_commit_callbacks)
    for who, sees in (
        ("sxd_clerk", True),
        ("sxd_staff", True),
        ("sxd_admin", True),
        ("sxd_leader", False),
        ("sxd_unit_leader", False),
        ("province_admin", False),
        ("stttt_staff", False),
        ("ht_admin", False),
        ("ht_staff", False),
    ):
        assert visible(SmsMessage, getattr(world, who)).filter(pk=message.pk).exists() is sees, who


def test_screens_for_each_person(world, login, django_capture_on_commit_callbacks):
    message = sent(world, django_capture_on_commit_callbacks)
    grant = SmsGrant.objects.get(user=world.sxd_clerk)
    detail = f"/tin-nhan/{message.pk}/"
    for who, status in (
        ("sxd_clerk", 200),
        ("sxd_staff", 200),
        ("sxd_admin", 200),
        ("sxd_leader", 404),
        ("ht_staff", 404),
        ("province_admin", 404),
    ):
        assert login(getattr(world, who)).get(detail).status_code == status, who
    for who in ("sxd_staff", "sxd_leader", "ht_staff", "province_admin", "sxd_admin"):
        client = login(getattr(world, who))
        assert client.get("/tin-nhan/").status_code == 200
        assert client.get("/tin-nhan/cai-dat/").status_code == 200
        assert client.get("/tin-nhan/gui/").status_code == 403, who
        refused = client.post("/tin-nhan/gui/", {"recipient": world.sxd_staff.pk, "item": f"incoming:{world.doc.pk}"})
        assert refused.status_code == 403 and "chưa được quản trị" in refused.content.decode()
    clerk = login(world.sxd_clerk)
    page = clerk.get(f"/tin-nhan/gui/?recipient={world.sxd_staff.pk}").content.decode()
    assert f'value="incoming:{world.doc.pk}"' in page and "215/BXD-KHTC" in page
    listing = clerk.get("/tin-nhan/?hop=gui").content.decode()
    assert message.text[:40] in listing and "Đã gửi" in listing
    assert message.text[:40] not in login(world.sxd_leader).get("/tin-nhan/").content.decode()
    # The grants page: agency and province administrators; revoking only what they administer.
    for who, status in (
        ("sxd_admin", 200),
        ("province_admin", 200),
        ("ht_admin", 200),
        ("sxd_clerk", 403),
        ("sxd_leader", 403),
    ):
        assert login(getattr(world, who)).get("/tin-nhan/quyen-gui/").status_code == status, who
    assert world.sxd_clerk.full_name not in login(world.ht_admin).get("/tin-nhan/quyen-gui/").content.decode()
    revoke = f"/tin-nhan/quyen-gui/{grant.pk}/thu-hoi/"
    assert login(world.ht_admin).post(revoke, {"reason": "Thử"}).status_code == 404
    assert login(world.sxd_clerk).post(revoke, {"reason": "Thử"}).status_code == 403
    assert login(world.sxd_admin).post(revoke, {"reason": "Nghỉ hưu"}).status_code == 302
    assert not services.grant_in_force(world.sxd_clerk)


def test_the_send_screen_sends_and_shows_bad_input_in_vietnamese(world, login, django_capture_on_commit_callbacks):
    clerk = login(world.sxd_clerk)
    bad = clerk.post("/tin-nhan/gui/", {"recipient": world.sxd_staff.pk, "item": "incoming:999999"})
    assert bad.status_code == 200 and "không (hoặc không còn) chờ người nhận" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(
            "/tin-nhan/gui/", {"recipient": world.sxd_staff.pk, "item": f"incoming:{world.doc.pk}", "note": "Gấp"}
        )
    message = SmsMessage.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tin-nhan/{message.pk}/"


def test_settings_screen_sets_the_number_and_the_types(world, login):
    client = login(world.sxd_staff)
    bad = client.post("/tin-nhan/cai-dat/", {"mobile": "12345", "kinds": ["incoming"]})
    assert "Số điện thoại di động không hợp lệ" in bad.content.decode()
    assert (
        client.post("/tin-nhan/cai-dat/", {"mobile": "0987 654 321", "kinds": ["outgoing_review"]}).status_code == 302
    )
    assert services.mobile_of(world.sxd_staff) == "0987654321"
    assert services.opted_out(world.sxd_staff) == {"incoming", "outgoing_returned"}


# ---------------------------------------------------------------------------------------------- API


def test_api_messages_pending_items_send_and_grants(world, api, django_capture_on_commit_callbacks):
    clerk = api(world.sxd_clerk)
    items = clerk.get(f"/api/v1/sms-messages/pending/?recipient={world.sxd_staff.pk}")
    assert items.status_code == 200 and [i["key"] for i in items.json()] == [f"incoming:{world.doc.pk}"]
    with django_capture_on_commit_callbacks(execute=True):
        created = clerk.post(
            "/api/v1/sms-messages/",
            {"recipient": world.sxd_staff.pk, "item": f"incoming:{world.doc.pk}", "note": "Đề nghị xử lý"},
            format="json",
        )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    got = clerk.get(f"/api/v1/sms-messages/{pk}/").json()
    assert got["status"] == "sent" and got["status_display"] == "Đã gửi"
    for who, status in (("sxd_staff", 200), ("sxd_admin", 200), ("sxd_leader", 404), ("ht_staff", 404)):
        assert api(getattr(world, who)).get(f"/api/v1/sms-messages/{pk}/").status_code == status, who
    staff = api(world.sxd_staff)
    refused = staff.post(
        "/api/v1/sms-messages/", {"recipient": world.sxd_clerk.pk, "item": f"incoming:{world.doc.pk}"}, format="json"
    )
    assert refused.status_code == 403 and "chưa được quản trị" in refused.json()["detail"]
    assert staff.get("/api/v1/sms-messages/pending/?recipient=abc").status_code == 400
    bad = clerk.post("/api/v1/sms-messages/", {"recipient": world.sxd_staff.pk, "item": "incoming:0"}, format="json")
    assert bad.status_code == 400 and "item" in bad.json()
    # Grants: the administrators only.
    admin = api(world.sxd_admin)
    assert [g["user"] for g in admin.get("/api/v1/sms-grants/").json()["results"]] == [world.sxd_clerk.pk]
    assert api(world.ht_admin).get("/api/v1/sms-grants/").json()["results"] == []
    assert staff.post("/api/v1/sms-grants/", {"user": world.sxd_staff.pk}, format="json").status_code == 403
    assert (
        api(world.ht_admin).post("/api/v1/sms-grants/", {"user": world.sxd_staff.pk}, format="json").status_code == 403
    )
    new = admin.post("/api/v1/sms-grants/", {"user": world.sxd_staff.pk, "note": "Văn thư dự bị"}, format="json")
    assert new.status_code == 201
    revoke = f"/api/v1/sms-grants/{new.json()['id']}/revoke/"
    assert api(world.ht_admin).post(revoke, {"reason": "x"}, format="json").status_code == 404
    assert admin.post(revoke, {}, format="json").status_code == 400
    assert admin.post(revoke, {"reason": "Hết nhiệm vụ"}, format="json").status_code == 200
    assert not queries.may_send(world.sxd_staff)


def test_api_own_settings(world, api):
    client = api(world.sxd_staff)
    assert client.get("/api/v1/sms-messages/settings/").json() == {
        "mobile": MOBILE,
        "opted_out": [],
        "number": MOBILE,
    }
    bad = client.put("/api/v1/sms-messages/settings/", {"mobile": "0238 3844 555", "opted_out": []}, format="json")
    assert bad.status_code == 400 and "mobile" in bad.json()
    bad = client.put("/api/v1/sms-messages/settings/", {"mobile": "", "opted_out": ["lich"]}, format="json")
    assert bad.status_code == 400 and "kinds" in bad.json()
    ok = client.put("/api/v1/sms-messages/settings/", {"mobile": "", "opted_out": ["incoming"]}, format="json")
    assert ok.json() == {"mobile": "", "opted_out": ["incoming"], "number": ""}
    assert api(world.sxd_clerk).get("/api/v1/sms-messages/settings/").json()["opted_out"] == []


def test_messages_and_their_status_read_as_vietnamese_sentences_in_the_journal(
    world, django_capture_on_commit_callbacks
):
    from vpdt.journal import sentences

    message = sent(world, django_capture_on_commit_callbacks)
    queued, accepted = JournalEntry.objects.filter(object_type="sms.smsmessage").order_by("seq")
    assert sentences.describe(queued, visible=True) == (
        f"Lê Thị Hồng Nhung gửi tin nhắn SMS (Văn bản đến chờ xử lý) cho Hoàng Thị Lan, số 0912***678: “{message.text}”"
    )
    assert sentences.describe(queued, visible=False).startswith("Lê Thị Hồng Nhung gửi một tin nhắn SMS")
    assert message.text not in sentences.describe(queued, visible=False)
    assert sentences.describe(accepted, visible=True) == (
        f"Cổng SMS đã nhận để chuyển đi: Tin nhắn SMS số {message.pk} gửi Hoàng Thị Lan (lần gửi thứ 1)"
    )


def test_an_uncut_message_reads_item_note_and_sender(world):
    item = pending.find(world.sxd_clerk, world.sxd_staff, f"incoming:{world.doc.pk}")
    plain = services.compose(item, world.sxd_clerk, "", 400)
    assert plain.endswith("cua So Xay dung tinh Nghe An - Le Thi Hong Nhung") and "..." not in plain
    noted = services.compose(item, world.sxd_clerk, "Gấp", 400)
    assert noted.endswith("tinh Nghe An. Gap - Le Thi Hong Nhung")
