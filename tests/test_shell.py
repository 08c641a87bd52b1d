"""The page shell: the menu's badges, the home page's counters and the notification bell. Every count is read in one
bounded statement per page (at most 100 rows of each queue, shown "99+"), each counter leads to a list that shows
exactly what it counted, and the bell's polling costs little and never keeps a session alive."""

import datetime as dt
import re
import time

import lxml.html
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from tests.conftest import unbounded_counts
from tests.test_waiting_work import _submitted
from vpdt.catalog.models import DocumentType
from vpdt.core import work
from vpdt.incoming import services as incoming
from vpdt.notifications import services as notifications
from vpdt.notifications.models import Notification
from vpdt.outgoing import services as out

ROWS = (
    '//tr[@data-testid="work-row" or @data-testid="doc-row" or @data-testid="review-row" or @data-testid="draft-row"]'
)
ROLES = ("sxd_staff", "sxd_unit_leader", "sxd_clerk", "sxd_leader", "sxd_admin")


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def test_the_menu_and_the_bell_cost_one_bounded_statement_per_page(org, client):
    # the home page of each role: the statements of the counters, the badges and the bell, all in one
    most = {"sxd_staff": 13, "sxd_unit_leader": 14, "sxd_clerk": 21, "sxd_leader": 16, "sxd_admin": 16}
    for who in ROLES:
        client.force_login(getattr(org, who))
        client.get("/")  # the scope and the session warmed
        for url in ("/", "/van-ban-den/", "/ho-so/"):
            sqls = _queries(client, url)
            badges = [q for q in sqls if "vpdt_count_" in q]
            assert len(badges) == 1, (who, url, len(badges))
            assert not unbounded_counts(badges if url == "/" else sqls), (who, url)  # (the home's cards count)
            assert 'data-testid="menu"' in client.get(url).content.decode()
        assert len(_queries(client, "/")) <= most[who], who


def test_counts_stop_at_99(org, client):
    Notification.objects.bulk_create(
        [Notification(user=org.sxd_staff, verb="test.ping", text=f"Thông báo thử số {i}") for i in range(120)]
    )
    assert work.count_many([Notification.objects.filter(user=org.sxd_staff)]) == [100]
    client.force_login(org.sxd_staff)
    assert 'data-testid="nav-unread">99+</span>' in client.get("/").content.decode()
    assert 'data-testid="nav-unread">99+</span>' in client.get("/thong-bao/chuong/").content.decode()
    assert work.badge(0) == "" and work.badge(7) == "7" and work.badge(99) == "99" and work.badge(100) == "99+"


def _counters(page: str) -> dict[str, dict]:
    """Each home page counter: its number and the links of its number, its work due soon and its late work."""
    found = {}
    for box in lxml.html.fromstring(page).xpath('//*[starts-with(@data-testid, "counter-") and @class]'):
        key = box.get("data-testid").removeprefix("counter-")
        if key in ("n", "late", "due-soon"):
            continue
        number = box.xpath('.//*[@data-testid="counter-n"]')[0].text_content()
        links = {"n": (number, box.xpath(".//a")[0].get("href"))}
        for part in ("due-soon", "late"):
            link = box.xpath(f'.//a[@data-testid="counter-{part}"]')
            if link:
                links[part] = (link[0].text_content().rsplit(":", 1)[1].strip(), link[0].get("href"))
        found[key] = links
    return found


def _rows(client, href) -> int:
    return len(lxml.html.fromstring(client.get(href).content.decode()).xpath(ROWS))


def _check_counters(client, expected: dict[str, dict[str, str]]) -> None:
    counters = _counters(client.get("/").content.decode())
    for key, parts in expected.items():
        for part, number in parts.items():
            shown, href = counters[key][part]
            assert shown == number, (key, part, shown)
            assert _rows(client, href) == int(number), (key, part, href)


def _directed_to(org, user, number, deadline):
    doc = _submitted(org, number, f"V/v góp ý dự thảo quy định số {number} về quản lý trật tự xây dựng")
    return incoming.direct(
        org.sxd_leader,
        doc,
        direction="Đồng chí Lan chủ trì tham mưu.",
        targets=[incoming.Target("lead", user=user)],
        deadline=deadline,
    )


def test_each_counter_leads_to_the_list_of_what_it_counts(org, client):
    with freeze_time("2026-11-18 09:00:00+07:00"):
        for number, deadline in (("3101", dt.date(2026, 11, 20)), ("3102", dt.date(2026, 11, 24))):
            _directed_to(org, org.sxd_staff, number, deadline)
        _directed_to(org, org.sxd_staff, "3103", dt.date(2026, 12, 15))
        _submitted(org, "3104")  # waits for the director
        draft = out.create_draft(
            org.sxd_staff,
            doc_type=DocumentType.objects.get(name="Công văn"),
            signer=org.sxd_leader,
            subject="V/v đề nghị bố trí vốn duy tu đường giao thông năm 2027",
        )
        out.submit(org.sxd_staff, draft)
    with freeze_time("2026-11-23 09:00:00+07:00"):  # 3101 is late, 3102 due within two days
        client.force_login(org.sxd_staff)
        _check_counters(
            client,
            {
                "incoming.to_process": {"n": "3", "due-soon": "1", "late": "1"},
                "incoming.late": {"n": "1"},
            },
        )
        assert "outgoing.returned" not in _counters(client.get("/").content.decode())  # empty: not shown
        client.force_login(org.sxd_leader)
        _check_counters(
            client,
            {
                "incoming.to_direct": {"n": "1", "due-soon": "0", "late": "0"},
                "incoming.agency_late": {"n": "1"},
                "incoming.agency_due_soon": {"n": "1"},
            },
        )
        client.force_login(org.sxd_unit_leader)
        _check_counters(client, {"outgoing.to_review": {"n": "1"}})
        out.return_draft(org.sxd_unit_leader, draft, comment="Bổ sung số liệu năm 2026.")
        client.force_login(org.sxd_staff)
        _check_counters(client, {"outgoing.returned": {"n": "1"}})
        page = client.get("/van-ban-den/viec-cua-toi/?hop=to_process&han=bat-ky").content.decode()
        assert "Bộ lọc hạn xử lý không hợp lệ" in page and page.count('data-testid="work-row"') == 3


def test_the_bell_polls_cheaply_and_never_keeps_a_session_alive(org, client, settings):
    notifications.notify([org.sxd_staff], "test.ping", text="Văn bản số 88/UBND-KT đã được giao cho đồng chí")
    client.force_login(org.sxd_staff)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        fragment = client.get("/thong-bao/chuong/", HTTP_X_VPDT_BACKGROUND="1", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and 'data-testid="nav-unread">1</span>' in fragment.content.decode()
    assert fragment["Cache-Control"].startswith("max-age=0")
    assert len(ctx.captured_queries) == 3  # the session, the person, the count
    session = client.session
    session["_vpdt_seen"] = int(time.time()) - 3600
    session.save()
    client.get("/thong-bao/chuong/", HTTP_X_VPDT_BACKGROUND="1")
    assert client.session["_vpdt_seen"] == session["_vpdt_seen"]  # a background request is not activity
    client.get("/")
    assert client.session["_vpdt_seen"] > session["_vpdt_seen"]

    menu = client.get("/thong-bao/chuong/moi-nhat/").content.decode()
    [item] = re.findall(r'href="(/thong-bao/\d+/)" data-testid="bell-item"', menu)
    assert "88/UBND-KT" in menu and "vpdt-unread" in menu
    assert client.get(item).status_code == 302
    assert 'data-testid="nav-unread"' not in client.get("/thong-bao/chuong/").content.decode()

    client.logout()  # the session ended: polling stops, no login page inside the top bar
    assert client.get("/thong-bao/chuong/").status_code == 286
    assert client.get("/thong-bao/chuong/moi-nhat/").status_code == 286


def test_the_leaders_chart_counts_this_months_documents(org, client):
    with freeze_time("2026-10-28 09:00:00+07:00"):
        _submitted(org, "5100")  # arrived last month: not in November's chart
    with freeze_time("2026-11-05 09:00:00+07:00"):
        _directed_to(org, org.sxd_staff, "5101", dt.date(2026, 11, 10))  # still open on the 20th: late
        on_time = _directed_to(org, org.sxd_staff, "5102", dt.date(2026, 11, 12))
        late_done = _directed_to(org, org.sxd_staff, "5103", dt.date(2026, 11, 7))
        _directed_to(org, org.sxd_staff, "5104", dt.date(2026, 11, 30))  # open, in time: pending
        _submitted(org, "5105")  # waiting for direction, no deadline: pending
    with freeze_time("2026-11-11 10:00:00+07:00"):
        for doc in (on_time, late_done):
            incoming.complete(org.sxd_staff, doc.assignments.get(), "Đã tham mưu văn bản trả lời.")
    with freeze_time("2026-11-20 09:00:00+07:00"):
        client.force_login(org.sxd_leader)
        page = lxml.html.fromstring(client.get("/").content.decode())
        shown = {
            key: page.xpath(f'//tr[@data-testid="month-{key}"]/td')[0].text_content()
            for key in ("on_time", "late", "pending")
        }
        assert shown == {"on_time": "1", "late": "2", "pending": "2"}
        chart = page.xpath('//script[@id="incoming-month-chart"]')[0].text_content()
        assert '"values": [1, 2, 2]' in chart and "11/2026" in page.xpath('//*[@data-testid="month-chart"]//h2')[0].text
        client.force_login(org.sxd_staff)  # not a leader: no chart, and no chart library loaded
        staff_page = client.get("/").content.decode()
        assert 'data-testid="month-chart"' not in staff_page and "chart.umd" not in staff_page
