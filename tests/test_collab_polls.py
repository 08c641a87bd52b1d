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


# ------------------------------------------------------------------------------------------ lifecycle


def test_the_lifecycle_offers_each_person_their_steps_open_and_closed(world):
    from vpdt.collab.polls.lifecycle import available_actions

    poll = world.poll
    assert available_actions(world.sxd_unit_leader, poll) == {"results", "export", "extend_deadline", "close"}
    assert available_actions(world.sxd_staff, poll) == {"answer", "ask_more_time"}
    assert available_actions(world.sxd_leader, poll) == {"results", "export"}
    for nobody in (world.outsider, world.stttt_staff):
        assert available_actions(nobody, poll) == set()
    with freeze_time(poll.deadline + dt.timedelta(minutes=1)):  # past the deadline: no answer, no request
        assert available_actions(world.sxd_staff, Poll.objects.get(pk=poll.pk)) == set()
    closed = services.close(world.sxd_unit_leader, poll, attach=False)
    assert available_actions(world.sxd_unit_leader, closed) == {"results", "export", "request_extension"}
    assert available_actions(world.sxd_admin, closed) == {"extend"}
    assert available_actions(world.sxd_staff, closed) == set()
    with pytest.raises(ValidationError):
        services.close(world.sxd_unit_leader, closed)  # closing twice


# ------------------------------------------------------------------------------------------ more time to answer


def test_a_person_asked_asks_for_more_time_the_poller_grants_or_declines(world):
    from vpdt.collab.polls.lifecycle import request_actions
    from vpdt.collab.polls.models import DeadlineRequest, RequestStatus

    poll = world.poll
    asked_until = _deadline(10)
    with pytest.raises(PermissionDenied):
        services.ask_more_time(world.outsider, poll, until=asked_until, reason="Đang đi công tác")
    with pytest.raises(PermissionDenied):
        services.ask_more_time(world.sxd_unit_leader, poll, until=asked_until, reason="x")  # the poller
    with pytest.raises(ValidationError):
        services.ask_more_time(world.sxd_clerk, poll, until=asked_until, reason="  ")
    with pytest.raises(ValidationError) as refused:
        services.ask_more_time(world.sxd_clerk, poll, until=_deadline(7), reason="Cần thêm thời gian")
    assert "phải sau hạn trả lời" in str(refused.value)
    request = services.ask_more_time(
        world.sxd_clerk, poll, until=asked_until, reason="Văn phòng đang tổng hợp ý kiến các tổ"
    )
    with pytest.raises(ValidationError):  # one waiting request per person
        services.ask_more_time(world.sxd_clerk, poll, until=_deadline(12), reason="Thêm nữa")
    told = Notification.objects.get(verb="polls.more_time_asked")
    assert told.user_id == world.sxd_unit_leader.pk and "Văn phòng đang tổng hợp" in told.text
    entry = JournalEntry.objects.get(action="polls.ask_more_time", object_id=str(poll.pk))
    assert entry.actor_id == world.sxd_clerk.pk and entry.details["reason"].startswith("Văn phòng")

    request.poll = Poll.objects.get(pk=poll.pk)
    assert request_actions(world.sxd_unit_leader, request) == {"grant", "decline"}
    assert request_actions(world.sxd_clerk, request) == set()
    for someone in (world.sxd_clerk, world.sxd_leader, world.stttt_staff):
        with pytest.raises(PermissionDenied):
            services.grant_more_time(someone, request)
        with pytest.raises(PermissionDenied):
            services.decline_more_time(someone, request, reason="Không")
    granted = services.grant_more_time(world.sxd_unit_leader, request)
    assert granted.status == RequestStatus.GRANTED and granted.granted_until == asked_until
    poll.refresh_from_db()
    assert timezone.localtime(poll.deadline).date() == asked_until and poll.reminded_at is None
    assert Notification.objects.filter(user=world.sxd_clerk, verb="polls.more_time_granted").count() == 1
    assert not Notification.objects.filter(user=world.sxd_clerk, verb="polls.deadline_extended").exists()
    entry = JournalEntry.objects.get(action="polls.deadline_request.grant", object_id=str(poll.pk))
    assert entry.details["requester"] == world.sxd_clerk.full_name and entry.details["to"] == "granted"
    with pytest.raises(ValidationError):  # decided already
        services.decline_more_time(world.sxd_unit_leader, granted, reason="Đổi ý")

    second = services.ask_more_time(world.sxd_staff, poll, until=_deadline(15), reason="Chờ ý kiến tổ công tác")
    with pytest.raises(ValidationError):  # "Không gia hạn" needs a reason
        services.decline_more_time(world.sxd_unit_leader, second, reason=" ")
    declined = services.decline_more_time(
        world.sxd_unit_leader, second, reason="Cần tổng hợp để trình Giám đốc đúng hạn"
    )
    assert declined.status == RequestStatus.DECLINED and declined.decided_by_id == world.sxd_unit_leader.pk
    poll.refresh_from_db()
    assert timezone.localtime(poll.deadline).date() == asked_until  # unchanged
    told = Notification.objects.get(user=world.sxd_staff, verb="polls.more_time_declined")
    assert "trình Giám đốc đúng hạn" in told.text
    entry = JournalEntry.objects.get(action="polls.deadline_request.decline", object_id=str(poll.pk))
    assert entry.details["reason"] == "Cần tổng hợp để trình Giám đốc đúng hạn"

    waiting = services.ask_more_time(world.sxd_staff, poll, until=_deadline(14), reason="Lần hai")
    services.close(world.sxd_unit_leader, poll, attach=False)
    assert DeadlineRequest.objects.get(pk=waiting.pk).status == RequestStatus.LAPSED
    assert JournalEntry.objects.filter(action="polls.deadline_request.lapse", object_id=str(poll.pk)).count() == 1
    with pytest.raises(ValidationError):
        services.grant_more_time(world.sxd_unit_leader, waiting)


def test_more_time_through_the_pages_and_the_api(world, client, api):
    from vpdt.collab.polls.models import DeadlineRequest, RequestStatus

    poll = world.poll
    base = f"/lay-y-kien/{poll.pk}/"
    client.force_login(world.sxd_clerk)
    page = client.get(base).content.decode()
    assert 'data-testid="ask-more-time"' in page and 'data-testid="close"' not in page
    response = client.post(base + "xin-gia-han-tra-loi/", {"more-until": "31/02/2027", "more-reason": "x"})
    assert response.status_code == 302 and not DeadlineRequest.objects.exists()
    until = _deadline(9)
    response = client.post(
        base + "xin-gia-han-tra-loi/", {"more-until": until.strftime("%d/%m/%Y"), "more-reason": "Đang đi công tác"}
    )
    request = DeadlineRequest.objects.get(poll=poll, user=world.sxd_clerk)
    grant_url, decline_url = f"{base}de-nghi/{request.pk}/gia-han/", f"{base}de-nghi/{request.pk}/khong-gia-han/"
    assert 'data-testid="grant-more-time"' not in client.get(base).content.decode()
    assert client.post(grant_url, {}).status_code == 403  # the person who asked does not decide
    client.force_login(world.sxd_staff)  # another person asked does not see the request
    assert client.post(decline_url, {f"r{request.pk}-reason": "x"}).status_code == 404
    for someone in (world.outsider, world.stttt_staff):
        client.force_login(someone)
        assert client.post(base + "xin-gia-han-tra-loi/", {}).status_code == 404
        assert client.post(grant_url, {}).status_code == 404
    client.force_login(world.sxd_unit_leader)
    page = client.get(base).content.decode()
    assert 'data-testid="grant-more-time"' in page and 'data-testid="decline-more-time"' in page
    assert "Đang đi công tác" in page and 'data-testid="ask-more-time"' not in page
    response = client.post(decline_url, {f"r{request.pk}-reason": "Hạn trình Giám đốc đã cố định"}, follow=True)
    assert response.status_code == 200 and "Đã trả lời không gia hạn." in response.content.decode()
    assert DeadlineRequest.objects.get(pk=request.pk).status == RequestStatus.DECLINED
    client.force_login(world.sxd_clerk)
    assert "Hạn trình Giám đốc đã cố định" in client.get(base).content.decode()

    staff, poller, other = api(world.sxd_staff), api(world.sxd_unit_leader), api(world.stttt_staff)
    asked = staff.post(
        f"/api/v1/polls/{poll.pk}/ask-more-time/", {"until": _deadline(11).isoformat(), "reason": "Chờ số liệu"}
    )
    assert asked.status_code == 201 and asked.data["status"] == "pending" and asked.data["actions"] == []
    assert "ask_more_time" not in staff.get(f"/api/v1/polls/{poll.pk}/").data["actions"]
    rpk = asked.data["id"]
    assert [r["id"] for r in staff.get("/api/v1/poll-deadline-requests/").data["results"]] == [rpk]
    assert other.get(f"/api/v1/poll-deadline-requests/{rpk}/").status_code == 404
    assert other.post(f"/api/v1/poll-deadline-requests/{rpk}/grant/", {}).status_code == 404
    assert staff.post(f"/api/v1/poll-deadline-requests/{rpk}/grant/", {}).status_code == 403
    assert poller.get(f"/api/v1/poll-deadline-requests/{rpk}/").data["actions"] == ["decline", "grant"]
    assert poller.post(f"/api/v1/poll-deadline-requests/{rpk}/decline/", {"reason": ""}).status_code == 400
    granted = poller.post(f"/api/v1/poll-deadline-requests/{rpk}/grant/", {"until": _deadline(12).isoformat()})
    assert granted.status_code == 200 and granted.data["status"] == "granted"
    assert poller.get(f"/api/v1/polls/{poll.pk}/").data["deadline"].startswith(_deadline(12).isoformat())


# ------------------------------------------------------------------------------------------ closing at the deadline


def test_the_poll_closes_itself_once_its_deadline_has_passed(world, settings):
    from vpdt.collab.polls import tasks

    assert settings.CELERY_BEAT_SCHEDULE["polls-close-expired"]["task"] == "vpdt.collab.polls.tasks.close_expired"
    poll = world.poll
    with freeze_time(poll.deadline - dt.timedelta(minutes=5)):
        assert services.close_expired() == 0
    with freeze_time(poll.deadline + dt.timedelta(minutes=10)):
        assert tasks.close_expired.delay().get() == 1
        assert services.close_expired() == 0
    poll.refresh_from_db()
    assert poll.status == "closed" and poll.summary_comment and "Chưa trả lời: Lê Thị Hồng Nhung" in poll.summary
    assert poll.closed_at == poll.deadline + dt.timedelta(minutes=10)
    comment = Comment.objects.get(version=world.version, author=world.sxd_unit_leader)  # as the poller's close does
    assert "Đồng ý: 1" in comment.text
    entry = JournalEntry.objects.get(action="polls.auto_close", object_id=str(poll.pk))
    assert entry.actor_id is None and entry.details["not_answered"] == 1 and entry.details["attached"] is True
    assert not JournalEntry.objects.filter(action="polls.close", object_id=str(poll.pk)).exists()
    assert set(Notification.objects.filter(verb="polls.closed").values_list("user_id", flat=True)) == {
        world.sxd_clerk.pk
    }
    told = Notification.objects.get(verb="polls.auto_closed")
    assert told.user_id == world.sxd_unit_leader.pk and "tự động kết thúc" in told.text
    from vpdt.journal.sentences import describe

    assert "tự động đóng" in describe(entry, visible=True)


def test_the_task_and_the_poller_closing_at_once_close_the_poll_once(world):
    stale = Poll.objects.get(pk=world.poll.pk)  # the poller's page was read before the task ran
    with freeze_time(world.poll.deadline + dt.timedelta(minutes=1)):
        assert services.close_expired() == 1
        with pytest.raises(ValidationError):
            services.close(world.sxd_unit_leader, stale)
    second = services.open_poll(
        world.sxd_unit_leader, title="Đợt hai", question=QUESTION, deadline=_deadline(), version=world.version
    )
    with freeze_time(second.deadline + dt.timedelta(minutes=1)):
        services.close(world.sxd_unit_leader, second)
        assert services.close_expired() == 0
    closes = JournalEntry.objects.filter(action__in=["polls.close", "polls.auto_close"])
    assert sorted(closes.values_list("object_id", "action")) == sorted(
        [(str(world.poll.pk), "polls.auto_close"), (str(second.pk), "polls.close")]
    )
    assert Comment.objects.filter(version=world.version, author=world.sxd_unit_leader).count() == 2
