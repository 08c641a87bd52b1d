"""A menu shows only what its user may open: every link of the top bar and of the left menu answers, for every role,
without a 403; the menu is grouped by work, electronic arrivals under "Văn bản đến", and its badges count what
waits."""

import re

import lxml.html
import pytest

from tests.test_waiting_work import _submitted

ROLES = ("sxd_staff", "sxd_unit_leader", "sxd_admin", "sxd_clerk", "sxd_leader", "province_admin", "stttt_it")


def _menu_links(page: str) -> list[str]:
    shell = page[page.index("<header") : page.index("</nav>")]
    return sorted({href for href in re.findall(r'href="(/[^"#]*)', shell) if not href.startswith("/static/")})


def _sections(page: str) -> dict[str, list[str]]:
    menu = lxml.html.fromstring(page).xpath('//nav[@data-testid="menu"]')[0]
    return {
        section.get("data-testid").removeprefix("menu-"): [
            a.get("data-testid").removeprefix("menu-") for a in section.xpath(".//a[@data-testid]")
        ]
        for section in menu.xpath('.//li[contains(@class, "vpdt-menu-section") and @data-testid]')
    }


@pytest.mark.parametrize("who", ROLES)
def test_every_menu_link_opens_for_its_user(org, login, who):
    client = login(getattr(org, who))
    links = _menu_links(client.get("/").content.decode())
    assert links
    refused = [(link, r.status_code) for link in links if (r := client.get(link)).status_code in (403, 404, 500)]
    assert not refused, refused


def test_the_outgoing_register_is_in_the_menu_of_clerks_and_leaders_only(org, login):
    for who, shown in (("sxd_clerk", True), ("sxd_leader", True), ("sxd_staff", False), ("sxd_unit_leader", False)):
        assert (
            "/van-ban-di/so-van-ban-di/" in _menu_links(login(getattr(org, who)).get("/").content.decode())
        ) is shown, who


def test_the_menu_is_grouped_by_work_for_each_role(org, client):
    client.force_login(org.sxd_clerk)
    clerk = _sections(client.get("/").content.decode())
    assert list(clerk) == ["incoming", "outgoing", "dossiers", "collab", "reports", "directory", "tools"]
    assert {"incoming.create", "digitize.scans", "incoming.to_submit", "exchange.arrivals", "exchange.recalls"} <= set(
        clerk["incoming"]
    )
    assert "outgoing.to_issue" in clerk["outgoing"] and "incoming.to_direct" not in clerk["incoming"]
    client.force_login(org.sxd_staff)
    staff = _sections(client.get("/").content.decode())
    assert "admin" not in staff and "reports" not in staff
    assert "exchange.arrivals" not in staff["incoming"] and "outgoing.to_issue" not in staff["outgoing"]
    client.force_login(org.sxd_unit_leader)
    assert "incoming.unit_waiting" in _sections(client.get("/").content.decode())["incoming"]
    client.force_login(org.sxd_admin)
    assert {"accounts.locked", "journal.list"} <= set(_sections(client.get("/").content.decode())["admin"])
    client.force_login(org.stttt_it)
    assert "admin" in _sections(client.get("/").content.decode())


def test_badges_count_what_waits(org, client):
    _submitted(org, "4101", "V/v triển khai kế hoạch cải cách hành chính năm 2027")
    _submitted(org, "4102", "V/v báo cáo tình hình giải ngân vốn đầu tư công")
    client.force_login(org.sxd_leader)
    page = lxml.html.fromstring(client.get("/van-ban-den/").content.decode())
    [badge] = page.xpath('//a[@data-testid="menu-incoming.to_direct"]//*[@data-testid="badge"]')
    assert badge.text_content() == "2"
    assert page.xpath('//li[@data-testid="menu-incoming"]//*[@data-testid="menu-sum"]')[0].text_content() == "2"
    assert page.xpath('//a[@data-testid="menu-incoming.list"]')[0].get("aria-current") == "page"
    client.force_login(org.sxd_clerk)  # nothing waits for the clerk: no badge at all
    assert 'data-testid="badge"' not in client.get("/").content.decode()


def test_a_person_with_a_one_time_password_sees_no_menu(org, client):
    org.sxd_staff.must_change_password = True
    org.sxd_staff.save(update_fields=["must_change_password"])
    client.force_login(org.sxd_staff)
    page = client.get("/doi-mat-khau/").content.decode()
    assert 'data-testid="menu"' not in page and 'data-testid="bell"' not in page
