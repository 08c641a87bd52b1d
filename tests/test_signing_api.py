"""Signing administration through the API: certificates, trust roots, signature images and the agency policy.
Visibility as on the screens (never another agency), multipart registration with Vietnamese 400s, 403 for the
wrong actor, 404 for what the caller may not see, and never a key file, passphrase or PIN in a response."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import shared_data
from tests.signing_support import PASSPHRASE, equip, pki_material
from tests.test_signing_admin import opaque_png
from vpdt.journal.models import JournalEntry
from vpdt.signing import pki, samples
from vpdt.signing.models import Credential, CredentialKind, KeyStore, SignatureImage, SigningPolicy, TrustRoot

pytestmark = pytest.mark.django_db

NOT_FOUND = "Không tìm thấy đối tượng (hoặc bạn không có quyền xem)."


@shared_data.over("org")
def world(org):
    equip(org)
    return org


def messages(body) -> list[str]:
    if isinstance(body, dict):
        return [m for v in body.values() for m in messages(v)]
    if isinstance(body, list):
        return [m for v in body for m in messages(v)]
    return [str(body)]


def p12(which="unit_leader", passphrase=PASSPHRASE, name="dung.p12"):
    return SimpleUploadedFile(name, pki_material().p12(which, passphrase), content_type="application/x-pkcs12")


SEES = {
    "sxd_admin": {"leader", "agency"},
    "province_admin": {"leader", "agency"},
    "sxd_clerk": {"agency"},
    "sxd_leader": {"leader"},
    "sxd_staff": set(),
    "stttt_staff": set(),
    "stttt_it": set(),
    "ht_admin": set(),
    "ht_staff": set(),
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_credential_list_and_detail_follow_visibility(world, api, who):
    client = api(getattr(world, who))
    named = {"leader": world.leader_credential, "agency": world.agency_credential}
    body = client.get("/api/v1/signing-credentials/").json()
    assert {row["id"] for row in body["results"]} == {named[k].pk for k in SEES[who]}
    for key, credential in named.items():
        response = client.get(f"/api/v1/signing-credentials/{credential.pk}/")
        if key in SEES[who]:
            assert response.status_code == 200
        else:
            assert response.status_code == 404 and response.json()["detail"] == NOT_FOUND


def test_credential_fields_never_leak_secrets(world, api):
    body = api(world.sxd_admin).get(f"/api/v1/signing-credentials/{world.agency_credential.pk}/").json()
    assert body["common_name"] == "Sở Xây dựng tỉnh Nghệ An" and body["kind"] == "agency"
    assert body["state"] == "ok" and body["state_display"] == "Còn hiệu lực" and body["days_left"] > 600
    assert "p12" not in body and "passphrase" not in body
    assert PASSPHRASE not in str(body) and "PRIVATE KEY" not in str(body)


def test_filters(world, api):
    client = api(world.sxd_admin)
    rows = client.get("/api/v1/signing-credentials/", {"kind": "personal"}).json()["results"]
    assert [r["id"] for r in rows] == [world.leader_credential.pk]
    assert client.get("/api/v1/signing-credentials/", {"state": "expiring"}).json()["results"] == []


def test_register_pkcs12_and_deactivate(world, api):
    client = api(world.sxd_admin)
    response = client.post(
        "/api/v1/signing-credentials/",
        {
            "kind": "personal",
            "user": world.sxd_unit_leader.pk,
            "label": "Trưởng phòng KHTC",
            "p12": p12(),
            "passphrase": PASSPHRASE,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["common_name"] == "Phạm Văn Dũng" and body["keystore"] == "pkcs12" and body["agency"] == world.sxd.pk
    assert PASSPHRASE not in response.content.decode()
    credential = Credential.objects.get(pk=body["id"])
    assert api(world.sxd_unit_leader).get(f"/api/v1/signing-credentials/{credential.pk}/").status_code == 200
    # the holder may not retire it, another province does not even see it
    response = api(world.sxd_unit_leader).post(
        f"/api/v1/signing-credentials/{credential.pk}/deactivate/", {"reason": "Tự ngừng"}, format="json"
    )
    assert response.status_code == 403 and "Chỉ quản trị của cơ quan" in response.json()["detail"]
    response = api(world.ht_admin).post(f"/api/v1/signing-credentials/{credential.pk}/deactivate/", {}, format="json")
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/signing-credentials/{credential.pk}/deactivate/", {"reason": "Chuyển công tác"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "inactive"
    assert response.json()["state_display"] == "Ngừng sử dụng"
    entry = JournalEntry.objects.get(action="signing.credential.deactivate")
    assert entry.details["reason"] == "Chuyển công tác"


def test_register_token_certificate(world, api):
    keys = pki_material()
    response = api(world.sxd_admin).post(
        "/api/v1/signing-credentials/",
        {
            "kind": "agency",
            "keystore": "pkcs11",
            "pkcs11_module": "/usr/lib/softhsm/libsofthsm2.so",
            "pkcs11_token": "SXD",
            "pkcs11_key": "dau-so",
            "pkcs11_pin_env": "VPDT_HSM_PIN",
            "certificate": SimpleUploadedFile("sxd.pem", pki.to_pem(keys.agency.cert).encode()),
            "chain": SimpleUploadedFile("ca.pem", pki.to_pem(keys.sub.cert).encode()),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["keystore"] == "pkcs11" and response.json()["pkcs11_pin_env"] == "VPDT_HSM_PIN"
    assert Credential.objects.get(pk=response.json()["id"]).p12 is None


@pytest.mark.parametrize(
    "data,message",
    [
        ({"passphrase": "sai"}, "mật khẩu không đúng"),
        ({"p12": SimpleUploadedFile("x.p12", b"day khong phai PKCS12")}, "tệp không phải .p12/.pfx"),
        ({"p12": "EXPIRED"}, "đã hết hạn ngày"),
        ({"p12": None}, "Gửi tệp PKCS#12"),
        ({"passphrase": None}, "Nhập mật khẩu của tệp PKCS#12."),
        ({"kind": "ca-nhan"}, "Loại chứng thư số không hợp lệ."),
        ({"user": None}, "Chọn người được cấp chứng thư số cá nhân."),
        ({"user": 999999}, "Người dùng không tồn tại."),
        ({"user": "HT"}, "Người này không thuộc cơ quan."),
        ({"p12": "text"}, "Dữ liệu gửi lên không phải là tệp"),
        ({"pkcs11_pin_env": "MÃ PIN"}, "Tên biến môi trường chỉ gồm chữ Latinh, số và _."),
    ],
)
def test_register_errors_are_vietnamese_400(world, api, data, message):
    payload = {"kind": "personal", "user": world.sxd_unit_leader.pk, "p12": p12(), "passphrase": PASSPHRASE}
    payload.update(data)
    if payload.get("p12") == "EXPIRED":
        payload["p12"] = p12("expired")
    if payload.get("user") == "HT":
        payload["user"] = world.ht_staff.pk
    payload = {k: v for k, v in payload.items() if v is not None}
    response = api(world.sxd_admin).post("/api/v1/signing-credentials/", payload, format="multipart")
    assert response.status_code == 400, response.content
    assert any(message in m for m in messages(response.json())), response.json()
    assert not Credential.objects.filter(user=world.sxd_unit_leader).exists()


@pytest.mark.parametrize("who", ["sxd_clerk", "sxd_leader", "ht_admin"])
def test_register_refused_to_non_administrators(world, api, who):
    response = api(getattr(world, who)).post(
        "/api/v1/signing-credentials/",
        {"kind": "agency", "agency": world.sxd.pk, "p12": p12("agency"), "passphrase": PASSPHRASE},
        format="multipart",
    )
    assert response.status_code == 403
    assert "Chỉ quản trị của cơ quan" in response.json()["detail"]


def test_trust_roots(world, api):
    root = TrustRoot.objects.get()
    pem = pki.to_pem(pki_material().foreign_root.cert).encode()
    rows = api(world.ht_staff).get("/api/v1/trust-roots/").json()["results"]
    assert [r["id"] for r in rows] == [root.pk]
    admin = api(world.sxd_admin)
    response = admin.post("/api/v1/trust-roots/", {"file": SimpleUploadedFile("r.pem", pem)}, format="multipart")
    assert response.status_code == 403 and "quản trị cấp tỉnh" in response.json()["detail"]
    assert admin.post(f"/api/v1/trust-roots/{root.pk}/deactivate/").status_code == 403
    province = api(world.province_admin)
    response = province.post(
        "/api/v1/trust-roots/",
        {"file": SimpleUploadedFile("r.pem", pem), "name": "CA thử nghiệm nước ngoài"},
        format="multipart",
    )
    assert response.status_code == 201 and response.json()[0]["name"] == "CA thử nghiệm nước ngoài"
    response = province.post("/api/v1/trust-roots/", {"file": SimpleUploadedFile("r.txt", b"rac")}, format="multipart")
    assert response.status_code == 400 and any("đọc được" in m or "chứng thư" in m for m in messages(response.json()))
    response = province.post(f"/api/v1/trust-roots/{root.pk}/deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    response = province.post(f"/api/v1/trust-roots/{root.pk}/activate/")
    assert response.json()["is_active"] is True


def test_signature_images(world, api):
    leader = api(world.sxd_unit_leader)
    response = leader.post(
        "/api/v1/signature-images/",
        {"kind": "signature", "file": SimpleUploadedFile("ky.png", samples.signature_png("dung")), "width_mm": "38"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    image = SignatureImage.objects.get(pk=response.json()["id"])
    assert image.user == world.sxd_unit_leader and float(image.width_mm) == 38.0
    assert leader.get(f"/api/v1/signature-images/{image.pk}/png/").content.startswith(b"\x89PNG")
    assert api(world.stttt_staff).get(f"/api/v1/signature-images/{image.pk}/png/").status_code == 404
    ids = {r["id"] for r in api(world.sxd_clerk).get("/api/v1/signature-images/").json()["results"]}
    assert ids == set(SignatureImage.objects.filter(kind="seal", is_active=True).values_list("pk", flat=True))
    # a staff member cannot upload the seal or someone else's signature
    response = api(world.sxd_staff).post(
        "/api/v1/signature-images/",
        {"kind": "seal", "file": SimpleUploadedFile("d.png", samples.seal_png())},
        format="multipart",
    )
    assert response.status_code == 403
    response = api(world.sxd_staff).post(
        "/api/v1/signature-images/",
        {
            "kind": "signature",
            "user": world.sxd_leader.pk,
            "file": SimpleUploadedFile("d.png", samples.signature_png()),
        },
        format="multipart",
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "data,message",
    [
        ({"file": SimpleUploadedFile("a.png", b"\x89PNG hong")}, "Tệp không phải hình PNG đọc được."),
        ({"file": "OPAQUE"}, "Hình phải có nền trong suốt"),
        ({"width_mm": "500"}, "Chiều rộng tối đa 120 mm."),
        ({"height_mm": "1"}, "Chiều cao tối thiểu 5 mm."),
        ({"width_mm": "rộng"}, "Chiều rộng phải là số (mm)."),
        ({"kind": "anh"}, "Loại hình không hợp lệ."),
    ],
)
def test_image_errors_are_vietnamese_400(world, api, data, message):
    payload = {"kind": "signature", "file": SimpleUploadedFile("k.png", samples.signature_png()), **data}
    if payload["file"] == "OPAQUE":
        payload["file"] = SimpleUploadedFile("k.png", opaque_png())
    response = api(world.sxd_leader).post("/api/v1/signature-images/", payload, format="multipart")
    assert response.status_code == 400, response.content
    assert any(message in m for m in messages(response.json())), response.json()


def test_signing_policy(world, api):
    url = f"/api/v1/signing-policies/{world.sxd.pk}/"
    body = api(world.sxd_clerk).get(url).json()
    assert body == {**body, "agency": world.sxd.pk, "on_failure": "flag", "require_both": False}
    assert api(world.sxd_clerk).patch(url, {"on_failure": "refuse"}, format="json").status_code == 403
    assert api(world.ht_admin).get(url).status_code == 404
    assert api(world.stttt_staff).patch(url, {"on_failure": "refuse"}, format="json").status_code == 404
    admin = api(world.sxd_admin)
    response = admin.patch(url, {"on_failure": "refuse"}, format="json")
    assert response.status_code == 200 and response.json()["on_failure_display"] == "Từ chối tiếp nhận"
    response = admin.put(url, {"on_failure": "flag", "require_both": True}, format="json")
    assert response.status_code == 200
    policy = SigningPolicy.objects.get(agency=world.sxd)
    assert policy.on_failure == "flag" and policy.require_both and policy.updated_by == world.sxd_admin
    response = admin.patch(url, {"on_failure": "bo-qua"}, format="json")
    assert response.status_code == 400 and messages(response.json()) == ["Cách xử lý không hợp lệ."]
    assert admin.get("/api/v1/signing-policies/abc/").status_code == 404
    assert {p["agency"] for p in api(world.province_admin).get("/api/v1/signing-policies/").json()} >= {
        world.sxd.pk,
        world.stttt.pk,
    }


def test_credential_kinds_are_documented(world, api):
    schema = api(world.sxd_staff).get("/api/v1/schema/").content.decode()
    for path in (
        "/api/v1/signing-credentials/{id}/deactivate/",
        "/api/v1/trust-roots/{id}/activate/",
        "/api/v1/signature-images/",
        "/api/v1/signing-policies/{id}/",
    ):
        assert path in schema
    assert CredentialKind.PERSONAL == "personal" and KeyStore.EXTERNAL == "external"
