"""Connected systems administered by the province's administrators: registering (a connected system's secret shown
once), renewing, disconnecting, syncing the directory from the hub above, and each system's health."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.exchange_partner import FakeHub
from vpdt.exchange import auth, partners
from vpdt.exchange.models import ExternalAgency, Partner, PartnerRole
from vpdt.journal.models import JournalEntry

SECRET = "khoa-do-truc-tinh-cap-0123456789"


@pytest.fixture
def hub():
    fake = FakeHub(secrets={"vpdt-nghe-an": SECRET}).start()
    yield fake
    fake.stop()


def test_only_province_administrators_manage_connections(org):
    for user in (org.sxd_admin, org.sxd_clerk, org.stttt_it, org.ht_staff):
        with pytest.raises(PermissionDenied):
            partners.register(user, code="qlvb-quang-tri", name="QLVB Quảng Trị", role=PartnerRole.CONNECTED)
    done = partners.register(org.province_admin, code="qlvb-quang-tri", name="QLVB Quảng Trị", role="connected")
    assert len(done.secret) > 30 and auth.open_secret(done.partner.secret) == done.secret
    with pytest.raises(ValidationError, match="Mã hệ thống đã có"):
        partners.register(org.province_admin, code="qlvb-quang-tri", name="Trùng", role="connected")
    renewed = partners.renew_secret(org.province_admin, done.partner)
    done.partner.refresh_from_db()
    assert renewed != done.secret and auth.open_secret(done.partner.secret) == renewed
    assert JournalEntry.objects.filter(action="exchange.partner.renew").exists()


def test_an_upstream_hub_needs_an_address_and_its_secret_and_only_one_is_active(org):
    with pytest.raises(ValidationError) as caught:
        partners.register(org.province_admin, code="lgsp", name="Trục tỉnh", role="upstream", base_url="truc-tinh")
    assert "base_url" in caught.value.message_dict
    with pytest.raises(ValidationError, match="Nhập khóa bí mật"):
        partners.register(
            org.province_admin, code="lgsp", name="Trục tỉnh", role="upstream", base_url="https://lgsp.vn"
        )
    first = partners.register(
        org.province_admin, code="lgsp", name="Trục tỉnh", role="upstream", base_url="https://lgsp.vn", secret="k1"
    ).partner
    with pytest.raises(ValidationError, match="trục cấp trên đang kết nối"):
        partners.register(
            org.province_admin,
            code="vdxp",
            name="Trục quốc gia",
            role="upstream",
            base_url="https://vdxp.vn",
            secret="k2",
        )
    partners.set_active(org.province_admin, first, False)
    second = partners.register(
        org.province_admin, code="vdxp", name="Trục quốc gia", role="upstream", base_url="https://vdxp.vn", secret="k2"
    ).partner
    with pytest.raises(ValidationError, match="trục cấp trên đang kết nối"):
        partners.set_active(org.province_admin, first, True)
    assert second.is_active


def test_the_directory_is_synced_from_the_hub_above(org, hub):
    partner = partners.register(
        org.province_admin,
        code="lgsp",
        name="Trục liên thông tỉnh",
        role="upstream",
        base_url=hub.url,
        own_code="vpdt-nghe-an",
        secret=SECRET,
    ).partner
    hub.organizations = [
        {"organ_id": "000.00.00.H45", "name": "UBND tỉnh Quảng Trị", "email": "vpub@quangtri.gov.vn"},
        {"organ_id": "000.00.00.G10", "name": "Bộ Xây dựng"},
        {"organ_id": org.sxd.code, "name": "Sở Xây dựng (của hệ thống này)"},
        {"organ_id": "không hợp lệ", "name": "Rác"},
    ]
    assert partners.sync_directory(org.province_admin, partner) == {"added": 2, "updated": 0, "inactive": 0}
    assert set(ExternalAgency.objects.values_list("organ_id", flat=True)) == {"000.00.00.H45", "000.00.00.G10"}
    hub.organizations = hub.organizations[:1]
    assert partners.sync_directory(org.province_admin, partner) == {"added": 0, "updated": 1, "inactive": 1}
    assert not ExternalAgency.objects.get(organ_id="000.00.00.G10").is_active
    hub.fail_with = 503
    with pytest.raises(ValidationError, match="Không đồng bộ được danh bạ"):
        partners.sync_directory(org.province_admin, partner)


def test_the_administrators_screen(org, login, hub):
    admin = login(org.province_admin)
    created = admin.post(
        "/lien-thong/he-thong/dang-ky/",
        {"code": "qlvb-quang-tri", "name": "QLVB Quảng Trị", "role": "connected"},
        follow=True,
    )
    html = created.content.decode()
    assert "Khóa bí mật (chỉ hiện một lần" in html and 'data-testid="partner-row"' in html
    partner = Partner.objects.get(code="qlvb-quang-tri")
    assert "Chưa có hệ thống" not in admin.get("/lien-thong/he-thong/").content.decode()
    stopped = admin.post(f"/lien-thong/he-thong/{partner.pk}/ngung/", follow=True)
    assert "Đã ngừng kết nối" in stopped.content.decode()
    assert admin.post(f"/lien-thong/he-thong/{partner.pk}/khong-co/", follow=True).status_code == 200
    for user in (org.sxd_admin, org.sxd_clerk, org.ht_staff):
        c = login(user)
        assert c.get("/lien-thong/he-thong/").status_code == 403
        assert c.post(f"/lien-thong/he-thong/{partner.pk}/ket-noi/").status_code == 403
    partner.refresh_from_db()
    assert not partner.is_active


def test_a_hub_that_names_its_api_otherwise_is_reached_by_its_own_names(org, login, hub):
    admin = login(org.province_admin)
    bad = admin.post(
        "/lien-thong/he-thong/dang-ky/",
        {
            "code": "lgsp",
            "name": "Trục tỉnh",
            "role": "upstream",
            "base_url": hub.url,
            "secret": SECRET,
            "api": '{"paths": {"gui": "/x"}}',
        },
        follow=True,
    )
    assert "“paths” chỉ gồm các khóa" in bad.content.decode() and not Partner.objects.exists()
    admin.post(
        "/lien-thong/he-thong/dang-ky/",
        {
            "code": "lgsp",
            "name": "Trục tỉnh",
            "role": "upstream",
            "base_url": hub.url,
            "secret": SECRET,
            "own_code": "vpdt-nghe-an",
            "api": '{"paths": {"organizations": "/api/v1/hub/organizations/?kieu=day-du"}}',
        },
    )
    partner = Partner.objects.get(code="lgsp")
    assert partner.settings == {"paths": {"organizations": "/api/v1/hub/organizations/?kieu=day-du"}}
    hub.organizations = [{"organ_id": "000.00.00.H45", "name": "UBND tỉnh Quảng Trị"}]
    partners.sync_directory(org.province_admin, partner)
    assert ("GET", "/api/v1/hub/organizations/?kieu=day-du") in hub.calls
