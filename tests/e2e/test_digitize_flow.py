"""Digitization in a real browser: the incoming document page shows the OCR progress bar, polls it with htmx
every 2 s while the job runs, then links the searchable PDF/A copy — no reload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in
from tests.test_digitize import _document, scan_png
from vpdt.digitize import archive, processing, tasks
from vpdt.digitize.models import Digitization, Status

pytestmark = pytest.mark.e2e


def test_progress_bar_polls_until_the_searchable_copy_is_ready(
    org, transactional_db, live_server, new_page, monkeypatch
):
    monkeypatch.setattr(tasks, "send", lambda pk: None)  # the worker is "busy": the job stays queued
    doc = _document(org, files=[SimpleUploadedFile("scan-171.png", scan_png(), content_type="image/png")])
    item = Digitization.objects.get(file__in=doc.attachments.values("file_id"))
    Digitization.objects.filter(pk=item.pk).update(progress=40)

    page = _log_in(new_page, org.sxd_clerk)
    page.goto(f"/van-ban-den/{doc.pk}/")
    status = page.get_by_test_id("digitization")
    expect(status).to_have_attribute("data-status", "queued")
    expect(status.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "40")

    Digitization.objects.filter(pk=item.pk).update(progress=0)
    assert processing.process(item.pk).status == Status.DONE  # the worker reads the text first
    expect(page.get_by_test_id("digitization")).to_have_attribute("data-status", "done", timeout=10_000)
    expect(page.get_by_test_id("archive-status")).to_have_attribute("data-status", "queued")
    archive.build(item.pk)  # then builds the searchable copy
    link = page.get_by_test_id("digitized-copy")
    expect(link).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("archive-status")).to_have_count(0)
    expect(link).to_contain_text("Bản PDF tìm kiếm được (PDF/A)")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "scan-171 (ban so hoa).pdf"
