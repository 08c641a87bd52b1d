"""Two deployments of vpdt on loopback, each with its own database and worker: the demo of Nghệ An, acting as the
province's hub, and the system of Hà Tĩnh connected to it (:mod:`tests.deployments`).

* In a real browser: Nghệ An issues a signed document to Hà Tĩnh; Hà Tĩnh's clerk sees it with its signatures
  verified and registers it; Nghệ An sees "accepted"; Hà Tĩnh completes the work and Nghệ An sees "completed";
  Nghệ An recalls it, Hà Tĩnh's clerk agrees, and Nghệ An sees it recalled (15).
* Faults: Hà Tĩnh stopped while Nghệ An issues 20 documents; the hub killed with ``kill -9`` while it takes 20
  documents from Hà Tĩnh; Hà Tĩnh killed with ``kill -9`` while its worker sends. Every document arrives exactly once
  and its status returns.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from tests.deployments import HA_TINH, HA_TINH_NAME, SXD, SXD_NAME, build, start_both, wait_for
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_incoming_flow import _submit

pytestmark = [pytest.mark.e2e, pytest.mark.deployments]
PASSWORD = "LienThong#2026"
PASSPHRASE = "Demo#KySo26"
SUBJECT = "V/v phối hợp tổ chức diễn tập phòng, chống thiên tai liên tỉnh năm 2027"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    nghe_an, ha_tinh = build(tmp_path_factory.mktemp("deployments"))
    start_both(nghe_an, ha_tinh)
    yield nghe_an, ha_tinh
    for side in (ha_tinh, nghe_an):
        side.kill()


@pytest.fixture
def page_at(browser):
    contexts = []

    def open_page(deployment, username):
        context = browser.new_context(
            base_url=deployment.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto("/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        _submit(page, "login-submit")
        return page

    yield open_page
    for context in contexts:
        context.close()


def _until_shown(page, locator, text: str, *, timeout: float = 60) -> None:
    """Reload ``page`` until ``locator`` shows ``text`` (what the other deployment sends arrives by itself)."""
    end = time.monotonic() + timeout
    while True:
        if locator.count() and text in locator.first.inner_text():
            return
        if time.monotonic() > end:
            expect(locator.first).to_contain_text(text, timeout=1)
        time.sleep(0.5)
        page.reload()


def test_a_document_travels_to_the_other_deployment_and_its_answers_come_back(pair, page_at):
    nghe_an, ha_tinh = pair
    approved = nghe_an.run(
        "setup",
        "issue",
        "--agency",
        SXD,
        "--to",
        HA_TINH,
        "--to-name",
        HA_TINH_NAME,
        "--subject",
        SUBJECT,
        "--signed",
        "--approve-only",
    )
    doc_id = approved["documents"][0]["id"]

    # 1. Nghệ An's clerk numbers, seals and issues it to Hà Tĩnh's people's committee.
    clerk_a = page_at(nghe_an, "nhunglth")
    clerk_a.goto("/van-ban-di/cho-phat-hanh/")
    row = clerk_a.get_by_test_id("to-issue-row").filter(has_text=SUBJECT)
    row.get_by_label("Ký số cơ quan và đóng dấu").check()
    row.get_by_test_id("seal-passphrase").fill(PASSPHRASE)
    with clerk_a.expect_navigation():
        row.get_by_role("button", name="Cấp số, phát hành").click()
    expect(clerk_a.locator(".alert-success")).to_contain_text("đóng dấu")
    code = nghe_an.rows("select code_number, code_notation from outgoing_outgoingdocument where id = ?", (doc_id,))
    number = "/".join(code[0])
    assert code[0][0]

    # 2. Hà Tĩnh's clerk sees it arrive, its package signed by the department, and registers it.
    clerk_b = page_at(ha_tinh, "hangptt")
    clerk_b.goto("/lien-thong/den/")
    card = clerk_b.get_by_test_id("arrival-row").filter(has_text=SUBJECT)
    _until_shown(clerk_b, card, number)
    expect(card.get_by_test_id("package-signature")).to_contain_text(f"Gói tin còn nguyên vẹn, ký bởi {SXD_NAME}")
    card.locator("select[name=leader]").select_option(label="Nguyễn Hồng Lĩnh")
    with clerk_b.expect_navigation():
        card.get_by_test_id("arrival-register").click()
    # The registered document shows its PDF signatures verified there: the director's and the department's seal.
    expect(clerk_b.get_by_text("Hợp lệ, ký bởi Trần Thị Thu Hà").first).to_be_visible()
    incoming_id = int(clerk_b.url.rstrip("/").rsplit("/", 1)[1])
    expect(clerk_b.get_by_test_id("submit-leader")).to_have_count(0)  # submitted to the director at once

    # 3. Nghệ An's clerk sees "accepted" on the document.
    clerk_a.goto(f"/van-ban-di/{doc_id}/")
    status_a = clerk_a.get_by_test_id("delivery-status")
    _until_shown(clerk_a, status_a, "Đã tiếp nhận")

    # 4. Hà Tĩnh's leader gives it to the economic unit, whose head completes it; Nghệ An sees "completed".
    leader_b = page_at(ha_tinh, "linhnh")
    leader_b.goto(f"/van-ban-den/{incoming_id}/")
    form = leader_b.get_by_test_id("direction-form")
    form.locator("[name=direction]").fill("Giao Phòng Kinh tế ngành chủ trì phối hợp, báo cáo kết quả.")
    form.locator("[name=lead]").select_option(label="Phòng Kinh tế ngành")
    _submit(leader_b, "direct-submit")
    expect(leader_b.get_by_test_id("direction")).to_contain_text("chủ trì")
    _until_shown(clerk_a, status_a, "Đã phân công")
    lead = ha_tinh.value(
        "select id from incoming_assignment where document_id = ? and role = 'lead' and unit_id is not null",
        (incoming_id,),
    )
    unit_b = page_at(ha_tinh, "quangtv")
    unit_b.goto(f"/van-ban-den/{incoming_id}/")
    card = unit_b.get_by_test_id(f"work-{lead}")
    card.locator("textarea[name=result]").fill("Đã cử lực lượng tham gia diễn tập theo kế hoạch.")
    with unit_b.expect_navigation():
        card.get_by_test_id("complete").click()
    expect(unit_b.get_by_test_id("status")).to_have_text("Đã hoàn thành")
    _until_shown(clerk_a, status_a, "Đã hoàn thành")

    # 5. Nghệ An recalls it; Hà Tĩnh's clerk agrees; Nghệ An sees it recalled (15).
    clerk_a.locator("#recall_reason").fill("Văn bản ban hành nhầm thời gian diễn tập, sẽ ban hành văn bản thay thế.")
    with clerk_a.expect_navigation():
        clerk_a.get_by_test_id("recall").click()
    clerk_b.goto("/lien-thong/thu-hoi/")
    recall = clerk_b.get_by_test_id("recall-row").filter(has_text=SUBJECT)
    _until_shown(clerk_b, recall, "ban hành nhầm")
    with clerk_b.expect_navigation():
        recall.get_by_test_id("recall-confirm").click()
    assert ha_tinh.value("select status from incoming_incomingdocument where id = ?", (incoming_id,)) == "withdrawn"
    clerk_a.goto(f"/van-ban-di/{doc_id}/")
    _until_shown(clerk_a, clerk_a.get_by_test_id("delivery-status"), "Đã thu hồi")
    assert (
        nghe_an.value("select status from outgoing_recipient where document_id = ? and kind = 'external'", (doc_id,))
        == "15"
    )


def _issued_ids(result) -> list[int]:
    return [d["id"] for d in result["documents"]]


def _document_ids(side, outgoing_ids: list[int]) -> list[str]:
    """The edXML DocumentIds of documents issued at ``side``."""
    marks = ",".join("?" * len(outgoing_ids))
    return [
        row[0]
        for row in side.rows(
            f"select distinct document_id from exchange_message where direction = 'out' and kind = 'edoc' "
            f"and outgoing_id in ({marks})",
            outgoing_ids,
        )
    ]


def _arrivals(side, document_ids: list[str]) -> list[str]:
    marks = ",".join("?" * len(document_ids))
    return [
        row[0]
        for row in side.rows(
            f"select document_id from exchange_message where direction = 'in' and kind = 'edoc' "
            f"and document_id in ({marks})",
            document_ids,
        )
    ]


def _statuses(side, outgoing_ids: list[int]) -> list[str]:
    marks = ",".join("?" * len(outgoing_ids))
    return [
        row[0]
        for row in side.rows(
            f"select status from outgoing_recipient where kind = 'external' and document_id in ({marks})", outgoing_ids
        )
    ]


def _exactly_once(receiver, sender, outgoing_ids: list[int], *, timeout: float = 120) -> None:
    """All the documents arrived once each, and each recipient's status 01 came back to the sender."""
    document_ids = _document_ids(sender, outgoing_ids)
    assert len(document_ids) == len(outgoing_ids)
    wait_for(lambda: len(set(_arrivals(receiver, document_ids))) == len(document_ids), timeout=timeout, what="arrivals")
    wait_for(lambda: _statuses(sender, outgoing_ids) == ["01"] * len(outgoing_ids), timeout=timeout, what="statuses 01")
    time.sleep(2)  # anything sent twice would have arrived by now
    arrivals = _arrivals(receiver, document_ids)
    assert sorted(arrivals) == sorted(document_ids)
    marks = ",".join("?" * len(document_ids))
    statuses_in = sender.rows(
        f"select count(*), count(distinct document_id) from exchange_message where direction = 'in' "
        f"and kind = 'status' and status_code = '01' and document_id in ({marks})",
        document_ids,
    )[0]
    assert statuses_in == (len(document_ids), len(document_ids))
    dead = sender.value(
        f"select count(*) from exchange_message where direction = 'out' and state = 'dead' "
        f"and document_id in ({marks})",
        document_ids,
    )
    assert dead == 0


def test_a_recipient_system_stopped_while_twenty_documents_are_issued_gets_each_once(pair):
    nghe_an, ha_tinh = pair
    ha_tinh.stop()
    issued = nghe_an.run(
        "setup",
        "issue",
        "--agency",
        SXD,
        "--to",
        HA_TINH,
        "--to-name",
        HA_TINH_NAME,
        "--count",
        "20",
        "--subject",
        "V/v cung cấp số liệu quy hoạch vùng giáp ranh",
    )
    ids = _issued_ids(issued)
    time.sleep(3)  # the hub keeps them while Hà Tĩnh is away
    assert _statuses(nghe_an, ids) == [""] * 20
    ha_tinh.start()
    _exactly_once(ha_tinh, nghe_an, ids)


def _issue_meanwhile(side, to: str, to_name: str, subject: str):
    """Issue 20 documents at ``side`` in the background (a separate process, as its clerk would, one after the
    other): they are sent while the test stops things under them."""
    pool = ThreadPoolExecutor(1)
    future = pool.submit(
        side.run,
        "setup",
        "issue",
        "--agency",
        HA_TINH,
        "--to",
        to,
        "--to-name",
        to_name,
        "--count",
        "20",
        "--subject",
        subject,
    )
    pool.shutdown(wait=False)
    return future


def _first_arrivals(receiver, sender, subject: str) -> list[str]:
    """The DocumentIds of the sender's documents about ``subject`` that have arrived so far."""
    return [
        row[0]
        for row in receiver.rows(
            "select document_id from exchange_message where direction = 'in' and kind = 'edoc' and subject like ?",
            (subject + "%",),
        )
    ]


def test_the_hub_killed_mid_forward_loses_and_duplicates_nothing(pair):
    nghe_an, ha_tinh = pair
    subject = "V/v đề nghị thẩm định thiết kế cơ sở công trình cầu vượt Quốc lộ 1"
    issuing = _issue_meanwhile(ha_tinh, SXD, SXD_NAME, subject)
    wait_for(lambda: _first_arrivals(nghe_an, ha_tinh, subject), timeout=90, every=0.05, what="the first arrival")
    nghe_an.kill()
    taken = len(_first_arrivals(nghe_an, ha_tinh, subject))
    assert taken < 20  # killed while documents were still coming
    ids = _issued_ids(issuing.result(timeout=180))
    time.sleep(4)  # Hà Tĩnh's worker keeps trying, with backoff
    document_ids = _document_ids(ha_tinh, ids)
    marks = ",".join("?" * len(document_ids))
    failing = ha_tinh.value(
        f"select count(*) from exchange_message where direction = 'out' and kind = 'edoc' and state = 'retrying' "
        f"and document_id in ({marks})",
        document_ids,
    )
    assert failing >= 1  # sends failed while the hub was down, and wait to be retried
    nghe_an.start()
    _exactly_once(nghe_an, ha_tinh, ids)


def test_a_sender_killed_mid_send_resumes_and_duplicates_nothing(pair):
    nghe_an, ha_tinh = pair
    subject = "V/v góp ý dự thảo quy chế phối hợp quản lý tuyến du lịch biển"
    issuing = _issue_meanwhile(ha_tinh, SXD, SXD_NAME, subject)
    wait_for(lambda: _first_arrivals(nghe_an, ha_tinh, subject), timeout=90, every=0.05, what="the first arrival")
    ha_tinh.kill()
    assert len(_first_arrivals(nghe_an, ha_tinh, subject)) < 20
    ids = _issued_ids(issuing.result(timeout=180))
    ha_tinh.start()
    _exactly_once(nghe_an, ha_tinh, ids)
