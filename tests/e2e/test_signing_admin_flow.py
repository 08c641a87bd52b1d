"""Certificates in a real browser: the province administrator trusts the CA, the agency administrator registers
the director's PKCS#12 (a wrong passphrase first) and the red seal; another province sees none of it. Signing with
them is covered by tests/e2e/test_outgoing_flow.py."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from tests.signing_support import PASSPHRASE, pki_material
from vpdt.signing import pki, samples
from vpdt.signing.models import Credential, SignatureImage, TrustRoot

pytestmark = pytest.mark.e2e


def test_administrators_set_up_signatures(org, transactional_db, live_server, new_page, tmp_path):
    keys = pki_material()
    root_file = tmp_path / "goc-tin-cay.pem"
    root_file.write_text(pki.to_pem(keys.root.cert))
    p12_file = tmp_path / "giam-doc.p12"
    p12_file.write_bytes(keys.p12("leader"))
    seal_file = tmp_path / "con-dau.png"
    seal_file.write_bytes(samples.seal_png("Sở Xây dựng tỉnh Nghệ An"))

    province = _log_in(new_page, org.province_admin)
    province.goto("/ky-so/goc-tin-cay/")
    province.get_by_label("Tên", exact=True).fill("CA thử nghiệm của tỉnh")
    province.locator("input[type=file][name=file]").set_input_files(str(root_file))
    _submit(province, "save")
    expect(province.get_by_test_id("trust-row")).to_contain_text("CA thử nghiệm của tỉnh")
    assert TrustRoot.objects.filter(is_active=True).count() == 1

    admin = _log_in(new_page, org.sxd_admin)
    admin.goto("/ky-so/chung-thu/them-p12/")
    admin.get_by_label("Loại chứng thư số").select_option("personal")
    admin.get_by_label("Người được cấp (chứng thư số cá nhân)").select_option(str(org.sxd_leader.pk))
    admin.locator("input[type=file][name=p12]").set_input_files(str(p12_file))
    admin.get_by_label("Mật khẩu của tệp").fill("mat-khau-sai")
    _submit(admin, "save")
    expect(admin.locator("body")).to_contain_text("mật khẩu không đúng")  # a clear error, nothing registered
    assert not Credential.objects.exists()
    admin.locator("input[type=file][name=p12]").set_input_files(str(p12_file))
    admin.get_by_label("Mật khẩu của tệp").fill(PASSPHRASE)
    _submit(admin, "save")
    admin.goto("/ky-so/")
    row = admin.get_by_test_id("credential-row")
    expect(row).to_contain_text("Trần Thị Thu Hà")
    expect(row).to_contain_text("Còn hiệu lực")

    admin.goto("/ky-so/hinh/")
    admin.get_by_label("Loại hình").select_option("seal")
    admin.locator("input[type=file][name=file]").set_input_files(str(seal_file))
    _submit(admin, "save")
    expect(admin.get_by_test_id("image-row")).to_have_count(1)
    assert SignatureImage.objects.filter(kind="seal", agency=org.sxd, is_active=True).exists()

    # Another agency's administrator sees none of it.
    other = _log_in(new_page, org.ht_admin)
    other.goto("/ky-so/")
    expect(other.get_by_test_id("credential-row")).to_have_count(0)
