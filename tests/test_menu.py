"""A menu shows only what its user may open: every link of the top menu answers, for every role, without a 403."""

import re

import pytest

ROLES = ("sxd_staff", "sxd_unit_leader", "sxd_admin", "sxd_clerk", "sxd_leader", "province_admin", "stttt_it")


def _menu_links(page: str) -> list[str]:
    nav = page[page.index("<nav") : page.index("</nav>")]
    return sorted({href for href in re.findall(r'href="(/[^"#]*)"', nav) if not href.startswith("/static/")})


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
