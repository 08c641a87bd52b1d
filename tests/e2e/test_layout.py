"""The main screens at a laptop's 1366 × 768 and a phone's 390 × 844: nothing runs off the side of the page (a
list becomes cards on a phone, forms fit), and axe-core finds no serious or critical accessibility violation."""

from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.test_outgoing_services import draft
from tests.test_search import register

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text(encoding="utf-8")
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
SHOTS = Path("/tmp/vpdt-layout")


def _pages(org, incoming, outgoing):
    return {
        org.sxd_clerk: [
            "/",
            "/van-ban-den/viec-cua-toi/",
            "/thong-bao/",
            "/tim-kiem/?q=kế+hoạch",
            "/tai-khoan/",
            "/van-ban-den/",
            "/van-ban-den/vao-so/",
            f"/van-ban-den/{incoming.pk}/",
            "/van-ban-di/cho-phat-hanh/",
            "/lien-thong/den/",
            "/so-hoa/ban-quet/",
        ],
        org.sxd_leader: ["/", "/van-ban-den/viec-cua-toi/", f"/van-ban-den/{incoming.pk}/", "/van-ban-di/cho-duyet/"],
        org.sxd_staff: ["/", "/van-ban-di/soan-thao/", f"/van-ban-di/{outgoing.pk}/", "/van-ban-di/"],
    }


def _overflow(page) -> list[str]:
    """Elements wider than the window (the page scrolls sideways), outside boxes meant to scroll."""
    return page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width + 1) return [];
        const out = [];
        for (const el of document.body.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.right > width + 1 && r.width > 0 && !el.closest('.table-responsive, pre, .ts-dropdown, .flatpickr-calendar')) {
            out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + [...el.classList].join('.') + ' ' + Math.round(r.right));
          }
        }
        return out.slice(0, 8);
      }"""
    )


def _tables_left(page) -> list[str]:
    """Tables still drawn as tables (their header row showing): on a phone every list is cards."""
    return page.evaluate(
        """() => [...document.querySelectorAll('table:not([data-no-cards])')]
          .filter(t => t.tHead && getComputedStyle(t.tHead).display !== 'none')
          .map(t => t.closest('[id]') ? '#' + t.closest('[id]').id : t.className)"""
    )


def _axe(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        """async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
      }"""
    )
    return result


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_main_screens_fit_and_are_accessible(org, transactional_db, live_server, browser, viewport):
    incoming = register(org)
    outgoing = draft(org)
    SHOTS.mkdir(exist_ok=True)
    problems = []
    for user, paths in _pages(org, incoming, outgoing).items():
        context = browser.new_context(
            base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=VIEWPORTS[viewport]
        )
        page = context.new_page()
        page.goto("/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(user.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_test_id("login-submit").click()
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (user.username, path, response.status)
            page.wait_for_load_state("networkidle")
            found = []
            if wide := _overflow(page):
                found.append(f"tràn ngang {wide}")
            if viewport == "phone" and (tables := _tables_left(page)):
                found.append(f"bảng chưa thành thẻ {tables}")
            if bad := _axe(page):
                found.append(f"axe {bad}")
            if found:
                name = f"{viewport}-{user.username}-{path.strip('/').replace('/', '_') or 'home'}".split("?")[0]
                page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
                problems.append(f"{viewport} {user.username} {path}: {'; '.join(found)} (ảnh: {SHOTS}/{name}.png)")
        context.close()
    assert not problems, "\n".join(problems)
