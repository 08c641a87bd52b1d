"""The Content-Security-Policy in a real browser: the main screens (and the API documentation) load without a
single violation, and what inline code used to do (language switch, confirm, print, progress bars) still works."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.test_digitize import _document, scan_png
from tests.test_outgoing_services import draft
from vpdt.digitize import tasks
from vpdt.digitize.models import Digitization
from vpdt.outgoing.models import OutStatus

pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/van-ban-den/",
    "/van-ban-den/vao-so/",
    "/van-ban-den/viec-cua-toi/",
    "/van-ban-di/soan-thao/",
    "/van-ban-di/so-van-ban-di/",
    "/ho-so/",
    "/ho-so/danh-muc/",
    "/uy-quyen/",
    "/tim-kiem/?q=kế+hoạch",
    "/so-hoa/ban-quet/",
    "/can-bo/",
    "/danh-ba/co-quan/",
    "/danh-ba/don-vi/",
    "/ky-so/",
    "/tai-khoan/",
    "/doi-mat-khau/",
    "/api/v1/docs/",
]
ADMIN_PAGES = ["/", "/nhat-ky/", "/can-bo/tao/", "/can-bo/?status=locked", "/ky-so/"]


def _watch(page) -> list[str]:
    """Every CSP violation the page reports: the console message and the DOM event (both, to be sure)."""
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return violations


def _log_in(page, user):
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_test_id("login-submit").click()


def test_main_pages_load_without_csp_violations(org, transactional_db, live_server, page, new_page):
    violations = _watch(page)
    response = page.goto("/dang-nhap/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    _log_in(page, org.sxd_clerk)
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert violations == [], (path, violations)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("vpdt API")  # Swagger UI really ran

    admin = new_page()
    violations = _watch(admin)
    _log_in(admin, org.sxd_admin)
    for path in [*ADMIN_PAGES, f"/can-bo/{org.sxd_staff.pk}/"]:
        response = admin.goto(path)
        assert response.status == 200, path
        admin.wait_for_load_state("networkidle")
        assert violations == [], (path, violations)


def _wait_for_share(page, share: float):
    """The first progress bar fills ``share`` of its track (once Bootstrap's width transition is over)."""
    page.wait_for_function(
        "share => { const el = document.querySelector('[data-progress]'); return Math.abs("
        "el.getBoundingClientRect().width / el.parentElement.getBoundingClientRect().width - share)"
        " < 0.02; }",
        arg=share,
    )


def test_inline_behaviour_moved_to_the_static_script(org, transactional_db, live_server, page, monkeypatch):
    violations = _watch(page)
    _log_in(page, org.sxd_clerk)

    # The language switch submits its form on change.
    page.goto("/")
    page.locator(".navbar .dropdown-toggle").last.click()
    with page.expect_navigation():
        page.locator("select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".navbar .dropdown-toggle").last.click()
    with page.expect_navigation():
        page.locator("select[name=language]").select_option("vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    # A progress bar takes its width from data-progress (no style attribute), also after an htmx swap.
    monkeypatch.setattr(tasks, "send", lambda pk: None)  # the worker is "busy": the job stays queued
    doc = _document(org, files=[SimpleUploadedFile("scan-88.png", scan_png(), content_type="image/png")])
    item = Digitization.objects.get(file__in=doc.attachments.values("file_id"))
    Digitization.objects.filter(pk=item.pk).update(progress=40)
    page.goto(f"/van-ban-den/{doc.pk}/")
    bar = page.locator("[data-progress]").first
    expect(bar).to_have_attribute("data-progress", "40")
    _wait_for_share(page, 0.4)
    Digitization.objects.filter(pk=item.pk).update(progress=80)
    expect(bar).to_have_attribute("data-progress", "80", timeout=10_000)
    _wait_for_share(page, 0.8)

    # The print button prints (window.print is replaced to observe it).
    page.goto("/ho-so/danh-muc/")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.locator("[data-print]").click()
    assert page.evaluate("window.printed") == 1
    assert violations == []


def test_cancelling_a_draft_asks_first(org, transactional_db, live_server, page):
    violations = _watch(page)
    doc = draft(org)
    _log_in(page, org.sxd_staff)
    page.goto(f"/van-ban-di/{doc.pk}/")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_test_id("cancel").click()
    page.wait_for_timeout(300)
    assert questions == ["Hủy dự thảo này?"]
    doc.refresh_from_db()
    assert doc.status != OutStatus.CANCELLED  # dismissed: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_test_id("cancel").click()
    doc.refresh_from_db()
    assert doc.status == OutStatus.CANCELLED
    assert violations == []


def test_security_headers_on_an_api_answer(org, transactional_db, live_server, page):
    response = page.goto("/api/v1/me/")
    headers = response.headers
    assert response.status == 401 and "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin" and re.search(r"camera=\(\)", headers["permissions-policy"])
