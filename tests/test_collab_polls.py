"""Opinion polling on a draft (lấy ý kiến; SPEC §5): only a person a leader assigned opens a poll, of the whole
agency or of chosen units, about an outgoing draft version or an uploaded file; answers (one per person, editable
until the deadline), the deadline extended, non-response per person and per unit, the summary as PDF and XLSX and
as a comment on the draft, retention with "extend" — and nobody outside the poll's people reads it, on any page,
API action or file download."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import make_person
from tests.shared_data import over
from tests.signing_support import nd30
from vpdt.catalog.models import DocumentType
from vpdt.collab.polls import queries, services
from vpdt.collab.polls.models import Answer, Choice, Poll, PollGrant, Respondent
from vpdt.directory.models import Role
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification
from vpdt.outgoing import services as out
from vpdt.outgoing.models import Comment

SUBJECT = "Dự thảo Quy chế làm việc của Sở Xây dựng năm 2027"
TITLE = "Lấy ý kiến dự thảo Quy chế làm việc"
QUESTION = "Đề nghị các phòng góp ý dự thảo Quy chế làm việc, nhất là Chương III về chế độ hội họp."


def _deadline(days=7) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@over("org")
def world(o):
    """A draft of the KHTC office; the leader assigns its unit leader to poll the KHTC office and the Văn phòng
    (the staff member, the administrator and the clerk are asked); an official without a unit is not."""
    o.draft = out.create_draft(
        o.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        signer=o.sxd_leader,
        subject=SUBJECT,
        text="Điều 1. Phạm vi điều chỉnh\nQuy chế này quy định về chế độ làm việc.",
        files=[SimpleUploadedFile("du-thao-quy-che.pdf", nd30(subject=SUBJECT))],
    )
    o.version = out.latest_version(o.draft)
    o.outsider = make_person(o.sxd, "Ngô Văn Bình", Role.STAFF)
    o.grant = services.grant(o.sxd_leader, o.sxd_unit_leader, document=o.draft)
    o.poll = services.open_poll(
        o.sxd_unit_leader,
        title=TITLE,
        question=QUESTION,
        deadline=_deadline(),
        version=o.version,
        whole_agency=False,
        units=[o.sxd_khtc, o.sxd_vp],
    )
    services.answer(o.sxd_staff, o.poll, choice=Choice.AGREE, text="Nhất trí với dự thảo.")
    services.answer(
        o.sxd_admin,
        o.poll,
        choice=Choice.OTHER,
        text="Đề nghị bổ sung quy định họp trực tuyến tại Điều 12.",
        files=[SimpleUploadedFile("gop-y.pdf", nd30(subject="Góp ý Điều 12"))],
    )
    return o


# ------------------------------------------------------------------------------------------ who polls


def test_only_a_person_a_leader_assigned_opens_a_poll(world):
    kwargs = {"title": TITLE, "question": QUESTION, "deadline": _deadline(), "version": world.version}
    with pytest.raises(PermissionDenied):
        services.open_poll(world.sxd_staff, **kwargs)  # the drafter, not assigned
    with pytest.raises(PermissionDenied):
        services.grant(world.sxd_unit_leader, world.sxd_staff, document=world.draft)  # not an agency leader
    with pytest.raises(PermissionDenied):
        services.grant(world.stttt_staff, world.sxd_staff, document=world.draft)
    with pytest.raises(ValidationError):
        services.grant(world.sxd_leader, world.stttt_staff, document=world.draft)  # another agency's person
    with pytest.raises(ValidationError):
        services.grant(world.sxd_leader, world.sxd_staff)  # a general grant needs an end date
    entry = JournalEntry.objects.get(action="polls.grant", object_id=str(world.grant.pk))
    assert entry.actor_id == world.sxd_leader.pk and "Phạm Văn Dũng" in entry.details["grantee"]
    # A draft grant does not cover an uploaded file; a general one does, until its date.
    upload = SimpleUploadedFile("du-thao.pdf", nd30(subject="Dự thảo khác"))
    with pytest.raises(PermissionDenied):
        services.open_poll(world.sxd_unit_leader, title=TITLE, question=QUESTION, deadline=_deadline(), upload=upload)
    general = services.grant(world.sxd_leader, world.sxd_clerk, valid_until=_deadline(30))
    poll = services.open_poll(
        world.sxd_clerk,
        title="Lấy ý kiến dự thảo nội quy",
        question="Góp ý nội quy cơ quan.",
        deadline=_deadline(),
        upload=SimpleUploadedFile("noi-quy.pdf", nd30(subject="Nội quy")),
    )
    assert poll.file.sha256 and poll.whole_agency
    asked = set(Respondent.objects.filter(poll=poll).values_list("user_id", flat=True))
    assert world.sxd_leader.pk in asked and world.outsider.pk in asked and world.sxd_clerk.pk not in asked
    assert world.stttt_staff.pk not in asked
    services.revoke(world.sxd_leader, general)
    with pytest.raises(PermissionDenied):
        services.open_poll(world.sxd_clerk, title="x", question="y", deadline=_deadline(), upload=upload)
    assert JournalEntry.objects.filter(action="polls.revoke", object_id=str(general.pk)).exists()
    services.grant(world.sxd_leader, world.sxd_clerk, valid_until=_deadline(1))
    assert services.active_grants(world.sxd_clerk).exists()
    with freeze_time(timezone.now() + dt.timedelta(days=2)):  # a general grant ends after its date
        assert not services.active_grants(world.sxd_clerk).exists()


def test_opening_tells_the_audience_resolved_from_the_units(world):
    asked = set(Respondent.objects.filter(poll=world.poll).values_list("user_id", flat=True))
    assert asked == {world.sxd_staff.pk, world.sxd_admin.pk, world.sxd_clerk.pk}
    told = set(Notification.objects.filter(verb="polls.opened").values_list("user_id", flat=True))
    assert told == asked
    entry = JournalEntry.objects.get(action="polls.open", object_id=str(world.poll.pk))
    assert entry.details["respondents"] == 3 and "Văn phòng Sở" in entry.details["audience"]


# ------------------------------------------------------------------------------------------ answers


def test_one_answer_per_person_editable_until_the_deadline_which_can_be_extended(world):
    poll = world.poll
    with pytest.raises(PermissionDenied):
        services.answer(world.outsider, poll, choice=Choice.AGREE)
    with pytest.raises(ValidationError):
        services.answer(world.sxd_clerk, poll, choice=Choice.DISAGREE, text="")  # disagreeing needs a reason
    services.answer(world.sxd_staff, poll, choice=Choice.DISAGREE, text="Chương III chưa rõ.")
    assert Answer.objects.filter(poll=poll, user=world.sxd_staff).count() == 1
    assert Answer.objects.get(poll=poll, user=world.sxd_staff).choice == Choice.DISAGREE
    assert JournalEntry.objects.filter(action="polls.answer_edit", object_id=str(poll.pk)).exists()
    with freeze_time(poll.deadline + dt.timedelta(minutes=1)):
        with pytest.raises(ValidationError):
            services.answer(world.sxd_clerk, poll, choice=Choice.AGREE)
        with pytest.raises(PermissionDenied):
            services.extend_deadline(world.sxd_staff, poll, until=timezone.localdate() + dt.timedelta(days=3))
        services.extend_deadline(world.sxd_unit_leader, poll, until=timezone.localdate() + dt.timedelta(days=3))
        services.answer(world.sxd_clerk, poll, choice=Choice.AGREE)
    entry = JournalEntry.objects.get(action="polls.extend_deadline", object_id=str(poll.pk))
    assert entry.actor_id == world.sxd_unit_leader.pk


def test_non_response_per_person_and_per_unit(world):
    data = queries.summary(world.poll)
    assert (data["asked"], data["answered"], data["not_answered"]) == (3, 2, 1)
    assert [s["name"] for s in data["silent"]] == ["Lê Thị Hồng Nhung"]
    units = {u["unit"]: u for u in data["units"]}
    assert units["Văn phòng Sở"]["asked"] == 2 and units["Văn phòng Sở"]["silent"] == ["Lê Thị Hồng Nhung"]
    assert units["Phòng Kế hoạch - Tài chính"]["answered"] == 1 and units["Phòng Kế hoạch - Tài chính"]["agree"] == 1
    assert {c["code"]: c["n"] for c in data["counts"]} == {"agree": 1, "disagree": 0, "other": 1}


def test_the_daily_reminder_reaches_only_non_responders_once(world):
    with freeze_time(world.poll.deadline - dt.timedelta(hours=20)):
        assert services.remind_non_responders() == 1
        assert services.remind_non_responders() == 0
    reminded = set(Notification.objects.filter(verb="polls.reminder").values_list("user_id", flat=True))
    assert reminded == {world.sxd_clerk.pk}
    assert JournalEntry.objects.filter(action="polls.remind", object_id=str(world.poll.pk)).exists()


# ------------------------------------------------------------------------------------------ results


def test_the_summary_exports_to_pdf_and_xlsx_with_vietnamese_text(world, client):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client.force_login(world.sxd_unit_leader)
    response = client.get(f"/lay-y-kien/{world.poll.pk}/tong-hop.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "TỔNG HỢP Ý KIẾN",
        "Hoàng Thị Lan",
        "Đề nghị bổ sung quy định",
        "Lê Thị Hồng Nhung",
    ):
        assert expected in text
    response = client.get(f"/lay-y-kien/{world.poll.pk}/tong-hop.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any("Đặng Quốc Tuấn" in c for c in cells) and "Ý kiến khác" in cells
    assert any("Lê Thị Hồng Nhung" in c for c in cells)


def test_closing_adds_the_summary_to_the_draft_as_a_comment(world):
    with pytest.raises(PermissionDenied):
        services.close(world.sxd_staff, world.poll)
    poll = services.close(world.sxd_unit_leader, world.poll)
    assert poll.summary_comment and "Chưa trả lời: Lê Thị Hồng Nhung" in poll.summary
    comment = Comment.objects.get(version=world.version, author=world.sxd_unit_leader)
    assert "Đồng ý: 1" in comment.text and "Ý kiến khác: 1" in comment.text
    with pytest.raises(ValidationError):
        services.answer(world.sxd_clerk, poll, choice=Choice.AGREE)
    assert timezone.localtime(poll.expires_at).date() == timezone.localdate() + dt.timedelta(
        days=(poll.expires_at - poll.closed_at).days
    )
    entry = JournalEntry.objects.get(action="polls.close", object_id=str(poll.pk))
    assert entry.details["not_answered"] == 1 and entry.details["attached"] is True


# ------------------------------------------------------------------------------------------ retention


def test_retention_one_month_after_closing_with_extend(world, settings):
    settings.VPDT_POLL_RETENTION_MONTHS = 1
    start = timezone.now() + dt.timedelta(days=1)
    until = _deadline(120)
    with freeze_time(start):
        poll = services.close(world.sxd_unit_leader, world.poll, attach=False)
    kept = services.open_poll(
        world.sxd_unit_leader, title="Đợt thứ hai", question=QUESTION, deadline=_deadline(), version=world.version
    )
    with freeze_time(start):
        kept = services.close(world.sxd_unit_leader, kept, attach=False)
        with pytest.raises(PermissionDenied):
            services.request_extension(world.sxd_staff, kept, until=until, reason="Lưu hồ sơ")
        services.request_extension(world.sxd_unit_leader, kept, until=until, reason="Còn xin ý kiến lần 2")
        assert Notification.objects.filter(user=world.sxd_admin, verb="polls.extension_requested").exists()
        for someone in (world.sxd_unit_leader, world.sxd_leader, world.stttt_staff):
            with pytest.raises(PermissionDenied):
                services.extend(someone, kept)
    answer_file = Answer.objects.get(poll=poll, user=world.sxd_admin).files.get().file
    with freeze_time(start + dt.timedelta(days=27)):
        assert services.expire_polls() == 0
    with freeze_time(start + dt.timedelta(days=32)):
        from vpdt.collab.polls import tasks

        assert tasks.expire_polls.delay().get() == 1  # the pending request keeps the second one
        services.extend(world.sxd_admin, kept)
    assert not Poll.objects.filter(pk=poll.pk).exists()
    assert not type(answer_file).objects.filter(pk=answer_file.pk).exists()
    entry = JournalEntry.objects.get(action="polls.expire", object_id=str(poll.pk))
    assert entry.object_repr == TITLE and entry.actor_id is None
    kept.refresh_from_db()
    assert timezone.localtime(kept.expires_at).date() == until and kept.extension_requested_at is None
    assert JournalEntry.objects.filter(action="polls.extend", object_id=str(kept.pk)).exists()
    with freeze_time(timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time(9)))):
        assert services.expire_polls() == 1
    assert not Poll.objects.filter(pk=kept.pk).exists()


# ------------------------------------------------------------------------------------------ permissions


def _urls(world):
    p = world.poll
    answer_file = Answer.objects.get(poll=p, user=world.sxd_admin).files.get().file_id
    draft_file = out.latest_version(world.draft).files.get().file_id
    return p, answer_file, draft_file


def test_pages_and_downloads_for_poller_audience_outsider_and_other_agency(world, client):
    p, answer_file, draft_file = _urls(world)
    base = f"/lay-y-kien/{p.pk}/"

    def status(user, method, url, data=None):
        client.force_login(user)
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        return response.status_code

    # poller: everything
    for url in (
        base,
        base + "tong-hop.pdf",
        base + "tong-hop.xlsx",
        f"{base}tep/{answer_file}/",
        f"{base}tep/{draft_file}/",
    ):
        assert status(world.sxd_unit_leader, "get", url) == 200, url
    assert status(world.sxd_leader, "get", base + "tong-hop.pdf") == 200  # an agency leader sees the results
    # an audience member: the poll, the draft, their own answer — not the results nor another's attachment
    assert status(world.sxd_staff, "get", base) == 200
    assert status(world.sxd_staff, "get", f"{base}tep/{draft_file}/") == 200
    assert status(world.sxd_staff, "get", f"{base}tep/{answer_file}/") == 404
    assert status(world.sxd_admin, "get", f"{base}tep/{answer_file}/") == 200
    for suffix in ("tong-hop.pdf", "tong-hop.xlsx"):
        assert status(world.sxd_staff, "get", base + suffix) == 403
    page = client.get(base).content.decode()
    assert "Đề nghị bổ sung quy định họp trực tuyến" not in page and "Nhất trí với dự thảo." in page
    for url, data in (
        (base + "gia-han-tra-loi/", {"until": _deadline(20).strftime("%d/%m/%Y")}),
        (base + "ket-thuc/", {}),
        (base + "de-nghi-gia-han/", {"until": _deadline(60).strftime("%d/%m/%Y"), "reason": "x"}),
    ):
        assert status(world.sxd_staff, "post", url, data) == 403, url
    # not asked, same agency; and another agency: nothing at all
    for someone in (world.outsider, world.stttt_staff, world.ht_staff):
        for url in (
            base,
            base + "tong-hop.pdf",
            base + "tong-hop.xlsx",
            f"{base}tep/{answer_file}/",
            f"{base}tep/{draft_file}/",
        ):
            assert status(someone, "get", url) == 404, (someone, url)
        for suffix in ("tra-loi/", "gia-han-tra-loi/", "ket-thuc/", "de-nghi-gia-han/", "gia-han/"):
            assert status(someone, "post", base + suffix, {"choice": "agree"}) == 404
        client.force_login(someone)
        assert TITLE not in client.get("/lay-y-kien/").content.decode()
    assert status(world.sxd_staff, "get", "/lay-y-kien/mo/") == 403
    assert status(world.sxd_unit_leader, "get", "/lay-y-kien/mo/") == 200
    assert status(world.sxd_staff, "post", "/lay-y-kien/giao-quyen/", {"grantee": world.sxd_staff.pk}) == 403
    assert status(world.sxd_staff, "post", f"/lay-y-kien/giao-quyen/{world.grant.pk}/thu-hoi/") == 404
    assert status(world.sxd_unit_leader, "post", f"/lay-y-kien/giao-quyen/{world.grant.pk}/thu-hoi/") == 403
    assert status(world.stttt_staff, "get", "/lay-y-kien/giao-quyen/") == 200
    assert "Phạm Văn Dũng" not in client.get("/lay-y-kien/giao-quyen/").content.decode()
    # answering through the page, with a bad date message instead of a 500
    client.force_login(world.sxd_clerk)
    response = client.post(base + "tra-loi/", {"choice": "other", "text": "Sửa Điều 5."}, follow=True)
    assert response.status_code == 200 and Answer.objects.filter(poll=p, user=world.sxd_clerk).exists()
    client.force_login(world.sxd_unit_leader)
    response = client.post(base + "gia-han-tra-loi/", {"until": "31/02/2027"}, follow=True)
    assert response.status_code == 200
    p.refresh_from_db()
    assert timezone.localtime(p.deadline).date() == _deadline()


def test_api_for_poller_audience_outsider_and_other_agency(world, api):
    p, _answer_file, _draft_file = _urls(world)
    poller, staff, outsider, other = (
        api(world.sxd_unit_leader),
        api(world.sxd_staff),
        api(world.outsider),
        api(world.stttt_staff),
    )
    assert [r["id"] for r in poller.get("/api/v1/polls/").data["results"]] == [p.pk]
    assert poller.get(f"/api/v1/polls/{p.pk}/summary/").data["not_answered"] == 1
    assert len(poller.get(f"/api/v1/polls/{p.pk}/answers/").data) == 2
    assert [a["user"] for a in staff.get(f"/api/v1/polls/{p.pk}/answers/").data] == [world.sxd_staff.pk]
    assert staff.get(f"/api/v1/polls/{p.pk}/summary/").status_code == 403
    assert "answer" in staff.get(f"/api/v1/polls/{p.pk}/").data["actions"]
    response = staff.post(f"/api/v1/polls/{p.pk}/answer/", {"choice": "disagree", "text": "Chưa phù hợp."})
    assert response.status_code == 200 and response.data["choice"] == "disagree"
    for action, data in (
        ("extend-deadline", {"until": _deadline(20).isoformat()}),
        ("close", {}),
        ("request-extension", {"until": _deadline(60).isoformat(), "reason": "x"}),
        ("extend", {}),
    ):
        assert staff.post(f"/api/v1/polls/{p.pk}/{action}/", data, format="json").status_code == 403, action
    for client in (outsider, other):
        assert client.get("/api/v1/polls/").data["results"] == []
        assert client.get(f"/api/v1/polls/{p.pk}/").status_code == 404
        for action in ("answer", "extend-deadline", "close", "request-extension", "extend"):
            assert client.post(f"/api/v1/polls/{p.pk}/{action}/", {"choice": "agree"}).status_code == 404
        for action in ("answers", "summary"):
            assert client.get(f"/api/v1/polls/{p.pk}/{action}/").status_code == 404
        assert client.get(f"/api/v1/poll-grants/{world.grant.pk}/").status_code == 404
    created = poller.post(
        "/api/v1/polls/",
        {"title": "Đợt 2", "question": QUESTION, "deadline": _deadline().isoformat(), "version": world.version.pk},
        format="json",
    )
    assert created.status_code == 201 and created.data["whole_agency"] is True
    assert (
        staff.post("/api/v1/polls/", {"title": "x", "question": "y", "deadline": _deadline().isoformat()}).status_code
        == 403
    )
    assert (
        poller.post(f"/api/v1/polls/{p.pk}/extend-deadline/", {"until": "2020-01-01"}, format="json").status_code == 400
    )
    closed = poller.post(f"/api/v1/polls/{p.pk}/close/", {"attach": False}, format="json")
    assert closed.status_code == 200 and closed.data["status"] == "closed" and closed.data["summary_comment"] is False
    leader = api(world.sxd_leader)
    granted = leader.post(
        "/api/v1/poll-grants/", {"grantee": world.sxd_clerk.pk, "document": world.draft.pk}, format="json"
    )
    assert granted.status_code == 201
    assert (
        staff.post("/api/v1/poll-grants/", {"grantee": world.sxd_clerk.pk, "document": world.draft.pk}).status_code
        == 403
    )
    assert PollGrant.objects.filter(grantee=world.sxd_clerk).count() == 1
    assert leader.post(f"/api/v1/poll-grants/{granted.data['id']}/revoke/").data["revoked_at"]
