"""Signing administration: who sees which certificates and images (visible(), the screens,
never another agency), registering PKCS#12 files and token certificates with clear Vietnamese errors,
deactivation, trust roots, signature images, the agency policy, and the expiry warnings (daily task + home
banner)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from tests import shared_data
from tests.signing_support import PASSPHRASE, equip, pki_material
from vpdt.core.authz import manageable, visible
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification
from vpdt.signing import models, pki, samples, tasks
from vpdt.signing import services as signing
from vpdt.signing.models import Credential, CredentialKind, ImageKind, KeyStore, SignatureImage

pytestmark = pytest.mark.django_db


@shared_data.over("org")
def world(org):
    equip(org)
    org.leader_signature = SignatureImage.objects.get(kind=ImageKind.SIGNATURE, user=org.sxd_leader)
    org.seal = SignatureImage.objects.get(kind=ImageKind.SEAL, agency=org.sxd)
    # Sở Thông tin và Truyền thông has its own agency certificate, registered by the province administrator.
    org.stttt_credential = signing.register_pkcs12(
        org.province_admin,
        kind=CredentialKind.AGENCY,
        agency=org.stttt,
        data=pki_material().p12("unit_leader"),
        passphrase=PASSPHRASE,
        label="Chữ ký số Sở TT&TT",
    )
    return org


def p12_upload(which="unit_leader", passphrase=PASSPHRASE, name="pham-van-dung.p12"):
    return SimpleUploadedFile(name, pki_material().p12(which, passphrase), content_type="application/x-pkcs12")


def png(data=None, name="chu-ky.png"):
    return SimpleUploadedFile(
        name, data if data is not None else samples.signature_png("dung"), content_type="image/png"
    )


def opaque_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 120), (255, 255, 255)).save(out, format="PNG")
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- visibility

# who -> which of (leader's personal, sxd agency, stttt agency) they see
CREDENTIALS = {
    "sxd_admin": {"leader", "agency"},
    "province_admin": {"leader", "agency", "stttt"},
    "sxd_clerk": {"agency"},
    "sxd_leader": {"leader"},
    "sxd_unit_leader": set(),
    "sxd_staff": set(),
    "stttt_staff": set(),
    "stttt_it": set(),
    "ht_admin": set(),
    "ht_staff": set(),
}


def _credentials(org):
    return {"leader": org.leader_credential, "agency": org.agency_credential, "stttt": org.stttt_credential}


@pytest.mark.parametrize("who", sorted(CREDENTIALS))
def test_credential_visibility_table(world, login, who):
    user = getattr(world, who)
    named = _credentials(world)
    expected = {named[k].pk for k in CREDENTIALS[who]}
    assert set(visible(Credential, user).values_list("pk", flat=True)) == expected
    html = login(user).get("/ky-so/").content.decode()
    for key, credential in named.items():
        link = f'href="/ky-so/chung-thu/{credential.pk}/"'
        assert (link in html) == (key in CREDENTIALS[who]), (who, key)
    client = login(user)
    for key, credential in named.items():
        status = client.get(f"/ky-so/chung-thu/{credential.pk}/").status_code
        assert status == (200 if key in CREDENTIALS[who] else 404), (who, key)


def test_only_administrators_manage_credentials(world):
    assert set(manageable(Credential, world.sxd_admin)) == {world.leader_credential, world.agency_credential}
    assert not manageable(Credential, world.sxd_leader).exists()
    assert not manageable(Credential, world.sxd_clerk).exists()
    assert not manageable(Credential, world.ht_admin).exists()


IMAGES = {
    "sxd_admin": {"signature", "seal"},
    "province_admin": {"signature", "seal"},
    "sxd_clerk": {"seal"},
    "sxd_leader": {"signature"},
    "sxd_staff": set(),
    "stttt_staff": set(),
    "ht_admin": set(),
    "ht_staff": set(),
}


@pytest.mark.parametrize("who", sorted(IMAGES))
def test_image_visibility_and_preview(world, login, who):
    user = getattr(world, who)
    named = {"signature": world.leader_signature, "seal": world.seal}
    assert set(visible(SignatureImage, user).values_list("pk", flat=True)) == {named[k].pk for k in IMAGES[who]}
    client = login(user)
    for key, image in named.items():
        response = client.get(f"/ky-so/hinh/{image.pk}.png")
        if key in IMAGES[who]:
            assert response.status_code == 200 and response["Content-Type"] == "image/png"
            assert response.content.startswith(b"\x89PNG")
        else:
            assert response.status_code == 404


def test_trust_roots_are_public_but_changed_by_province_admins(world, login):
    root = models.TrustRoot.objects.get()
    for user in (world.sxd_staff, world.ht_staff, world.province_admin):
        assert list(visible(models.TrustRoot, user)) == [root]
        assert "Test Root CA vpdt" in login(user).get("/ky-so/goc-tin-cay/").content.decode()
    assert not manageable(models.TrustRoot, world.sxd_admin).exists()
    assert manageable(models.TrustRoot, world.province_admin).exists()


# ---------------------------------------------------------------------------------------------- registering


def _p12_form(org, **overrides):
    data = {
        "agency": org.sxd.pk,
        "kind": CredentialKind.PERSONAL,
        "user": org.sxd_unit_leader.pk,
        "label": "Chữ ký số Trưởng phòng KHTC",
        "p12": p12_upload(),
        "passphrase": PASSPHRASE,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_registers_a_pkcs12_through_the_screen(world, login):
    client = login(world.sxd_admin)
    assert client.get("/ky-so/chung-thu/them-p12/").status_code == 200
    response = client.post("/ky-so/chung-thu/them-p12/", _p12_form(world))
    credential = Credential.objects.get(user=world.sxd_unit_leader)
    assert response.status_code == 302 and response["Location"] == f"/ky-so/chung-thu/{credential.pk}/"
    assert credential.common_name == "Phạm Văn Dũng" and credential.keystore == KeyStore.PKCS12
    assert credential.p12 is not None
    page = client.get(response["Location"]).content.decode()
    assert "Còn hiệu lực" in page and credential.fingerprint in page and "Test CA chuyên dùng Chính phủ" in page
    assert PASSPHRASE not in page
    # the holder now sees it, a colleague does not
    assert visible(Credential, world.sxd_unit_leader).filter(pk=credential.pk).exists()
    assert not visible(Credential, world.sxd_staff).filter(pk=credential.pk).exists()
    assert JournalEntry.objects.filter(action="signing.credential.register", object_id=str(credential.pk)).exists()


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"passphrase": "sai-mat-khau"}, "mật khẩu không đúng hoặc tệp không phải .p12/.pfx"),
        ({"p12": SimpleUploadedFile("cv.p12", b"%PDF-1.7 day khong phai p12")}, "tệp không phải .p12/.pfx"),
        ({"p12": p12_upload("expired")}, "đã hết hạn ngày"),
        ({"user": ""}, "Chọn người được cấp chứng thư số cá nhân."),
        ({"p12": SimpleUploadedFile("rong.p12", b"")}, "rỗng"),
        ({"kind": "ca_nhan"}, "Loại: lựa chọn không hợp lệ."),
        ({"agency": 999999}, "Cơ quan: lựa chọn không hợp lệ."),
        ({"passphrase": ""}, "Mật khẩu của tệp là bắt buộc."),
    ],
)
def test_pkcs12_errors_are_clear_and_vietnamese(world, login, overrides, message):
    if "p12" in overrides and overrides["p12"] is not None:
        overrides["p12"].seek(0)
    response = login(world.sxd_admin).post("/ky-so/chung-thu/them-p12/", _p12_form(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Credential.objects.filter(user=world.sxd_unit_leader).exists()


def test_holder_must_belong_to_an_administered_agency(world, login):
    response = login(world.sxd_admin).post("/ky-so/chung-thu/them-p12/", _p12_form(world, user=world.ht_staff.pk))
    assert "Người được cấp: lựa chọn không hợp lệ." in response.content.decode()
    response = login(world.sxd_admin).post("/ky-so/chung-thu/them-p12/", _p12_form(world, agency=world.stttt.pk))
    assert "Cơ quan: lựa chọn không hợp lệ." in response.content.decode()
    assert not Credential.objects.filter(user=world.sxd_unit_leader).exists()


@pytest.mark.parametrize("who", ["sxd_clerk", "sxd_leader", "sxd_staff", "ht_staff"])
def test_non_administrators_cannot_register(world, login, who):
    client = login(getattr(world, who))
    assert client.get("/ky-so/chung-thu/them-p12/").status_code == 403
    assert client.post("/ky-so/chung-thu/them-p12/", _p12_form(world)).status_code == 403
    assert client.get("/ky-so/chung-thu/them-chung-thu/").status_code == 403
    assert "Đăng ký tệp PKCS#12" not in client.get("/ky-so/").content.decode()


def _cert_form(org, **overrides):
    keys = pki_material()
    data = {
        "agency": org.sxd.pk,
        "kind": CredentialKind.AGENCY,
        "label": "Dấu số trên HSM",
        "certificate": SimpleUploadedFile("sxd.pem", pki.to_pem(keys.agency.cert).encode()),
        "chain": SimpleUploadedFile("ca.pem", pki.to_pem(keys.sub.cert).encode()),
        "keystore": KeyStore.PKCS11,
        "pkcs11_module": "/usr/lib/softhsm/libsofthsm2.so",
        "pkcs11_token": "SXD",
        "pkcs11_key": "dau-so",
        "pkcs11_pin_env": "VPDT_HSM_PIN",
    }
    data.update(overrides)
    return data


def test_admin_registers_a_token_certificate(world, login):
    client = login(world.sxd_admin)
    response = client.post("/ky-so/chung-thu/them-chung-thu/", _cert_form(world))
    assert response.status_code == 302, response.content.decode()[-3000:]
    credential = Credential.objects.filter(keystore=KeyStore.PKCS11).get()
    assert credential.kind == CredentialKind.AGENCY and credential.p12 is None
    assert credential.pkcs11_pin_env == "VPDT_HSM_PIN"
    page = client.get(response["Location"]).content.decode()
    assert "libsofthsm2.so" in page and "VPDT_HSM_PIN" in page
    # a leader's USB token: certificate only
    response = client.post(
        "/ky-so/chung-thu/them-chung-thu/",
        _cert_form(
            world,
            kind=CredentialKind.PERSONAL,
            user=world.sxd_unit_leader.pk,
            keystore=KeyStore.EXTERNAL,
            certificate=SimpleUploadedFile("dung.cer", pki.to_pem(pki_material().unit_leader.cert).encode()),
            chain="",
            pkcs11_module="",
        ),
    )
    assert response.status_code == 302
    assert Credential.objects.get(user=world.sxd_unit_leader).keystore == KeyStore.EXTERNAL


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"pkcs11_module": ""}, "Nhập đường dẫn thư viện PKCS#11"),
        ({"certificate": SimpleUploadedFile("x.cer", b"khong phai chung thu")}, "không phải chứng thư số X.509"),
        ({"pkcs11_pin_env": "PIN CUA TOI"}, "Tên biến môi trường chỉ gồm chữ Latinh, số và _."),
        ({"keystore": KeyStore.PKCS12}, "Nơi giữ khóa: lựa chọn không hợp lệ."),
    ],
)
def test_token_certificate_errors(world, login, overrides, message):
    response = login(world.sxd_admin).post("/ky-so/chung-thu/them-chung-thu/", _cert_form(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Credential.objects.filter(keystore=KeyStore.PKCS11).exists()


def test_expired_token_certificate_is_refused(world, login):
    expired = SimpleUploadedFile("cu.cer", pki.to_pem(pki_material().expired.cert).encode())
    response = login(world.sxd_admin).post(
        "/ky-so/chung-thu/them-chung-thu/", _cert_form(world, certificate=expired, keystore=KeyStore.EXTERNAL)
    )
    assert "Nguyễn Văn Cũ" in response.content.decode() and "đã hết hạn ngày" in response.content.decode()


def test_deactivate(world, login):
    url = f"/ky-so/chung-thu/{world.agency_credential.pk}/"
    # the clerk sees the agency's certificate but may not retire it
    clerk = login(world.sxd_clerk)
    assert 'data-testid="deactivate"' not in clerk.get(url).content.decode()
    response = clerk.post(url + "ngung/", {"reason": "Thử"}, follow=True)
    assert "Chỉ quản trị của cơ quan" in response.content.decode()
    assert login(world.ht_admin).post(url + "ngung/", {"reason": "Thử"}).status_code == 404
    admin = login(world.sxd_admin)
    response = admin.post(url + "ngung/", {"reason": ""}, follow=True)
    assert "Lý do là bắt buộc." in response.content.decode()
    response = admin.post(url + "ngung/", {"reason": "Thay chứng thư mới do Ban Cơ yếu cấp"}, follow=True)
    world.agency_credential.refresh_from_db()
    assert not world.agency_credential.is_active
    page = response.content.decode()
    assert "Ngừng sử dụng" in page and "Thay chứng thư mới do Ban Cơ yếu cấp" in page
    listing = admin.get("/ky-so/", {"state": "inactive"}).content.decode()
    assert f"/ky-so/chung-thu/{world.agency_credential.pk}/" in listing
    assert f"/ky-so/chung-thu/{world.leader_credential.pk}/" not in listing


# ---------------------------------------------------------------------------------------------- trust roots


def test_trust_root_add_and_deactivate(world, login):
    keys = pki_material()
    pem = pki.to_pem(keys.foreign_root.cert).encode()
    admin = login(world.sxd_admin)
    assert admin.post("/ky-so/goc-tin-cay/", {"file": SimpleUploadedFile("r.pem", pem)}).status_code == 403
    root = models.TrustRoot.objects.get()
    assert admin.post(f"/ky-so/goc-tin-cay/{root.pk}/trang-thai/", {"active": "0"}).status_code == 403
    province = login(world.province_admin)
    response = province.post("/ky-so/goc-tin-cay/", {"name": "CA nước ngoài", "file": SimpleUploadedFile("r.pem", pem)})
    assert response.status_code == 302
    assert models.TrustRoot.objects.filter(name="CA nước ngoài", is_active=True).exists()
    response = province.post("/ky-so/goc-tin-cay/", {"file": SimpleUploadedFile("r.txt", b"rac")})
    assert (
        "Tệp PEM không đọc được." in response.content.decode() or "không phải chứng thư số" in response.content.decode()
    )
    response = province.post(f"/ky-so/goc-tin-cay/{root.pk}/trang-thai/", {"active": "0"}, follow=True)
    root.refresh_from_db()
    assert not root.is_active and "Đã ngừng tin cậy chứng thư gốc." in response.content.decode()
    assert JournalEntry.objects.filter(action="signing.trust_root.deactivate").count() == 1


# ---------------------------------------------------------------------------------------------- images


def test_person_uploads_own_signature(world, login):
    client = login(world.sxd_unit_leader)
    page = client.get("/ky-so/hinh/").content.decode()
    assert 'name="user"' not in page and 'value="seal"' not in page
    response = client.post("/ky-so/hinh/", {"kind": "signature", "file": png(), "width_mm": "40"})
    assert response.status_code == 302
    image = SignatureImage.objects.get(user=world.sxd_unit_leader, is_active=True)
    assert float(image.width_mm) == 40.0 and image.agency == world.sxd
    assert client.get(f"/ky-so/hinh/{image.pk}.png").status_code == 200
    # but not a seal
    response = client.post("/ky-so/hinh/", {"kind": "seal", "file": png(samples.seal_png())})
    assert "Loại hình: lựa chọn không hợp lệ." in response.content.decode()


def test_admin_replaces_the_seal(world, login):
    client = login(world.sxd_admin)
    response = client.post(
        "/ky-so/hinh/",
        {"kind": "seal", "agency": world.sxd.pk, "file": png(samples.seal_png("SXD"), "dau.png"), "width_mm": "36"},
    )
    assert response.status_code == 302
    world.seal.refresh_from_db()
    assert not world.seal.is_active
    assert SignatureImage.objects.get(kind=ImageKind.SEAL, agency=world.sxd, is_active=True).width_mm == 36


@pytest.mark.parametrize(
    "data,message",
    [
        ({"file": SimpleUploadedFile("a.png", b"GIF89a khong phai png")}, "Tệp không phải hình PNG đọc được."),
        ({"file": "OPAQUE"}, "Hình phải có nền trong suốt"),
        ({"width_mm": "200"}, "Chiều rộng tối đa 120."),
        ({"width_mm": "2"}, "Chiều rộng tối thiểu 5."),
        ({"height_mm": "abc"}, "Chiều cao không hợp lệ."),
        ({"width_mm": "40", "height_mm": "40.25"}, "Chiều cao: tối đa 1 chữ số thập phân."),
    ],
)
def test_image_errors(world, login, data, message):
    if data.get("file") == "OPAQUE":
        data["file"] = png(opaque_png())
    payload = {"kind": "signature", "file": png(), **data}
    response = login(world.sxd_leader).post("/ky-so/hinh/", payload)
    assert response.status_code == 200
    assert message in response.content.decode()
    world.leader_signature.refresh_from_db()
    assert world.leader_signature.is_active


# ---------------------------------------------------------------------------------------------- policy


def test_policy_form(world, login):
    assert login(world.sxd_clerk).get("/ky-so/chinh-sach/").status_code == 403
    client = login(world.sxd_admin)
    page = client.get("/ky-so/chinh-sach/").content.decode()
    assert "Sở Xây dựng tỉnh Nghệ An" in page
    response = client.post("/ky-so/chinh-sach/", {"agency": world.sxd.pk, "on_failure": "refuse", "require_both": "on"})
    assert response.status_code == 302
    policy = models.SigningPolicy.objects.get(agency=world.sxd)
    assert policy.on_failure == "refuse" and policy.require_both
    response = client.post("/ky-so/chinh-sach/", {"agency": world.sxd.pk, "on_failure": "bo-qua"})
    assert "Cách xử lý: lựa chọn không hợp lệ." in response.content.decode()
    # Hà Tĩnh's administrator cannot reach Sở Xây dựng's policy
    ht = login(world.ht_admin)
    assert ht.post("/ky-so/chinh-sach/", {"agency": world.sxd.pk, "on_failure": "flag"}).status_code == 404
    assert ht.get("/ky-so/chinh-sach/", {"agency": world.sxd.pk}).status_code == 404
    assert ht.get("/ky-so/chinh-sach/", {"agency": "abc"}).status_code == 404
    assert models.SigningPolicy.objects.get(agency=world.sxd).on_failure == "refuse"
    assert not models.SigningPolicy.objects.filter(agency=world.other_province).exists()
    assert "Ủy ban nhân dân tỉnh Hà Tĩnh" in ht.get("/ky-so/chinh-sach/").content.decode()
    # the province administrator may set it for a department
    login(world.province_admin).post(
        f"/ky-so/chinh-sach/?agency={world.sxd.pk}", {"agency": world.sxd.pk, "on_failure": "flag"}
    )
    assert models.SigningPolicy.objects.get(agency=world.sxd).on_failure == "flag"


# ---------------------------------------------------------------------------------------------- expiry


def test_expiry_notifications_once_per_threshold(world):
    not_after = world.agency_credential.not_after
    assert world.leader_credential.not_after.date() == not_after.date()
    with freeze_time(not_after - dt.timedelta(days=40)):
        assert tasks.certificate_expiry() == 0
    with freeze_time(not_after - dt.timedelta(days=20)):
        assert tasks.certificate_expiry() == 3  # the leader's, Sở Xây dựng's and Sở TT&TT's
        assert tasks.certificate_expiry() == 0
    notes = Notification.objects.filter(text__contains="sẽ hết hạn")
    # Sở TT&TT's certificate goes to the province administrator sitting there; nobody else outside the agencies
    assert sorted(notes.values_list("user__username", flat=True)) == sorted(
        u.username for u in (world.sxd_leader, world.sxd_clerk, world.sxd_admin, world.province_admin)
    )
    assert "Sở Thông tin và Truyền thông" in notes.get(user=world.province_admin).text
    leader_note = notes.get(user=world.sxd_leader)
    assert "Chứng thư số cá nhân “Trần Thị Thu Hà”" in leader_note.text and "còn 20 ngày" in leader_note.text
    assert leader_note.url == f"/ky-so/chung-thu/{world.leader_credential.pk}/"
    assert notes.get(user=world.sxd_clerk).text.startswith("Chứng thư số của Sở Xây dựng tỉnh Nghệ An")
    with freeze_time(not_after - dt.timedelta(days=5)):
        assert tasks.certificate_expiry() == 0  # already warned at 30 days
    with freeze_time(not_after + dt.timedelta(days=1)):
        assert tasks.certificate_expiry() == 3
        assert tasks.certificate_expiry() == 0
    assert Notification.objects.filter(text__contains="đã hết hạn ngày").count() == 4
    assert Notification.objects.count() == 8
    assert JournalEntry.objects.filter(action=tasks.ACTION).count() == 6
    assert not Notification.objects.filter(user__in=[world.sxd_staff, world.ht_admin, world.stttt_staff]).exists()


def test_replaced_or_retired_certificates_are_not_announced(world):
    signing.deactivate_credential(world.sxd_admin, world.leader_credential, "Đã thay")
    signing.deactivate_credential(world.province_admin, world.stttt_credential, "Đã thay")
    keys = pki_material()
    newer = pki.make_signer(keys.sub, "Sở Xây dựng tỉnh Nghệ An", organization="UBND tỉnh Nghệ An", days=1500)
    signing.register_pkcs12(
        world.sxd_admin,
        kind=CredentialKind.AGENCY,
        agency=world.sxd,
        data=pki.to_pkcs12(newer, PASSPHRASE),
        passphrase=PASSPHRASE,
    )
    with freeze_time(world.agency_credential.not_after - dt.timedelta(days=10)):
        assert tasks.certificate_expiry() == 0
    assert not Notification.objects.exists()


def test_home_banner_and_list_badges(world, login):
    not_after = world.agency_credential.not_after
    with freeze_time(not_after - dt.timedelta(days=10)):
        leader_home = login(world.sxd_leader).get("/").content.decode()
        assert 'data-testid="cert-warning"' in leader_home and "Chứng thư số cá nhân" in leader_home
        assert "còn 10 ngày" in leader_home or "còn 9 ngày" in leader_home
        clerk_home = login(world.sxd_clerk).get("/").content.decode()
        assert "Chứng thư số của Sở Xây dựng tỉnh Nghệ An" in clerk_home
        assert "Chứng thư số cá nhân" not in clerk_home
        assert 'data-testid="cert-warning"' not in login(world.sxd_staff).get("/").content.decode()
        assert 'data-testid="cert-warning"' not in login(world.ht_admin).get("/").content.decode()
        province_home = login(world.province_admin).get("/").content.decode()
        assert "Chứng thư số của Sở Thông tin và Truyền thông" in province_home
        assert "Chứng thư số của Sở Xây dựng" not in province_home
        listing = login(world.sxd_admin).get("/ky-so/", {"state": "expiring"}).content.decode()
        assert "Sắp hết hạn (còn" in listing
        assert f"/ky-so/chung-thu/{world.agency_credential.pk}/" in listing
    with freeze_time(not_after + dt.timedelta(days=2)):
        assert "đã hết hạn ngày" in login(world.sxd_leader).get("/").content.decode()
        listing = login(world.sxd_admin).get("/ky-so/", {"state": "expired"}).content.decode()
        assert "Đã hết hạn" in listing and f"/ky-so/chung-thu/{world.leader_credential.pk}/" in listing
    ok = login(world.sxd_admin).get("/ky-so/", {"kind": "personal"}).content.decode()
    assert "Còn hiệu lực" in ok and f"/ky-so/chung-thu/{world.agency_credential.pk}/" not in ok
    assert 'data-testid="cert-warning"' not in login(world.sxd_leader).get("/").content.decode()


def _more_credentials(org, n):
    import copy

    rows = []
    for i in range(n):
        row = copy.copy(org.leader_credential)
        row.pk, row.id, row.serial = None, None, f"SO-THU-{i:03d}"
        rows.append(row)
    Credential.objects.bulk_create(rows)


@pytest.mark.parametrize(
    "url", ["/ky-so/", "/api/v1/signing-credentials/", "/ky-so/hinh/", "/api/v1/signature-images/"]
)
def test_lists_have_no_per_row_queries(world, login, api, django_assert_max_num_queries, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(world.sxd_admin) if url.startswith("/api/") else login(world.sxd_admin)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _more_credentials(world, 12)
    for person in (world.sxd_staff, world.sxd_unit_leader, world.sxd_clerk):
        signing.upload_image(
            world.sxd_admin,
            kind=ImageKind.SIGNATURE,
            agency=world.sxd,
            user=person,
            fileobj=png(samples.signature_png(person.username)),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    body = response.content.decode()
    if "hinh" in url:
        assert body.count('data-testid="image-row"') == 5
    elif "signature-images" in url:
        assert len(response.json()["results"]) == 5
    else:
        assert "SO-THU-011" in body and "SO-THU-000" in body


def test_province_admin_uploads_a_signature_for_a_department_leader(world, login):
    response = login(world.province_admin).post(
        "/ky-so/hinh/", {"kind": "signature", "user": world.sxd_unit_leader.pk, "agency": world.stttt.pk, "file": png()}
    )
    assert response.status_code == 302
    image = SignatureImage.objects.get(user=world.sxd_unit_leader, is_active=True)
    assert image.agency == world.sxd and image.uploaded_by == world.province_admin
    assert visible(SignatureImage, world.sxd_admin).filter(pk=image.pk).exists()
