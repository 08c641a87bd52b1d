"""Permission regression suite, outgoing documents: every channel agrees with visible().

Two documents of the Sở Xây dựng: a draft under review at the unit leader, and an issued công văn sent to
the Sở Thông tin và Truyền thông (registered there) and to one person of the sender. Rows say who must
(not) see each one, through visible(), the HTML detail, diff and file download, the API list and detail."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from tests.conftest import make_person
from vpdt.catalog.models import DocumentType
from vpdt.core.authz import visible
from vpdt.delegation import services as delegation
from vpdt.directory.models import Role
from vpdt.outgoing import delivery
from vpdt.outgoing import services as out
from vpdt.outgoing.models import OutgoingDocument, RecipientKind
from vpdt.outgoing.services import RecipientSpec

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# viewer, sees the draft under review, sees the issued document
ROWS = [
    ("sxd_staff", True, True),          # drafter of both
    ("sxd_unit_leader", True, True),    # reviewer; leads the drafting unit
    ("sxd_leader", True, True),         # agency leader (and signer)
    ("sxd_clerk", False, True),         # clerk: approved and issued documents only
    ("sxd_admin", False, True),         # internal recipient of the issued document; not of the draft
    ("sxd_vp_staff", False, False),     # same agency, other unit, not involved
    ("consulted", True, False),         # asked for an opinion on the draft
    ("deputy", True, True),             # the agency leader's delegate (approval), while the delegation lasts
    ("stttt_clerk", False, True),       # recipient agency's clerk
    ("stttt_staff", False, False),      # recipient agency, not involved
    ("province_admin", False, False),   # administers accounts, not documents
    ("ht_staff", False, False),         # another province
]


@pytest.fixture
def world(org):
    org.sxd_vp_staff = make_person(org.sxd, "Đỗ Minh Tâm", Role.STAFF, org.sxd_vp)
    org.consulted = make_person(org.sxd, "Nguyễn Thị Mai", Role.STAFF, org.sxd_khtc)
    org.deputy = make_person(org.sxd, "Nguyễn Văn Hùng", Role.STAFF, org.sxd_vp, title="Chánh Văn phòng")
    org.stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    doc_type = DocumentType.objects.get(name="Công văn")
    draft = out.create_draft(org.sxd_staff, doc_type=doc_type, signer=org.sxd_leader,
                             subject="V/v đề xuất danh mục dự án khởi công mới năm 2027",
                             text="Kính gửi: UBND tỉnh\nSở Xây dựng đề xuất danh mục dự án.",
                             files=[SimpleUploadedFile("du-thao.pdf", PDF)])
    draft = out.submit(org.sxd_staff, draft)
    out.consult(org.sxd_unit_leader, draft, [org.consulted], question="Cho ý kiến danh mục.")
    out.revise(org.sxd_unit_leader, draft, text=draft.versions.get().text + "\nBổ sung dự án đường ven biển.")
    issued = out.create_draft(org.sxd_staff, doc_type=doc_type, signer=org.sxd_leader,
                              subject="V/v tăng cường an toàn thông tin cho hệ thống quản lý công trình",
                              files=[SimpleUploadedFile("cong-van.pdf", PDF)],
                              recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt),
                                          RecipientSpec(RecipientKind.USER, user=org.sxd_admin)])
    issued = out.approve(org.sxd_leader, out.approve(org.sxd_unit_leader, out.submit(org.sxd_staff, issued)))
    issued = out.issue(org.sxd_clerk, issued)
    delivery.receive(org.stttt_clerk, issued.recipients.get(kind=RecipientKind.AGENCY))
    delegation.create(org.sxd_leader, delegator=org.sxd_leader, delegate=org.deputy, scope="approval",
                      starts_on=dt.date(2026, 11, 20), ends_on=dt.date(2026, 12, 31), reason="Đi công tác nước ngoài")
    org.draft, org.issued = draft, issued
    return org


@freeze_time("2026-11-25 10:00:00+07:00")
@pytest.mark.parametrize("viewer,sees_draft,sees_issued", ROWS)
def test_all_channels_agree(world, login, api, viewer, sees_draft, sees_issued):
    user = getattr(world, viewer)
    web, client = login(user), api(user)
    ids = set()
    url = "/api/v1/outgoing-documents/?page_size=200"
    while url:
        body = client.get(url).json()
        ids |= {row["id"] for row in body["results"]}
        url = body["next"]
    for doc, expected in ((world.draft, sees_draft), (world.issued, sees_issued)):
        assert visible(OutgoingDocument, user).filter(pk=doc.pk).exists() is expected, doc
        code = 200 if expected else 404
        assert web.get(f"/van-ban-di/{doc.pk}/").status_code == code
        assert web.get(f"/van-ban-di/{doc.pk}/so-sanh/").status_code == code
        stored = doc.files.first()
        assert web.get(f"/van-ban-di/{doc.pk}/tep/{stored.pk}/").status_code == code
        assert (doc.pk in ids) is expected
        assert client.get(f"/api/v1/outgoing-documents/{doc.pk}/").status_code == code
        assert client.get(f"/api/v1/outgoing-documents/{doc.pk}/trail/").status_code == code


@freeze_time("2026-11-25 10:00:00+07:00")
@pytest.mark.parametrize("viewer", [row[0] for row in ROWS])
def test_boxes_stay_inside_visible(world, login, api, viewer):
    """The review queue and the to_review/to_issue boxes start from steps and the clerk's agency instead of
    intersecting with visible(); whatever they list must still be visible."""
    user = getattr(world, viewer)
    seen = set(visible(OutgoingDocument, user).values_list("pk", flat=True))
    client = api(user)
    for box in ("to_review", "to_issue", "mine"):
        body = client.get(f"/api/v1/outgoing-documents/?box={box}&page_size=200").json()
        assert {row["id"] for row in body["results"]} <= seen, box
    page = login(user).get("/van-ban-di/cho-duyet/")
    assert page.status_code == 200
    for step in page.context["rows"]:
        assert step[0].document_id in seen
    if viewer in ("sxd_unit_leader",):
        assert [s.document_id for s, _ in page.context["rows"]] == [world.draft.pk]


def test_delegate_loses_sight_after_the_period(world, login):
    with freeze_time("2027-01-02 10:00:00+07:00"):
        assert not visible(OutgoingDocument, world.deputy).filter(pk=world.draft.pk).exists()
        assert login(world.deputy).get(f"/van-ban-di/{world.draft.pk}/").status_code == 404


def test_outsiders_cannot_act(world, login, api):
    draft = world.draft
    for user in (world.stttt_clerk, world.ht_staff, world.sxd_vp_staff):
        client = api(user)
        for action in ("approve", "return", "submit", "issue", "recall"):
            response = client.post(f"/api/v1/outgoing-documents/{draft.pk}/{action}/", {"comment": "x",
                                                                                      "reason": "x"}, format="json")
            assert response.status_code == 404, (user, action)
        web = login(user)
        assert web.post(f"/van-ban-di/{draft.pk}/dong-y/", {"comment": "x"}).status_code == 404
        assert web.post(f"/van-ban-di/{draft.pk}/phat-hanh/").status_code == 404
    # The same agency's clerk sees the issued document but cannot approve the draft it cannot see.
    assert api(world.sxd_clerk).post(f"/api/v1/outgoing-documents/{draft.pk}/approve/", {},
                                     format="json").status_code == 404
