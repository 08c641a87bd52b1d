"""Reading where you act, in a real browser: the director opens an incoming document to write the bút phê and reads
it beside the form (pdf.js draws page 1 with its text layer, so the text can be selected, copied and found, pages
turn, tabs switch between the PDF, a scanned page and a DOCX, the zoom is kept after a reload), on a phone the
viewer folds behind "Xem văn bản"; the unit head reviewing a draft reads it beside the review form; the clerk reads
each approved document beside the card where it is numbered and issued (a Word PDF without its fonts drawn with
the standard fonts pdf.js ships); the recipient's clerk reads each electronic arrival beside its card. No
Content-Security-Policy violation on the way."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from tests.e2e.test_csp import _watch
from tests.e2e.test_incoming_flow import _log_in
from tests.e2e.test_layout import _axe
from tests.test_outgoing_clerk import to_stttt
from tests.test_outgoing_services import approve_all, draft, world  # noqa: F401
from tests.test_viewer import pdf_pages, registered, uploads, word_pdf
from vpdt.digitize import tasks
from vpdt.outgoing import services as out
from vpdt.outgoing.models import OutStatus

pytestmark = pytest.mark.e2e

# Share of the canvas's pixels that are dark: 0 on a blank page.
INK = """canvas => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) { if (data[i] + data[i + 1] + data[i + 2] < 200) dark++; }
  return dark / (data.length / 4);
}"""


def _static_under_policy(page) -> None:
    """pdf.js as production serves it (WhiteNoise inside the middleware): with the site's
    Content-Security-Policy, which the pdf.js worker then runs under (the test server's static handler sends none)."""
    policy = page.goto("/").headers["content-security-policy"]

    def serve(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})

    page.route("**/static/vendor/pdfjs/**", serve)


def _drawn(page, number: int):
    """The stage has drawn page ``number`` and its canvas carries ink."""
    stage = page.get_by_test_id("viewer").locator("[data-viewer-stage]")
    expect(stage).to_have_attribute("data-rendered", str(number))
    expect(stage).to_have_attribute("data-state", "ready")
    canvas = page.get_by_test_id("viewer-canvas")
    expect(canvas).to_be_visible()
    assert canvas.evaluate(INK) > 0.01


def _text_laid(page, number: int, words: str):
    """pdf.js' text layer of page ``number`` is laid over the canvas and holds ``words``; they can be selected and
    copied, and the browser's own search finds them there."""
    stage = page.get_by_test_id("viewer").locator("[data-viewer-stage]")
    expect(stage).to_have_attribute("data-text", str(number))
    layer = page.get_by_test_id("viewer-text-layer")
    expect(layer).to_contain_text(words)
    canvas, box = page.get_by_test_id("viewer-canvas").bounding_box(), layer.bounding_box()
    assert abs(box["width"] - canvas["width"]) <= 2 and abs(box["height"] - canvas["height"]) <= 2
    copied = layer.evaluate(
        """layer => {
        const range = document.createRange();
        range.selectNodeContents(layer);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        return selection.toString();
      }"""
    )
    assert words in " ".join(copied.split()), copied
    found = page.evaluate(
        """([words, layer]) => {
        window.getSelection().removeAllRanges();
        for (let hit = 0; hit < 10 && window.find(words, true); hit++) {  // the next match, from the top
          if (layer.contains(window.getSelection().anchorNode)) return true;
        }
        return false;
      }""",
        [words, layer.element_handle()],
    )
    assert found, words


def test_the_director_reads_the_document_beside_the_direction_form(
    org, transactional_db, live_server, new_page, monkeypatch
):
    monkeypatch.setattr(tasks, "send", lambda pk: None)  # no OCR run: the files are what is read here
    doc = registered(org)
    leader = _log_in(new_page, org.sxd_leader)
    violations = _watch(leader)
    _static_under_policy(leader)
    leader.goto(f"/van-ban-den/{doc.pk}/")
    expect(leader.get_by_test_id("direction-form")).to_be_visible()

    # 1. page 1 of the PDF is drawn beside the form; the tab carries the file's signature badge
    tabs = leader.get_by_test_id("viewer-tab")
    expect(tabs).to_have_count(3)
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    expect(tabs.nth(0).get_by_test_id("viewer-badge")).to_be_visible()
    expect(leader.get_by_test_id("viewer-page")).to_have_text("Trang 1/2")
    _drawn(leader, 1)
    _text_laid(leader, 1, "cải cách hành chính")
    pdf = doc.attachments.get(order=0)
    expect(leader.get_by_test_id("viewer-open")).to_have_attribute("href", f"/van-ban-den/{doc.pk}/tep/{pdf.pk}/?xem=1")
    viewer_box = leader.get_by_test_id("viewer").bounding_box()
    form_box = leader.get_by_test_id("direction-form").bounding_box()
    assert viewer_box["x"] + viewer_box["width"] <= form_box["x"]  # two columns: the document left, the form right
    assert viewer_box["width"] > 1.3 * form_box["width"]

    # 2. pages turn
    expect(leader.get_by_test_id("viewer-prev")).to_be_disabled()
    leader.get_by_test_id("viewer-next").click()
    expect(leader.get_by_test_id("viewer-page")).to_have_text("Trang 2/2")
    _drawn(leader, 2)
    _text_laid(leader, 2, "Trang 2/2: về việc")
    expect(leader.get_by_test_id("viewer-next")).to_be_disabled()

    # 3. tabs switch files: a scanned page (an image), a DOCX (a message and its download), back to the PDF
    tabs.nth(1).click()
    expect(leader.get_by_test_id("viewer-image")).to_be_visible()
    expect(leader.get_by_test_id("viewer-canvas")).to_be_hidden()
    expect(leader.get_by_test_id("viewer-page")).to_have_text("Trang 1/1")
    assert leader.get_by_test_id("viewer-image").evaluate("img => img.naturalWidth") == 420
    tabs.nth(1).press("ArrowRight")  # the tabs answer the keyboard too
    expect(tabs.nth(2)).to_be_focused()
    expect(tabs.nth(2)).to_have_attribute("aria-selected", "true")
    message = leader.get_by_test_id("viewer-message")
    expect(message).to_contain_text("Trình duyệt không hiển thị được loại tệp này")
    docx = doc.attachments.get(order=2)
    expect(message.locator("a")).to_have_attribute("href", f"/van-ban-den/{doc.pk}/tep/{docx.pk}/")
    expect(message).to_contain_text("du-toan.docx")
    expect(leader.get_by_test_id("viewer-open")).to_be_hidden()  # nothing the browser could open itself
    tabs.nth(0).click()
    expect(leader.get_by_test_id("viewer-page")).to_have_text("Trang 2/2")  # each file keeps its page
    _drawn(leader, 2)

    # 4. the zoom: larger, and kept after a reload (and for the next document)
    fit_width = leader.get_by_test_id("viewer-canvas").bounding_box()["width"]
    expect(leader.get_by_test_id("viewer-zoom")).to_have_text("Vừa khung")
    leader.get_by_test_id("viewer-zoom-in").click()
    zoom = leader.get_by_test_id("viewer-zoom")
    expect(zoom).not_to_have_text("Vừa khung")
    chosen = zoom.inner_text()
    assert chosen.endswith("%")
    _drawn(leader, 2)
    assert leader.get_by_test_id("viewer-canvas").bounding_box()["width"] > fit_width
    leader.reload()
    expect(leader.get_by_test_id("viewer-zoom")).to_have_text(chosen)
    expect(leader.get_by_test_id("viewer-page")).to_have_text("Trang 1/2")
    _drawn(leader, 1)
    assert leader.get_by_test_id("viewer-canvas").bounding_box()["width"] > fit_width
    leader.get_by_test_id("viewer-fit").click()
    expect(leader.get_by_test_id("viewer-zoom")).to_have_text("Vừa khung")
    assert leader.evaluate("localStorage.getItem('vpdt.viewer.zoom')") == "fit"

    # 5. on a phone (390 × 844) the viewer folds behind "Xem văn bản": the form has the width, nothing scrolls sideways
    leader.set_viewport_size({"width": 390, "height": 844})
    leader.reload()
    toggle = leader.get_by_test_id("viewer-toggle")
    expect(toggle).to_be_visible()
    expect(leader.get_by_test_id("viewer-tab").first).to_be_hidden()
    assert leader.evaluate("document.documentElement.scrollWidth") <= 390
    form = leader.get_by_test_id("direction-form")
    form.scroll_into_view_if_needed()
    assert form.bounding_box()["width"] <= 390
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(leader.get_by_test_id("viewer-page")).to_have_text("Trang 1/2")
    _drawn(leader, 1)
    assert leader.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations == []


def test_the_draft_is_read_beside_the_review_form_and_each_arrival_beside_its_card(
    world, transactional_db, live_server, new_page, monkeypatch
):
    org = world
    monkeypatch.setattr(tasks, "send", lambda pk: None)
    doc = out.submit(org.sxd_staff, draft(org, files=uploads("du-thao-bao-cao.docx", "du-thao-bao-cao.pdf")))
    reviewer = _log_in(new_page, org.sxd_unit_leader)
    violations = _watch(reviewer)
    _static_under_policy(reviewer)
    reviewer.goto(f"/van-ban-di/{doc.pk}/")
    expect(reviewer.get_by_test_id("review-card")).to_be_visible()
    tabs = reviewer.get_by_test_id("viewer-tab")
    expect(tabs).to_have_count(2)
    expect(tabs.nth(0)).to_contain_text("du-thao-bao-cao.pdf")
    expect(tabs.nth(0).get_by_test_id("viewer-badge")).to_have_text("Chưa ký số")
    expect(reviewer.get_by_test_id("viewer-page")).to_have_text("Trang 1/2")
    _drawn(reviewer, 1)
    tabs.nth(1).click()
    expect(reviewer.get_by_test_id("viewer-message")).to_contain_text("du-thao-bao-cao.docx")
    expect(reviewer.get_by_test_id("viewer-page")).to_have_text("")
    tabs.nth(0).click()
    _drawn(reviewer, 1)
    assert violations == []

    # The recipient's clerk works through the queue of arrivals: the viewer shows the card chosen.
    for number, pages in ((1, 1), (2, 3)):
        issued = out.issue(
            org.sxd_clerk, approve_all(org, draft(org, subject=f"V/v số {number}", recipients=to_stttt(org)))
        )
        out.confirm(org.sxd_staff, issued, files=[SimpleUploadedFile(f"cong-van-{number}.pdf", pdf_pages(pages))])
    clerk = _log_in(new_page, org.stttt_clerk)
    violations = _watch(clerk)
    clerk.goto("/lien-thong/den/")
    cards = clerk.get_by_test_id("arrival-row")
    expect(cards).to_have_count(2)
    caption = clerk.get_by_test_id("viewer-caption")
    expect(caption).to_contain_text("02/SXD-KHTC")  # the newest first
    official = r"-SXD-KHTC_\d{2}-\d{2}-\d{4}\.pdf"  # issued files travel under their official name
    expect(clerk.get_by_test_id("viewer-tab").filter(visible=True)).to_have_text(
        [re.compile(r"^\s*02" + official + r"\s+Không có chữ ký số\s*$")]
    )
    expect(clerk.get_by_test_id("viewer-page")).to_have_text("Trang 1/3")
    _drawn(clerk, 1)
    cards.nth(1).get_by_test_id("arrival-view").click()
    expect(caption).to_contain_text("01/SXD-KHTC")
    expect(clerk.get_by_test_id("viewer-tab").filter(visible=True)).to_have_count(1)
    expect(clerk.get_by_test_id("viewer-tab").filter(visible=True)).to_contain_text(re.compile("01" + official))
    expect(clerk.get_by_test_id("viewer-page")).to_have_text("Trang 1/1")
    _drawn(clerk, 1)
    expect(cards.nth(1)).to_have_class(re.compile("border-primary"))
    assert violations == []


def test_the_clerk_reads_each_document_beside_the_card_where_it_is_issued(
    world, transactional_db, live_server, new_page, monkeypatch
):
    org = world
    monkeypatch.setattr(tasks, "send", lambda pk: None)
    word = SimpleUploadedFile("bao-cao-thi-hanh.pdf", word_pdf(), content_type="application/pdf")
    first = approve_all(org, draft(org, subject="V/v báo cáo tình hình thi hành pháp luật", files=[word]))
    second = approve_all(
        org, draft(org, subject="V/v kế hoạch cải cách hành chính", files=uploads("ke-hoach.pdf", "phu-luc.docx"))
    )
    clerk = _log_in(new_page, org.sxd_clerk)
    violations = _watch(clerk)
    _static_under_policy(clerk)
    fonts = []
    clerk.context.on(
        "response", lambda r: "/standard_fonts/" in r.url and fonts.append((r.url.rsplit("/", 1)[1], r.status))
    )
    clerk.goto("/van-ban-di/cho-phat-hanh/")
    rows = clerk.get_by_test_id("to-issue-row")
    expect(rows).to_have_count(2)

    # 1. the oldest approval first: page 1 of its PDF, whose fonts are not embedded (Times New Roman from the
    # system, the Symbol bullets from pdf.js' standard fonts served by vpdt), its text in the text layer
    caption = clerk.get_by_test_id("viewer-caption")
    expect(caption).to_contain_text("V/v báo cáo tình hình thi hành pháp luật")
    expect(clerk.get_by_test_id("viewer-tab").filter(visible=True)).to_have_count(1)
    expect(clerk.get_by_test_id("viewer-page")).to_have_text("Trang 1/1")
    _drawn(clerk, 1)
    _text_laid(clerk, 1, "BÁO CÁO TÌNH HÌNH THI HÀNH")
    assert ("FoxitSymbol.pfb", 200) in fonts, fonts
    viewer_box = clerk.get_by_test_id("viewer").bounding_box()
    assert viewer_box["x"] + viewer_box["width"] <= rows.first.bounding_box()["x"]  # the document left, the cards right

    # 2. "Xem văn bản" on the second card: its files, the PDF first
    rows.nth(1).get_by_test_id("to-issue-view").click()
    expect(caption).to_contain_text("V/v kế hoạch cải cách hành chính")
    visible = clerk.get_by_test_id("viewer-tab").filter(visible=True)
    expect(visible).to_have_count(2)
    expect(visible.nth(0)).to_contain_text("ke-hoach.pdf")
    expect(clerk.get_by_test_id("viewer-page")).to_have_text("Trang 1/2")
    _drawn(clerk, 1)
    _text_laid(clerk, 1, "cải cách hành chính")
    expect(rows.nth(1)).to_have_class(re.compile("border-primary"))
    expect(rows.nth(0)).not_to_have_class(re.compile("border-primary"))
    assert _axe(clerk) == []

    # 3. on a phone: the cards have the width, nothing scrolls sideways; "Xem văn bản" unfolds the viewer
    clerk.set_viewport_size({"width": 390, "height": 844})
    clerk.reload()
    expect(clerk.get_by_test_id("viewer-toggle")).to_be_visible()
    assert clerk.evaluate("document.documentElement.scrollWidth") <= 390
    button = rows.nth(1).get_by_role("button", name="Cấp số, phát hành")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    rows.nth(1).get_by_test_id("to-issue-view").click()
    expect(clerk.get_by_test_id("viewer-toggle")).to_have_attribute("aria-expanded", "true")
    expect(caption).to_contain_text("V/v kế hoạch cải cách hành chính")
    _drawn(clerk, 1)
    _text_laid(clerk, 1, "cải cách hành chính")
    assert clerk.evaluate("document.documentElement.scrollWidth") <= 390
    assert _axe(clerk) == []

    # 4. and the document is issued from its card as before
    with clerk.expect_navigation():
        rows.nth(0).get_by_role("button", name="Cấp số, phát hành").click()
    expect(clerk.locator(".alert-success")).to_contain_text("Đã cấp số và phát hành")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == OutStatus.ISSUED and second.status == OutStatus.APPROVED
    assert violations == []
