"""Web push: devices subscribe with checked data, notifications reach a push service encrypted (RFC 8291) and
signed (VAPID, RFC 8292), a forgotten device is removed, and the server posts only to the listed push services.
The push service here is a local HTTP server that decrypts what it receives with the device's keys."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.contrib.staticfiles import finders
from django.test import Client

from vpdt.journal.models import JournalEntry
from vpdt.journal.sentences import describe
from vpdt.notifications import channels, push, queries, services, topics
from vpdt.notifications.models import PushSubscription


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _verified_claims(token: str, public: ec.EllipticCurvePublicKey) -> dict:
    """The claims of an ES256 JSON web token, after checking its signature (raises when it does not hold)."""
    header, claims, signature = token.split(".")
    raw = _unb64(signature)
    assert json.loads(_unb64(header))["alg"] == "ES256" and len(raw) == 64
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(_unb64(claims))


class Device:
    """A browser's push keys: the P-256 key pair and the 16-byte auth secret."""

    def __init__(self, endpoint):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = bytes(range(16))
        self.endpoint = endpoint

    def json(self):
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": _b64(public), "auth": _b64(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def push_service(settings):
    """A push service on loopback: records each POST; answers with ``status`` (201 unless changed)."""
    received = []
    state = {"status": 201}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(
                {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            )
            self.send_response(state["status"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.VPDT_WEBPUSH_SERVICES = [f"http://127.0.0.1:{server.server_port}"]
    yield type(
        "PushService", (), {"url": f"http://127.0.0.1:{server.server_port}", "received": received, "state": state}
    )
    server.shutdown()
    server.server_close()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _subscribe(client, data, **extra):
    return client.post("/thong-bao/day/dang-ky/", json.dumps(data), content_type="application/json", **extra)


ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SM-A556E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)


def test_a_device_subscribes_once_and_the_journal_says_so_in_vietnamese(org, push_service):
    device = Device(push_service.url + "/send/abc")
    client = _client(org.sxd_staff)
    answer = _subscribe(client, device.json(), HTTP_USER_AGENT=ANDROID)
    assert answer.status_code == 200, answer.content
    assert answer.json()["device"] == "Chrome trên Android"
    again = _subscribe(client, device.json(), HTTP_USER_AGENT=ANDROID)
    assert again.status_code == 200
    assert PushSubscription.objects.filter(user=org.sxd_staff).count() == 1
    entries = JournalEntry.objects.filter(action="notifications.push_on")
    assert entries.count() == 1
    assert (
        describe(entries.get(), visible=True) == f"{org.sxd_staff.full_name} bật thông báo đẩy trên Chrome trên Android"
    )

    page = client.get("/tai-khoan/").content.decode()
    assert "Chrome trên Android" in page and "Thông báo đẩy" in page


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"endpoint": "https://10.0.0.5/send/x"}, "không nằm trong danh sách được phép"),
        ({"endpoint": "http://169.254.169.254/latest/meta-data"}, "không nằm trong danh sách được phép"),
        ({"endpoint": "https://user:pw@fcm.googleapis.com/fcm/send/x"}, "không nằm trong danh sách được phép"),
        ({"endpoint": ""}, "Thiếu địa chỉ"),
        ({"endpoint": ["x"]}, "Thiếu địa chỉ"),
        ({"keys": {"p256dh": "AAAA", "auth": _b64(bytes(16))}}, "“p256dh”"),
        ({"keys": {"auth": "%%%"}}, "không hợp lệ"),
        ({"keys": "khoá"}, "Thiếu khóa"),
    ],
)
def test_bad_subscriptions_are_refused_in_vietnamese_and_nothing_is_kept(org, push_service, change, reason):
    data = {**Device(push_service.url + "/send/abc").json(), **change}
    answer = _subscribe(_client(org.sxd_staff), data)
    assert answer.status_code == 400
    assert reason in answer.json()["error"]
    assert not PushSubscription.objects.exists()


def test_garbage_bodies_get_400_not_500(org):
    client = _client(org.sxd_staff)
    for body in (b"", b"\xff\xfe", b"[1,2", b"null", b'"x"', b"{" + b" " * 5000 + b"}"):
        for url in ("/thong-bao/day/dang-ky/", "/thong-bao/day/huy/"):
            answer = client.post(url, body, content_type="application/json")
            assert answer.status_code == 400, (url, body[:20])
            assert answer.json()["error"]


def test_anonymous_visitors_cannot_subscribe(org):
    assert Client().post("/thong-bao/day/dang-ky/", "{}", content_type="application/json").status_code == 302
    assert Client().get("/thong-bao/day/khoa/").status_code == 302


def test_new_work_is_pushed_encrypted_and_signed(org, push_service, django_capture_on_commit_callbacks):
    device = Device(push_service.url + "/send/abc")
    assert _subscribe(_client(org.sxd_staff), device.json()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        [note] = services.notify(
            [org.sxd_staff], "test.work", text="Văn bản số 171/QĐ-BDT chờ anh/chị xử lý", topic=topics.WORK
        )
    [request] = push_service.received
    assert request["path"] == "/send/abc"
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert int(request["headers"]["ttl"]) == push.TTL
    message = device.decrypt(request["body"])
    assert message["body"] == "Văn bản số 171/QĐ-BDT chờ anh/chị xử lý"
    assert message["url"] == f"/thong-bao/{note.pk}/"

    scheme, _sep, params = request["headers"]["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == push.public_key()
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(fields["k"]))
    claims = _verified_claims(fields["t"], public)
    assert claims["aud"] == push_service.url and claims["sub"].startswith("mailto:")
    assert PushSubscription.objects.get().last_sent_at is not None


def test_people_without_a_device_queue_nothing(org):
    assert queries.wanting([org.sxd_staff.pk, org.sxd_leader.pk], topics.WORK, channels.PUSH) == set()


def test_a_person_who_turned_push_off_gets_none(org, push_service, django_capture_on_commit_callbacks):
    assert _subscribe(_client(org.sxd_staff), Device(push_service.url + "/s/1").json()).status_code == 200
    services.set_preferences(org.sxd_staff, {("work", "push"): False})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([org.sxd_staff], "test.work", text="Việc mới", topic=topics.WORK)
    assert push_service.received == []


def test_a_forgotten_device_is_removed_and_a_failing_one_counted(org, push_service, django_capture_on_commit_callbacks):
    assert _subscribe(_client(org.sxd_staff), Device(push_service.url + "/s/1").json()).status_code == 200
    push_service.state["status"] = 500
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([org.sxd_staff], "test.work", text="Việc mới", topic=topics.WORK)
    assert PushSubscription.objects.get().failures == 1
    push_service.state["status"] = 410
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([org.sxd_staff], "test.work", text="Việc mới nữa", topic=topics.WORK)
    assert not PushSubscription.objects.exists()
    assert len(push_service.received) == 2


def test_a_device_whose_service_left_the_list_gets_nothing(
    org, push_service, settings, django_capture_on_commit_callbacks
):
    assert _subscribe(_client(org.sxd_staff), Device(push_service.url + "/s/1").json()).status_code == 200
    settings.VPDT_WEBPUSH_SERVICES = ["https://fcm.googleapis.com"]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([org.sxd_staff], "test.work", text="Việc mới", topic=topics.WORK)
    assert push_service.received == []
    assert not PushSubscription.objects.exists()


def test_a_person_removes_only_their_own_devices(org, push_service):
    assert _subscribe(_client(org.sxd_staff), Device(push_service.url + "/s/1").json()).status_code == 200
    theirs = PushSubscription.objects.get()
    other = _client(org.sxd_leader)
    answer = other.post(f"/thong-bao/day/{theirs.pk}/go/", follow=True)
    assert "Không tìm thấy thiết bị này" in answer.content.decode()
    assert (
        other.post(
            "/thong-bao/day/huy/", json.dumps({"endpoint": theirs.endpoint}), content_type="application/json"
        ).status_code
        == 200
    )
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()

    owner = _client(org.sxd_staff)
    answer = owner.post(f"/thong-bao/day/{theirs.pk}/go/", follow=True)
    assert "Đã gỡ thiết bị" in answer.content.decode()
    assert not PushSubscription.objects.exists()
    entry = JournalEntry.objects.filter(action="notifications.push_off").get()
    assert describe(entry, visible=True).startswith(f"{org.sxd_staff.full_name} tắt thông báo đẩy")


def test_the_key_is_created_once_and_kept(org, settings, tmp_path):
    settings.VPDT_VAPID_PRIVATE_KEY_FILE = tmp_path / "vapid.pem"
    first = _client(org.sxd_staff).get("/thong-bao/day/khoa/").json()["key"]
    assert len(base64.urlsafe_b64decode(first + "==")) == 65
    assert (tmp_path / "vapid.pem").stat().st_mode & 0o077 == 0
    assert push.public_key() == first


# ---------------------------------------------------------------------------------------------- the installable app


def test_manifest_names_the_app_and_its_icons_exist():
    answer = Client().get("/manifest.webmanifest")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/manifest+json"
    data = json.loads(answer.content)
    assert data["name"] == "Văn phòng điện tử" and data["lang"] == "vi" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_service_worker_caches_only_the_shell():
    from vpdt.core import pwa

    answer = Client().get("/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert "no-cache" in answer["Cache-Control"] or "max-age=0" in answer["Cache-Control"]
    body = answer.content.decode()
    assert json.dumps(pwa.shell_urls()) in body
    for path in pwa.SHELL:
        assert finders.find(path), path


def test_offline_page_is_the_same_for_everyone(org):
    anonymous = Client().get("/ngoai-tuyen/")
    signed_in = _client(org.sxd_staff).get("/ngoai-tuyen/")
    assert anonymous.status_code == signed_in.status_code == 200
    assert "Mất kết nối" in anonymous.content.decode()
    assert org.sxd_staff.full_name not in signed_in.content.decode()
    assert "csrfmiddlewaretoken" not in signed_in.content.decode()


def test_every_page_links_the_manifest_and_the_worker(org):
    page = _client(org.sxd_staff).get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'name="vpdt-sw" content="/sw.js"' in page
    assert "data-offline-banner" in page
