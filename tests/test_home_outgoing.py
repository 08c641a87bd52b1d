"""The home page shows at a glance what waits: drafts to review (late ones marked), returned drafts, and for
clerks the documents to issue and the deliveries from other agencies."""

import datetime as dt

from freezegun import freeze_time

from tests.conftest import make_person
from vpdt.catalog.models import DocumentType
from vpdt.directory.models import Role
from vpdt.outgoing import services as out
from vpdt.outgoing.models import RecipientKind
from vpdt.outgoing.services import RecipientSpec


def _check(org, login, late):
    stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    issued = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Báo cáo"),
        signer=org.sxd_leader,
        subject="Báo cáo kết quả thanh tra xây dựng",
        recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)],
    )
    issued = out.approve(org.sxd_leader, out.approve(org.sxd_unit_leader, out.submit(org.sxd_staff, issued)))
    page = login(org.sxd_unit_leader).get("/").content.decode()
    assert 'data-testid="to-review"' in page and "góp ý dự thảo quy hoạch" in page
    assert late.current_step.due_date < dt.date(2026, 11, 25)
    assert "text-danger fw-semibold" in page.split("góp ý dự thảo quy hoạch")[0].rsplit("<li", 1)[1]
    clerk_page = login(org.sxd_clerk).get("/").content.decode()
    assert "Chờ phát hành" in clerk_page and "kết quả thanh tra xây dựng" in clerk_page
    out.issue(org.sxd_clerk, issued)
    recipient_page = login(stttt_clerk).get("/").content.decode()
    assert 'data-testid="home-arrival"' in recipient_page and "01/BC-SXD" in recipient_page
    assert 'data-testid="to-review"' not in login(org.stttt_staff).get("/").content.decode()


def test_home_lists_outgoing_work(org, login):
    with freeze_time("2026-11-18 09:00:00+07:00"):
        late = out.submit(
            org.sxd_staff,
            out.create_draft(
                org.sxd_staff,
                doc_type=DocumentType.objects.get(name="Công văn"),
                signer=org.sxd_leader,
                subject="V/v góp ý dự thảo quy hoạch chung đô thị Vinh",
            ),
        )
    with freeze_time("2026-11-25 10:00:00+07:00"):
        _check(org, login, late)
