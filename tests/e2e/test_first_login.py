"""First login in a real browser: one-time password, forced change, password policy, log out, lockout."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from vpdt.accounts import services as accounts
from vpdt.accounts.models import User
from vpdt.directory.models import Role

pytestmark = pytest.mark.e2e

HOME_SCREENSHOT = "/tmp/vpdt-e2e-home.png"
NEW_PASSWORD = "Song-Lam#2026!"
NEW_PASSWORD_LABEL = re.compile(r"^Mật khẩu mới")  # not "Nhập lại mật khẩu mới"


def _path_is(path):
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def _submit(page, test_id):
    """Click a submit button and wait for the page the server answers with (even when the URL stays the same)."""
    with page.expect_navigation():
        page.get_by_test_id(test_id).click()


def _log_in(page, username, password):
    if not _path_is("/dang-nhap/").match(page.url):
        page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    _submit(page, "login-submit")


def test_first_login_with_one_time_password(org, transactional_db, live_server, page):
    user, one_time_password = accounts.create_account(
        None, full_name="Hoàng Thị Lan", agency=org.stttt, unit=org.stttt_cntt, role=Role.STAFF, title="Chuyên viên"
    )
    # org already has a "Hoàng Thị Lan" (Sở Xây dựng): same name, a different account.
    assert user.username != org.sxd_staff.username

    # Any page sends an anonymous visitor to the login page.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()

    # The one-time password works, but only to reach the password change page.
    _log_in(page, user.username, one_time_password)
    page.wait_for_url(_path_is("/doi-mat-khau/"))
    banner = page.get_by_test_id("forced-change")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("phải đổi mật khẩu trước khi sử dụng hệ thống")
    # Nothing else is reachable before the change.
    page.goto("/can-bo/")
    page.wait_for_url(_path_is("/doi-mat-khau/"))
    expect(page.get_by_test_id("forced-change")).to_be_visible()

    # A weak password is refused with the policy explained in Vietnamese.
    page.get_by_label("Mật khẩu hiện tại").fill(one_time_password)
    page.get_by_label(NEW_PASSWORD_LABEL).fill("abc12345")
    page.get_by_label("Nhập lại mật khẩu mới").fill("abc12345")
    _submit(page, "password-submit")
    expect(page).to_have_url(_path_is("/doi-mat-khau/"))
    errors = page.locator(".errorlist")
    expect(errors.first).to_be_visible()
    expect(errors.first).to_contain_text("Mật khẩu phải có ít nhất một chữ hoa")
    expect(page.get_by_test_id("forced-change")).to_be_visible()
    user.refresh_from_db()
    assert user.must_change_password

    # A strong one is accepted and leads to the home page.
    page.get_by_label("Mật khẩu hiện tại").fill(one_time_password)
    page.get_by_label(NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    _submit(page, "password-submit")
    page.wait_for_url(_path_is("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Hoàng Thị Lan")
    expect(page.get_by_text("Đã đổi mật khẩu.")).to_be_visible()
    positions = page.get_by_test_id("positions")
    expect(positions).to_contain_text("Chuyên viên")
    expect(positions).to_contain_text("Phòng Công nghệ thông tin")
    expect(positions).to_contain_text("Sở Thông tin và Truyền thông tỉnh Nghệ An")
    expect(page.get_by_test_id("forced-change")).to_have_count(0)
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    page.screenshot(path=HOME_SCREENSHOT, full_page=True)

    # Log out through the user menu.
    page.locator(".navbar .dropdown-toggle", has_text="Hoàng Thị Lan").click()
    logout = page.get_by_test_id("logout")
    expect(logout).to_be_visible()
    with page.expect_navigation():
        logout.click()
    page.wait_for_url(_path_is("/dang-nhap/"))
    page.goto("/")
    page.wait_for_url(re.compile(r"/dang-nhap/\?next=/$"))

    # The one-time password no longer works; the new one leads straight to the home page.
    _log_in(page, user.username, one_time_password)
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    _log_in(page, user.username, NEW_PASSWORD)
    page.wait_for_url(_path_is("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Hoàng Thị Lan")
    expect(page.get_by_test_id("forced-change")).to_have_count(0)


def test_admin_creates_account_and_person_must_change_password(org, transactional_db, live_server, browser, new_page):
    admin_page = new_page()
    _log_in(admin_page, org.sxd_admin.username, PASSWORD)
    admin_page.wait_for_url(_path_is("/"))

    admin_page.goto("/can-bo/tao/")
    expect(admin_page.get_by_role("heading", name="Tạo tài khoản")).to_be_visible()
    admin_page.get_by_label("Họ và tên").fill("Nguyễn Thị Minh Khai")
    admin_page.get_by_label("Ngày sinh").fill("05/09/1991")
    admin_page.get_by_label("Cơ quan").select_option(label=org.sxd.name)
    admin_page.get_by_label("Đơn vị").select_option(label=f"{org.sxd_khtc.name} — {org.sxd.short_name}")
    admin_page.get_by_label("Chức danh").fill("Chuyên viên")
    admin_page.get_by_label("Vai trò").select_option(label=Role.STAFF.label)
    _submit(admin_page, "create-submit")

    expect(admin_page.get_by_role("heading", name="Mật khẩu dùng một lần")).to_be_visible()
    username = admin_page.get_by_test_id("otp-username").inner_text().strip()
    one_time_password = admin_page.get_by_test_id("otp").inner_text().strip()
    assert re.fullmatch(r"[a-z0-9.]+", username), username
    assert len(one_time_password) >= 10, one_time_password

    person = User.objects.get(username=username)
    assert person.full_name == "Nguyễn Thị Minh Khai"
    assert person.birth_date == dt.date(1991, 9, 5)  # dd/mm/yyyy, not mm/dd
    assert person.agency_id == org.sxd.pk and person.must_change_password
    position = person.positions.get(is_active=True)
    assert (position.unit_id, position.role, position.title) == (org.sxd_khtc.pk, Role.STAFF, "Chuyên viên")

    # The new person, on another browser (own cookies), is sent to the password change page.
    person_page = new_page()
    person_page.goto("/")
    _log_in(person_page, username, one_time_password)
    person_page.wait_for_url(_path_is("/doi-mat-khau/"))
    expect(person_page.get_by_test_id("forced-change")).to_be_visible()
    person_page.goto("/tai-khoan/")
    person_page.wait_for_url(_path_is("/doi-mat-khau/"))
    expect(person_page.get_by_test_id("forced-change")).to_be_visible()

    # The administrator's session is untouched.
    admin_page.goto("/")
    expect(admin_page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {org.sxd_admin.full_name}")


def test_lockout_after_five_wrong_passwords(org, transactional_db, live_server, page, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = org.sxd_clerk.username
    page.goto("/dang-nhap/")
    for attempt in range(1, 5):
        _log_in(page, username, f"Sai-mat-khau#{attempt}")
        expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
        expect(page.get_by_test_id("lockout")).to_have_count(0)

    _log_in(page, username, "Sai-mat-khau#5")
    lockout = page.get_by_test_id("lockout")
    expect(lockout).to_be_visible()
    expect(lockout).to_contain_text("Tài khoản tạm thời bị khóa do đăng nhập sai quá 5 lần")
    expect(lockout).to_contain_text(f"Vui lòng thử lại sau {minutes} phút")

    # While locked out, even the right password is refused.
    _log_in(page, username, PASSWORD)
    expect(page.get_by_test_id("lockout")).to_be_visible()
    expect(page).to_have_url(_path_is("/dang-nhap/"))
