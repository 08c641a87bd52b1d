"""Form fields in a real browser: the issuing agency suggested while typing (and its code filled), a date picked
from a Vietnamese calendar or typed as dd/mm/yyyy, and a searchable multi-select instead of Ctrl-click."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in

pytestmark = pytest.mark.e2e


def test_suggestions_calendar_and_searchable_select(org, transactional_db, live_server, new_page):
    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.goto("/van-ban-den/vao-so/")
    issuer = clerk.locator("[name=issuer_name]")
    issuer.press_sequentially("so xay", delay=30)
    options = clerk.locator("datalist#id_issuer_name-suggestions option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "Sở Xây dựng tỉnh Nghệ An")
    issuer.fill("Sở Xây dựng tỉnh Nghệ An")  # what choosing the suggestion does: the whole name in the box
    expect(clerk.locator("[name=issuer_code]")).to_have_value("000.00.12.H41")

    date = clerk.locator("[name=issued_date]")
    clerk.get_by_role("button", name="Chọn ngày").first.click()
    calendar = clerk.locator(".flatpickr-calendar.open")
    expect(calendar).to_be_visible()
    expect(calendar.locator(".flatpickr-weekday").first).to_have_text(re.compile("T2"))
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text=re.compile(r"^15$")).click()
    expect(date).to_have_value(re.compile(r"^15/\d{2}/\d{4}$"))
    date.fill("05/12/2026")
    date.press("Tab")
    expect(date).to_have_value("05/12/2026")

    staff = _log_in(new_page, org.sxd_staff)
    staff.goto("/van-ban-di/soan-thao/")
    agencies = staff.locator("select[name=agencies]")
    wrapper = staff.locator(".ts-wrapper").filter(has=staff.locator("#id_agencies-ts-control"))
    expect(wrapper).to_be_visible()
    staff.locator("#id_agencies-ts-control").fill("thong tin")
    staff.locator(".ts-dropdown .option", has_text="Sở Thông tin và Truyền thông tỉnh Nghệ An").click()
    expect(wrapper.locator(".item", has_text="Sở Thông tin và Truyền thông")).to_be_visible()
    chosen = agencies.evaluate("s => Array.from(s.selectedOptions).map(o => o.textContent.trim())")
    assert chosen == ["Sở Thông tin và Truyền thông tỉnh Nghệ An"]
