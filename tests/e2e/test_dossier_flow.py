"""Work dossier in a real browser: a staff member opens a dossier, files a completed document into it from
the document's page, closes it, and the clerk receives it for the archive."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from tests.test_dossiers import completed_doc
from vpdt.dossiers.models import Dossier, DossierStatus

pytestmark = pytest.mark.e2e


def test_staff_files_a_completed_document_and_the_clerk_archives(org, transactional_db, live_server, new_page):
    doc = completed_doc(
        org,
        number="1520",
        issued=dt.date(2026, 10, 2),
        page_amount=3,
        subject="V/v thẩm định thiết kế cơ sở dự án đường ven biển",
    )
    staff = _log_in(new_page, org.sxd_staff)
    staff.goto("/ho-so/lap-moi/")
    staff.get_by_label("Tiêu đề hồ sơ").fill("Hồ sơ thẩm định dự án đường ven biển Nghi Sơn - Cửa Lò")
    staff.get_by_label("Thời hạn bảo quản").select_option("20")
    _submit(staff, "save")
    dossier = Dossier.objects.get()
    expect(staff.get_by_test_id("doc-total")).to_have_text("0")

    # File it from the document's page: the dossier panel loads there once the document is completed.
    staff.goto(f"/van-ban-den/{doc.pk}/")
    panel = staff.get_by_test_id("dossier-panel")
    panel.locator("select[name=dossiers]").select_option(str(dossier.pk))
    _submit(staff, "file-into")
    expect(staff.get_by_test_id("filed-in")).to_contain_text(dossier.file_code)

    staff.goto(f"/ho-so/{dossier.pk}/")
    expect(staff.get_by_test_id("doc-total")).to_have_text("1")
    expect(staff.get_by_test_id("page-total")).to_have_text("3")
    expect(staff.get_by_test_id("item-row")).to_contain_text("thẩm định thiết kế cơ sở")
    with staff.expect_download() as download:
        staff.get_by_test_id("export-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")
    _submit(staff, "action-close")
    expect(staff.get_by_test_id("status")).to_have_text(DossierStatus.CLOSED.label)

    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.goto(f"/ho-so/{dossier.pk}/")
    _submit(clerk, "action-archive")
    expect(clerk.get_by_test_id("status")).to_have_text(DossierStatus.ARCHIVED.label)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.ARCHIVED
