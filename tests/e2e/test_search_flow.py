"""Search in a real browser: the top-bar box, the advanced form with dd/mm/yyyy dates, highlighted snippets,
a saved search run again, and the link to the document; another agency's user finds nothing."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from tests.test_search import register
from vpdt.catalog.models import Urgency

pytestmark = pytest.mark.e2e


def test_leader_searches_saves_and_opens(org, transactional_db, live_server, new_page):
    doc = register(org)  # 171/QĐ-BDT, indexed after its commit
    register(
        org,
        code_number="1234",
        code_notation="UBND-KT",
        urgency=Urgency.NORMAL,
        issued_date=dt.date(2026, 11, 20),
        subject="V/v triển khai kế hoạch cải cách hành chính năm 2027",
        issuer_name="UBND tỉnh Nghệ An",
    )
    page = _log_in(new_page, org.sxd_leader)
    box = page.get_by_test_id("nav-search").locator("input[name=q]")
    box.fill("171 qd bdt")
    with page.expect_navigation():
        box.press("Enter")
    hits = page.get_by_test_id("search-hit")
    expect(hits.first).to_contain_text("171/QĐ-BDT")
    expect(hits.first).to_contain_text("15/11/2026")

    page.goto("/tim-kiem/")
    page.get_by_label("Từ khóa").fill("ke hoach")
    page.locator("summary").click()
    page.get_by_label("Từ ngày").fill("16/11/2026")
    page.get_by_label("Đến ngày").fill("30/11/2026")
    _submit(page, "search-submit")
    expect(hits).to_have_count(1)
    expect(hits.first.locator("mark").first).to_have_text("kế hoạch")
    page.get_by_placeholder("Tên tìm kiếm").fill("Kế hoạch cuối tháng 11")
    _submit(page, "save-search")
    expect(page.get_by_test_id("saved-search")).to_contain_text("Kế hoạch cuối tháng 11")

    page.goto("/tim-kiem/")
    with page.expect_navigation():
        page.get_by_test_id("saved-search").get_by_role("link").click()
    expect(page.get_by_test_id("search-hit")).to_have_count(1)
    expect(page.get_by_test_id("search-hit").first).to_contain_text("1234/UBND-KT")

    page.goto("/tim-kiem/?q=171%2FQĐ-BDT")
    with page.expect_navigation():
        page.get_by_test_id("search-hit").first.click()
    assert page.url.endswith(f"/van-ban-den/{doc.pk}/")

    outsider = _log_in(new_page, org.ht_staff)
    outsider.goto("/tim-kiem/?q=171%2FQĐ-BDT")
    expect(outsider.get_by_test_id("search-summary")).to_contain_text("Không tìm thấy")
