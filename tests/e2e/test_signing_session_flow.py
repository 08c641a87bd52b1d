"""Client-side signing in a real browser: the leader opens the signing session, local-signer.js fetches the
prepared PDF, posts it to the signing service on "their computer" (the test device on 127.0.0.1, CORS preflight
and all), uploads the signed PDF, and the server verifies it and approves the draft. With the service down, the
page says so in Vietnamese and the session stays pending."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.signing_support import pki_material
from tests.signing_test_device import SigningDevice, closed_port_url
from tests.test_signing_sessions import draft_at_signer, register_external
from vpdt.outgoing.models import OutStatus
from vpdt.signing import external, pki
from vpdt.signing import services as signing
from vpdt.signing.models import SessionStatus

pytestmark = pytest.mark.e2e


def _log_in(page, user):
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_test_id("login-submit").click()


@pytest.fixture
def session(org):
    keys = pki_material()
    signing.add_trust_roots(org.province_admin, pki.to_pem(keys.root.cert).encode("ascii"), name="Test Root CA")
    register_external(org, org.sxd_leader, keys.leader)
    doc = draft_at_signer(org)
    return external.start(org.sxd_leader, doc)


def test_browser_signs_through_the_local_service(org, session, page, settings):
    with SigningDevice(pki_material().leader) as device:
        settings.VPDT_LOCAL_SIGNER_URL = device.url
        _log_in(page, org.sxd_leader)
        page.goto(f"/ky-so/phien/{session.token}/")
        expect(page.get_by_test_id("session-status")).to_contain_text("Chờ ký")
        page.get_by_test_id("sign-local").click()
        expect(page.get_by_test_id("session-done")).to_be_visible()
    assert device.requests and device.requests[0]["field"] == session.field_name
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    assert external.document_of(session).status == OutStatus.APPROVED


def test_browser_explains_a_missing_local_service(org, session, page, settings):
    settings.VPDT_LOCAL_SIGNER_URL = closed_port_url()
    _log_in(page, org.sxd_leader)
    page.goto(f"/ky-so/phien/{session.token}/")
    page.get_by_test_id("sign-local").click()
    expect(page.get_by_test_id("local-status")).to_contain_text("Không kết nối được phần mềm ký số")
    expect(page.get_by_test_id("sign-local")).to_be_enabled()
    session.refresh_from_db()
    assert session.status == SessionStatus.PENDING
