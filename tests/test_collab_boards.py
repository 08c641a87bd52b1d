"""Announcements and boards (thông báo, bảng tin; SPEC §5): who announces and to whom, the banner until read and
its receipts, retention with "extend", the public board and the members-only group boards — and nobody reads
another agency's announcements, boards or posts, on any page or API action."""

import datetime as dt

import lxml.html
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time

from tests.shared_data import over
from vpdt.collab.boards import queries, services
from vpdt.collab.boards.models import Announcement, AnnouncementRead, Board, BoardKind, BoardMember, Post
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification

TITLE = "Lịch nghỉ Tết Nguyên đán Bính Ngọ 2026"
BODY = "Cán bộ, công chức nghỉ Tết từ ngày 14/02/2026 đến hết ngày 22/02/2026. Các phòng bố trí trực theo lịch."


def _board(agency, kind) -> Board:
    return Board.objects.get(agency=agency, kind=kind)


@over("org")
def world(o):
    """The Party cell of the Sở Xây dựng: the unit leader manages it, the staff member sits on its committee."""
    party = _board(o.sxd, BoardKind.PARTY)
    services.add_member(o.sxd_admin, party, o.sxd_unit_leader, is_manager=True)
    services.add_member(o.sxd_unit_leader, party, o.sxd_staff, may_announce=True)
    o.party = party
    o.announcement = services.post_announcement(o.sxd_leader, capacity="leader", title=TITLE, body=BODY)
    o.party_post = services.create_post(
        o.sxd_staff, party, title="Họp chi bộ tháng 3", body="Chi bộ họp thường kỳ lúc 14 giờ ngày 05/03/2026."
    )
    o.public_post = services.create_post(
        o.sxd_clerk,
        _board(o.sxd, BoardKind.PUBLIC),
        title="Nhặt được chìa khóa xe máy",
        body="Ai đánh rơi chìa khóa xe máy ở nhà xe, liên hệ Văn phòng Sở.",
    )
    return o


# ------------------------------------------------------------------------------------------ services


def test_every_agency_has_its_four_boards(org):
    for agency in (org.sxd, org.stttt, org.other_province):
        assert sorted(Board.objects.filter(agency=agency).values_list("kind", flat=True)) == sorted(BoardKind.values)


def test_who_announces_and_in_which_capacity(world):
    assert [c.code for c in services.capacities(world.sxd_leader)] == ["leader"]
    assert [c.code for c in services.capacities(world.sxd_unit_leader)] == [f"unit:{world.sxd_khtc.pk}"]
    assert [c.label for c in services.capacities(world.sxd_staff)] == ["Cấp ủy chi bộ"]
    assert services.capacities(world.sxd_clerk) == []
    with pytest.raises(PermissionDenied):
        services.post_announcement(world.sxd_clerk, capacity="leader", title=TITLE, body=BODY)
    with pytest.raises(PermissionDenied):  # a capacity of another person is no capacity
        services.post_announcement(world.sxd_clerk, capacity=f"board:{world.party.pk}", title=TITLE, body=BODY)


def test_an_announcement_reaches_its_agency_by_notification_and_is_journaled(world):
    told = set(Notification.objects.filter(verb="boards.announcement").values_list("user_id", flat=True))
    sxd_people = {world.sxd_admin.pk, world.sxd_clerk.pk, world.sxd_unit_leader.pk, world.sxd_staff.pk}
    assert told == sxd_people  # not the poster, nobody of another agency
    entry = JournalEntry.objects.get(action="boards.announcement.post", object_id=str(world.announcement.pk))
    assert entry.actor_id == world.sxd_leader.pk and entry.details["audience"] == "toàn cơ quan"


def test_a_unit_leader_announces_to_their_unit_only(world):
    with pytest.raises(ValidationError):
        services.post_announcement(
            world.sxd_unit_leader, capacity=f"unit:{world.sxd_khtc.pk}", title=TITLE, body=BODY, units=[world.sxd_vp]
        )
    a = services.post_announcement(
        world.sxd_unit_leader, capacity=f"unit:{world.sxd_khtc.pk}", title="Họp phòng KHTC", body="Họp lúc 8 giờ."
    )
    assert not a.whole_agency and list(a.audience.values_list("unit_id", flat=True)) == [world.sxd_khtc.pk]
    assert queries.announcements(world.sxd_staff).filter(pk=a.pk).exists()
    assert not queries.announcements(world.sxd_clerk).filter(pk=a.pk).exists()  # Văn phòng is not addressed
    assert not queries.announcements(world.stttt_staff).filter(pk=a.pk).exists()


def test_the_party_committee_announces_to_chosen_units(world):
    a = services.post_announcement(
        world.sxd_staff,
        capacity=f"board:{world.party.pk}",
        title="Nộp đảng phí quý I",
        body="Đảng viên nộp đảng phí trước ngày 10/4.",
        whole_agency=False,
        units=[world.sxd_vp],
    )
    assert a.posted_as == "Cấp ủy chi bộ"
    assert queries.announcements(world.sxd_clerk).filter(pk=a.pk).exists()
    assert not queries.announcements(world.sxd_unit_leader).filter(pk=a.pk).exists()
    with pytest.raises(ValidationError):  # no audience at all
        services.post_announcement(
            world.sxd_leader, capacity="leader", title=TITLE, body=BODY, whole_agency=False, units=[]
        )
    with pytest.raises(ValidationError):  # another agency's unit
        services.post_announcement(
            world.sxd_leader, capacity="leader", title=TITLE, body=BODY, whole_agency=False, units=[world.stttt_cntt]
        )


def test_the_poster_alone_edits_and_removes(world):
    a = world.announcement
    for someone in (world.sxd_staff, world.sxd_admin, world.stttt_staff):
        with pytest.raises(PermissionDenied):
            services.edit_announcement(someone, a, title="Sửa", body="Sửa")
        with pytest.raises(PermissionDenied):
            services.remove_announcement(someone, a)
    services.edit_announcement(world.sxd_leader, a, title=TITLE + " (bổ sung)", body=BODY)
    assert JournalEntry.objects.filter(action="boards.announcement.edit").count() == 1
    services.remove_announcement(world.sxd_leader, a)
    assert not Announcement.objects.filter(pk=a.pk).exists()
    assert JournalEntry.objects.filter(action="boards.announcement.remove", object_id=str(a.pk)).exists()


def test_the_banner_shows_until_read_and_the_poster_sees_the_receipt(world, login):
    staff = login(world.sxd_staff)
    for url in ("/", "/van-ban-den/", "/tin-dieu-hanh/bang-tin/"):
        assert TITLE in lxml.html.fromstring(staff.get(url).content).xpath(
            'string(//*[@data-testid="announcement-banner"])'
        ), url
    for who in (world.sxd_leader, world.stttt_staff):  # the poster, another agency
        assert 'data-testid="announcement-banner"' not in login(who).get("/").content.decode()
    response = staff.post(f"/tin-dieu-hanh/thong-bao/{world.announcement.pk}/da-doc/", {"next": "/van-ban-den/"})
    assert response.status_code == 302 and response["Location"] == "/van-ban-den/"
    assert 'data-testid="announcement-banner"' not in staff.get("/").content.decode()
    staff.post(f"/tin-dieu-hanh/thong-bao/{world.announcement.pk}/da-doc/", {"next": "https://ví-dụ.vn/"})
    assert AnnouncementRead.objects.filter(user=world.sxd_staff).count() == 1

    page = login(world.sxd_leader).get(f"/tin-dieu-hanh/thong-bao/{world.announcement.pk}/").content.decode()
    receipts = lxml.html.fromstring(page).xpath('//*[@data-testid="receipt"]')
    assert [r.xpath("string(span[1])") for r in receipts] == ["Hoàng Thị Lan"]
    assert receipts[0].xpath("string(span[2])") == timezone.localtime(
        AnnouncementRead.objects.get(user=world.sxd_staff).read_at
    ).strftime("%d/%m/%Y %H:%M")
    clerk_page = login(world.sxd_clerk).get(f"/tin-dieu-hanh/thong-bao/{world.announcement.pk}/").content.decode()
    assert 'data-testid="receipts"' not in clerk_page
    assert queries.receipts(world.sxd_clerk, world.announcement).count() == 0


def test_an_expired_announcement_leaves_the_banner(world):
    assert queries.unread(world.sxd_staff).filter(pk=world.announcement.pk).exists()
    with freeze_time(world.announcement.expires_at + dt.timedelta(minutes=1)):
        assert not queries.unread(world.sxd_staff).filter(pk=world.announcement.pk).exists()


# ------------------------------------------------------------------------------------------ retention


def _post_at(world, when: dt.datetime, title: str) -> Announcement:
    with freeze_time(when):
        return services.post_announcement(world.sxd_leader, capacity="leader", title=title, body=BODY)


def test_the_daily_job_removes_a_quarter_old_announcement_and_journals_it(world):
    start = timezone.make_aware(dt.datetime(2026, 1, 10, 9, 0))
    a = _post_at(world, start, "Thông báo tuyển dụng công chức năm 2026")
    assert timezone.localtime(a.expires_at).date() == dt.date(2026, 4, 10)
    with freeze_time(start + dt.timedelta(days=89)):
        assert services.expire_announcements() >= 0
    assert Announcement.objects.filter(pk=a.pk).exists()
    with freeze_time(dt.datetime(2026, 4, 10, 3, 0)):  # 10:00 Vietnam time, an hour after the quarter
        from vpdt.collab.boards import tasks

        assert tasks.expire_announcements.delay().get() >= 1
    assert not Announcement.objects.filter(pk=a.pk).exists()
    entry = JournalEntry.objects.get(action="boards.announcement.expire", object_id=str(a.pk))
    assert entry.object_repr == "Thông báo tuyển dụng công chức năm 2026" and entry.actor_id is None


def test_extend_on_request_keeps_it_until_the_new_date(world, settings):
    start = timezone.make_aware(dt.datetime(2026, 1, 10, 9, 0))
    a = _post_at(world, start, "Quy chế chi tiêu nội bộ năm 2026")
    with freeze_time(start + dt.timedelta(days=80)):
        with pytest.raises(ValidationError):
            services.request_extension(world.sxd_leader, a, until=dt.date(2026, 4, 1), reason="Còn hiệu lực")
        with pytest.raises(PermissionDenied):
            services.request_extension(world.sxd_staff, a, until=dt.date(2026, 12, 31), reason="Còn hiệu lực")
        services.request_extension(world.sxd_leader, a, until=dt.date(2026, 12, 31), reason="Quy chế áp dụng cả năm")
        assert Notification.objects.filter(user=world.sxd_admin, verb="boards.extension_requested").exists()
        for someone in (world.sxd_leader, world.sxd_staff, world.province_admin):
            with pytest.raises(PermissionDenied):
                services.extend(someone, a)
    with freeze_time(dt.datetime(2026, 4, 11, 3, 0)):  # past the quarter, the request pending: kept
        services.expire_announcements()
        assert Announcement.objects.filter(pk=a.pk).exists()
        services.extend(world.sxd_admin, a)
    a.refresh_from_db()
    assert timezone.localtime(a.expires_at).date() == dt.date(2026, 12, 31) and a.extension_requested_at is None
    assert JournalEntry.objects.filter(action="boards.announcement.extend", object_id=str(a.pk)).exists()
    with freeze_time(dt.datetime(2026, 12, 31, 10, 0)):
        services.expire_announcements()
        assert Announcement.objects.filter(pk=a.pk).exists()
    with freeze_time(dt.datetime(2027, 1, 1, 2, 0)):
        services.expire_announcements()
        assert not Announcement.objects.filter(pk=a.pk).exists()


def test_a_declined_request_lets_the_job_remove_it(world):
    start = timezone.make_aware(dt.datetime(2026, 1, 10, 9, 0))
    a = _post_at(world, start, "Kế hoạch thi đua khen thưởng")
    with freeze_time(start + dt.timedelta(days=85)):
        services.request_extension(world.sxd_leader, a, until=dt.date(2026, 6, 30), reason="Chưa tổng kết")
    with freeze_time(dt.datetime(2026, 4, 12, 3, 0)):
        with pytest.raises(ValidationError):
            services.decline_extension(world.sxd_admin, a, reason="")
        services.decline_extension(world.sxd_admin, a, reason="Đã có thông báo tổng kết thay thế")
        assert services.expire_announcements() >= 1
    assert not Announcement.objects.filter(pk=a.pk).exists()


# ------------------------------------------------------------------------------------------ boards


def test_anyone_of_the_agency_posts_on_the_public_board_and_removes_their_own(world):
    public = _board(world.sxd, BoardKind.PUBLIC)
    post = services.create_post(world.sxd_staff, public, title="Xe đi công tác Vinh", body="Còn 2 chỗ ngày 12/3.")
    with pytest.raises(PermissionDenied):
        services.create_post(world.stttt_staff, public, title="Tin của sở khác", body="Không được đăng.")
    for someone in (world.sxd_clerk, world.sxd_admin, world.stttt_staff):
        with pytest.raises(PermissionDenied):
            services.remove_post(someone, post)
    pk = post.pk
    services.remove_post(world.sxd_staff, post)
    assert not Post.objects.filter(pk=pk).exists()
    assert JournalEntry.objects.filter(action="boards.post.remove", object_id=str(pk)).exists()


def test_a_group_board_accepts_posts_only_from_its_members(world):
    for outsider in (world.sxd_clerk, world.sxd_admin, world.sxd_leader, world.stttt_staff):
        with pytest.raises(PermissionDenied):
            services.create_post(outsider, world.party, title="Tin", body="Nội dung")
        assert not queries.posts(outsider, world.party).exists()
    services.create_post(world.sxd_unit_leader, world.party, title="Sinh hoạt chuyên đề", body="Quý II.")
    assert queries.posts(world.sxd_staff, world.party).count() == 2
    union = _board(world.sxd, BoardKind.UNION)
    with pytest.raises(PermissionDenied):  # a Party member is no union member
        services.create_post(world.sxd_staff, union, title="Tin", body="Nội dung")


def test_membership_is_kept_by_the_board_managers_and_managers_named_by_the_administrator(world):
    youth = _board(world.sxd, BoardKind.YOUTH)
    for someone in (world.sxd_unit_leader, world.sxd_staff, world.sxd_leader, world.province_admin):
        with pytest.raises(PermissionDenied):
            services.add_member(someone, youth, world.sxd_clerk)
    with pytest.raises(PermissionDenied):  # the Party cell's manager names no manager
        services.add_member(world.sxd_unit_leader, world.party, world.sxd_clerk, is_manager=True)
    with pytest.raises(ValidationError):  # only people of the agency
        services.add_member(world.sxd_unit_leader, world.party, world.stttt_staff)
    member = services.add_member(world.sxd_unit_leader, world.party, world.sxd_clerk)
    with pytest.raises(ValidationError):
        services.add_member(world.sxd_unit_leader, world.party, world.sxd_clerk)
    services.change_member(world.sxd_unit_leader, member, may_announce=True)
    assert [c.code for c in services.capacities(world.sxd_clerk)] == [f"board:{world.party.pk}"]
    manager = BoardMember.objects.get(board=world.party, user=world.sxd_unit_leader)
    with pytest.raises(PermissionDenied):
        services.remove_member(world.sxd_unit_leader, manager)
    services.remove_member(world.sxd_unit_leader, member)
    assert not services.capacities(world.sxd_clerk)
    with pytest.raises(ValidationError):
        services.add_member(world.sxd_admin, _board(world.sxd, BoardKind.PUBLIC), world.sxd_clerk)
    actions = set(JournalEntry.objects.filter(action__startswith="boards.member.").values_list("action", flat=True))
    assert actions == {"boards.member.add", "boards.member.change", "boards.member.remove"}


# ------------------------------------------------------------------------------------------ pages


def _status(client, method, url, data=None):
    return (client.post(url, data or {}) if method == "post" else client.get(url)).status_code


def test_every_page_and_action_for_the_agency_the_members_and_the_others(world, login):
    a, party, post = world.announcement, world.party, world.party_post
    member = BoardMember.objects.get(board=party, user=world.sxd_staff)
    public_post = world.public_post
    other = login(world.stttt_staff)
    # Another agency: nothing of the Sở Xây dựng exists for them.
    for method, url in (
        ("get", f"/tin-dieu-hanh/thong-bao/{a.pk}/"),
        ("get", f"/tin-dieu-hanh/thong-bao/{a.pk}/sua/"),
        ("post", f"/tin-dieu-hanh/thong-bao/{a.pk}/go/"),
        ("post", f"/tin-dieu-hanh/thong-bao/{a.pk}/da-doc/"),
        ("post", f"/tin-dieu-hanh/thong-bao/{a.pk}/de-nghi-gia-han/"),
        ("post", f"/tin-dieu-hanh/thong-bao/{a.pk}/gia-han/"),
        ("post", f"/tin-dieu-hanh/thong-bao/{a.pk}/khong-gia-han/"),
        ("get", f"/tin-dieu-hanh/bang-tin/{party.pk}/"),
        ("get", f"/tin-dieu-hanh/bang-tin/{public_post.board_id}/"),
        ("post", f"/tin-dieu-hanh/bang-tin/{public_post.board_id}/dang/"),
        ("get", f"/tin-dieu-hanh/bang-tin/{party.pk}/thanh-vien/"),
        ("post", f"/tin-dieu-hanh/bang-tin/tin/{public_post.pk}/go/"),
        ("post", f"/tin-dieu-hanh/bang-tin/thanh-vien/{member.pk}/"),
        ("post", f"/tin-dieu-hanh/bang-tin/thanh-vien/{member.pk}/bo/"),
    ):
        assert _status(other, method, url) == 404, url
    assert TITLE not in other.get("/tin-dieu-hanh/thong-bao/").content.decode()
    assert (
        "Nhặt được chìa khóa"
        not in other.get(f"/tin-dieu-hanh/bang-tin/{_board(world.stttt, 'public').pk}/").content.decode()
    )

    # A non-member of the agency: the group board's posts and members are not theirs; the poster's actions neither.
    clerk = login(world.sxd_clerk)
    for method, url, expected in (
        ("get", "/tin-dieu-hanh/thong-bao/", 200),
        ("get", "/tin-dieu-hanh/thong-bao/dang/", 403),
        ("get", "/tin-dieu-hanh/thong-bao/cho-gia-han/", 403),
        ("get", f"/tin-dieu-hanh/thong-bao/{a.pk}/", 200),
        ("get", f"/tin-dieu-hanh/thong-bao/{a.pk}/sua/", 403),
        ("post", f"/tin-dieu-hanh/thong-bao/{a.pk}/go/", 403),
        ("post", f"/tin-dieu-hanh/thong-bao/{a.pk}/gia-han/", 403),
        ("get", "/tin-dieu-hanh/bang-tin/", 200),
        ("get", f"/tin-dieu-hanh/bang-tin/{party.pk}/", 404),
        ("post", f"/tin-dieu-hanh/bang-tin/{party.pk}/dang/", 404),
        ("get", f"/tin-dieu-hanh/bang-tin/{party.pk}/thanh-vien/", 404),
        ("post", f"/tin-dieu-hanh/bang-tin/tin/{post.pk}/go/", 404),
        ("post", f"/tin-dieu-hanh/bang-tin/thanh-vien/{member.pk}/bo/", 404),
        ("get", f"/tin-dieu-hanh/bang-tin/{public_post.board_id}/", 200),
    ):
        assert _status(clerk, method, url, {"until": "31/12/2026"}) == expected, url
    assert Announcement.objects.filter(pk=a.pk).exists() and Post.objects.filter(pk=post.pk).exists()

    # A member reads and posts; not the manager's actions.
    staff = login(world.sxd_staff)
    page = staff.get(f"/tin-dieu-hanh/bang-tin/{party.pk}/").content.decode()
    assert "Họp chi bộ tháng 3" in page
    assert _status(staff, "post", f"/tin-dieu-hanh/bang-tin/thanh-vien/{member.pk}/bo/") == 403
    assert (
        _status(staff, "post", f"/tin-dieu-hanh/bang-tin/{party.pk}/thanh-vien/", {"user": world.sxd_clerk.pk}) == 403
    )
    assert _status(staff, "post", f"/tin-dieu-hanh/bang-tin/tin/{public_post.pk}/go/") == 403
    response = staff.post(f"/tin-dieu-hanh/bang-tin/{party.pk}/dang/", {"title": "Góp ý dự thảo", "body": "Đề nghị."})
    assert response.status_code == 302 and Post.objects.filter(title="Góp ý dự thảo").exists()

    # The agency's administrator keeps the group boards, without reading their posts.
    admin = login(world.sxd_admin)
    page = admin.get(f"/tin-dieu-hanh/bang-tin/{party.pk}/").content.decode()
    assert 'data-testid="members-only"' in page and "Họp chi bộ tháng 3" not in page
    assert admin.get(f"/tin-dieu-hanh/bang-tin/{party.pk}/thanh-vien/").status_code == 200
    assert admin.get("/tin-dieu-hanh/thong-bao/cho-gia-han/").status_code == 200


def test_bad_input_gets_a_vietnamese_message_and_keeps_what_was_typed(world, login):
    leader = login(world.sxd_leader)
    response = leader.post("/tin-dieu-hanh/thong-bao/dang/", {"capacity": "leader", "title": "  ", "body": BODY})
    assert response.status_code == 200 and "Tiêu đề là bắt buộc." in response.content.decode()
    assert BODY in response.content.decode()
    response = leader.post(
        f"/tin-dieu-hanh/thong-bao/{world.announcement.pk}/de-nghi-gia-han/",
        {"until": "31/02/2026", "reason": "Còn hiệu lực"},
        follow=True,
    )
    assert response.status_code == 200 and "Ngày gia hạn" in response.content.decode()
    response = leader.post(
        "/tin-dieu-hanh/thong-bao/dang/",
        {"capacity": "leader", "title": TITLE, "body": BODY, "units": [world.stttt_cntt.pk]},
    )
    assert response.status_code == 200 and "lựa chọn không hợp lệ" in response.content.decode()


def test_posting_through_the_form_and_the_menu(world, login):
    leader = login(world.sxd_leader)
    response = leader.post(
        "/tin-dieu-hanh/thong-bao/dang/",
        {
            "capacity": "leader",
            "title": "Kiểm tra công vụ",
            "body": "Đoàn kiểm tra làm việc ngày 20/3.",
            "units": [world.sxd_vp.pk],
        },
    )
    assert response.status_code == 302
    a = Announcement.objects.get(title="Kiểm tra công vụ")
    assert not a.whole_agency and [u.unit_id for u in a.audience.all()] == [world.sxd_vp.pk]
    menu = lxml.html.fromstring(leader.get("/").content).xpath('//li[@data-testid="menu-collab"]//a/@data-testid')
    assert {"menu-boards.announcements", "menu-boards.boards"} <= set(menu)


# ------------------------------------------------------------------------------------------ API


def test_the_api_for_the_poster_the_audience_and_another_agency(world, api):
    a = world.announcement
    leader, staff, other = api(world.sxd_leader), api(world.sxd_staff), api(world.stttt_staff)
    created = leader.post(
        "/api/v1/announcements/",
        {"capacity": "leader", "title": "Treo cờ Tổ quốc", "body": "Treo cờ từ 28/4 đến 2/5.", "units": []},
        format="json",
    )
    assert created.status_code == 201 and created.data["whole_agency"] is True
    assert staff.post("/api/v1/announcements/", {"capacity": "leader", "title": "x", "body": "y"}).status_code == 403
    ids = [row["id"] for row in staff.get("/api/v1/announcements/").data["results"]]
    assert a.pk in ids and created.data["id"] in ids
    assert other.get("/api/v1/announcements/").data["results"] == []
    for method, url in (
        ("get", f"/api/v1/announcements/{a.pk}/"),
        ("post", f"/api/v1/announcements/{a.pk}/read/"),
        ("get", f"/api/v1/announcements/{a.pk}/receipts/"),
        ("patch", f"/api/v1/announcements/{a.pk}/"),
        ("delete", f"/api/v1/announcements/{a.pk}/"),
        ("post", f"/api/v1/announcements/{a.pk}/request-extension/"),
        ("post", f"/api/v1/announcements/{a.pk}/extend/"),
        ("post", f"/api/v1/announcements/{a.pk}/decline-extension/"),
        ("get", f"/api/v1/boards/{world.party.pk}/"),
        ("get", f"/api/v1/board-posts/{world.public_post.pk}/"),
        ("delete", f"/api/v1/board-posts/{world.public_post.pk}/"),
        ("get", f"/api/v1/board-members/{BoardMember.objects.filter(board=world.party).first().pk}/"),
    ):
        assert getattr(other, method)(url, {}, format="json").status_code == 404, url
    assert other.get(f"/api/v1/board-posts/?board={world.public_post.board_id}").status_code == 400

    read = staff.post(f"/api/v1/announcements/{a.pk}/read/")
    assert read.status_code == 200 and read.data["is_read"] is True
    assert staff.get(f"/api/v1/announcements/{a.pk}/receipts/").status_code == 403
    receipts = leader.get(f"/api/v1/announcements/{a.pk}/receipts/").data
    assert [r["user"] for r in receipts] == [world.sxd_staff.pk]
    assert staff.patch(f"/api/v1/announcements/{a.pk}/", {"title": "x", "body": "y"}, format="json").status_code == 403
    until = (timezone.localdate() + dt.timedelta(days=200)).isoformat()
    asked = leader.post(
        f"/api/v1/announcements/{a.pk}/request-extension/", {"until": until, "reason": "Cần lưu"}, format="json"
    )
    assert asked.status_code == 200 and asked.data["extension_until"] == until
    assert leader.post(f"/api/v1/announcements/{a.pk}/extend/", {}, format="json").status_code == 403
    extended = api(world.sxd_admin).post(f"/api/v1/announcements/{a.pk}/extend/", {}, format="json")
    assert extended.status_code == 200 and extended.data["extension_until"] is None


def test_the_board_api_for_members_and_non_members(world, api):
    staff, clerk, other = api(world.sxd_staff), api(world.sxd_clerk), api(world.stttt_staff)
    kinds = {b["kind"]: b for b in staff.get("/api/v1/boards/").data["results"]}
    assert set(kinds) == {"public", "party"} and kinds["party"]["can_post"] is True
    assert {b["kind"] for b in clerk.get("/api/v1/boards/").data["results"]} == {"public"}
    assert {b["agency"] for b in other.get("/api/v1/boards/").data["results"]} == {world.stttt.pk}
    assert clerk.get(f"/api/v1/board-posts/?board={world.party.pk}").status_code == 400
    assert clerk.post("/api/v1/board-posts/", {"board": world.party.pk, "title": "x", "body": "y"}).status_code == 400
    posted = staff.post("/api/v1/board-posts/", {"board": world.party.pk, "title": "Tin chi bộ", "body": "Nội dung"})
    assert posted.status_code == 201
    titles = [p["title"] for p in staff.get(f"/api/v1/board-posts/?board={world.party.pk}").data["results"]]
    assert "Tin chi bộ" in titles
    assert clerk.get(f"/api/v1/board-posts/{posted.data['id']}/").status_code == 404
    manager = api(world.sxd_unit_leader)
    added = manager.post("/api/v1/board-members/", {"board": world.party.pk, "user": world.sxd_clerk.pk})
    assert added.status_code == 201
    refused = manager.patch(f"/api/v1/board-members/{added.data['id']}/", {"is_manager": True}, format="json")
    assert refused.status_code == 403
    assert staff.delete(f"/api/v1/board-members/{added.data['id']}/").status_code == 403
    assert manager.delete(f"/api/v1/board-members/{added.data['id']}/").status_code == 204


def test_the_banner_costs_no_statement_when_nothing_is_unread(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.sxd_staff)
    client.get("/")
    with CaptureQueriesContext(connection) as unread:
        page = client.get("/").content.decode()
    assert 'data-testid="announcement-banner"' in page
    badge = lxml.html.fromstring(page).xpath('//a[@data-testid="menu-boards.announcements"]//*[@data-testid="badge"]')
    assert badge[0].text_content() == "1"
    services.mark_read(world.sxd_staff, world.announcement)
    with CaptureQueriesContext(connection) as read:
        page = client.get("/").content.decode()
    assert 'data-testid="announcement-banner"' not in page
    assert len(read.captured_queries) == len(unread.captured_queries) - 1
    assert sum("vpdt_count_" in q["sql"] for q in read.captured_queries) == 1
