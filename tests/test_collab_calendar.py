"""The work calendar and meetings (lịch công tác; SPEC §5): calendars of the agency, its units and leaders; entries
with one chair, participants with roles, rooms, linked documents; approval by whoever keeps the calendar; room
clashes refused (also two bookings racing), person clashes warned; recurrence stored as rows; reminders delivered
on every channel and recorded; a year's retention; the printed week in a fixed number of queries — and nobody
outside an entry (or from another agency) reads what waits for approval, on any page or API action."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.shared_data import over
from vpdt.collab.calendar import calendars, queries, services
from vpdt.collab.calendar.lifecycle import available_actions
from vpdt.collab.calendar.models import (
    CalendarKind,
    Entry,
    EntryStatus,
    Frequency,
    ParticipantRole,
    Room,
)
from vpdt.collab.calendar.services import Part, PersonClash, Recurrence
from vpdt.core.fsm import TransitionNotAllowed
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification

T = dt.time


def _monday(weeks: int = 1) -> dt.date:
    return queries.monday_of(timezone.localdate()) + dt.timedelta(days=7 * weeks)


def _book(o, actor=None, calendar=None, **kwargs):
    args = {
        "title": "Họp giao ban công tác tháng",
        "day": _monday() + dt.timedelta(days=1),
        "start": T(8, 0),
        "end": T(10, 0),
        "chair": o.sxd_leader,
        "room": o.room1,
    }
    args.update(kwargs)
    return services.book(actor or o.sxd_staff, calendar or calendars.agency_calendar(o.sxd), **args)


@over("org")
def world(o):
    """The Sở Xây dựng has two meeting rooms; its office clerk keeps the agency's calendars. The KHTC specialist books
    the monthly briefing chaired by the director in room 1, with the head of KHTC attending and the KHTC unit
    preparing the report; the Sở TT&TT has a room of its own."""
    o.room1 = services.create_room(o.sxd_admin, name="Phòng họp số 1", location="Tầng 2, nhà A", capacity=30)
    o.hall = services.create_room(o.sxd_admin, name="Hội trường", location="Tầng 1, nhà B", capacity=150)
    o.grant = services.grant(o.sxd_leader, o.sxd_clerk, calendars.agency_calendar(o.sxd))
    o.other_room = Room.objects.create(agency=o.stttt, name="Phòng họp trực tuyến")
    (o.meeting,) = _book(
        o,
        title="Giao ban công tác tháng 5, triển khai nhiệm vụ tháng 6",
        participants=[
            Part(ParticipantRole.ATTEND, user=o.sxd_unit_leader),
            Part(ParticipantRole.PREPARE, unit=o.sxd_khtc),
            Part(ParticipantRole.CONCLUDE, user=o.sxd_clerk),
        ],
        remind_minutes=30,
        video_url="https://hop.nghean.gov.vn/giao-ban",
    )
    return o


def _fresh(entry):
    return Entry.objects.get(pk=entry.pk)


# ------------------------------------------------------------------------------------------ booking, the machine


def test_booking_waits_for_the_keepers_who_are_told(world):
    entry = world.meeting
    assert entry.status == EntryStatus.PENDING and entry.calendar_kind == CalendarKind.AGENCY
    local = timezone.localtime(entry.starts_at)
    assert (local.hour, local.minute, str(local.tzinfo)) == (8, 0, "Asia/Ho_Chi_Minh")
    assert entry.remind_at == entry.starts_at - dt.timedelta(minutes=30)
    told = set(Notification.objects.filter(verb="calendar.pending", target_id=entry.pk).values_list("user", flat=True))
    assert told == {world.sxd_leader.pk, world.sxd_clerk.pk}
    journal = JournalEntry.objects.get(action="calendar.entry.create", object_id=str(entry.pk))
    assert journal.details["chair"] == "Trần Thị Thu Hà" and "Phòng họp số 1" in journal.details["where"]


def test_the_machine_who_approves_refuses_cancels(world):
    entry = world.meeting
    staff, clerk, head = world.sxd_staff, world.sxd_clerk, world.sxd_unit_leader
    assert available_actions(staff, entry) == {"cancel", "edit"}
    assert available_actions(clerk, entry) == {"approve", "refuse", "cancel", "edit"}
    assert available_actions(head, entry) == set()
    assert available_actions(world.sxd_admin, entry) == set()
    with pytest.raises(PermissionDenied):
        services.approve(staff, entry)
    with pytest.raises(PermissionDenied):
        services.approve(world.stttt_staff, entry)
    with pytest.raises(ValidationError):
        services.refuse(clerk, entry, "   ")
    services.refuse(clerk, entry, "Trùng lịch làm việc với đoàn kiểm tra của tỉnh.")
    entry = _fresh(entry)
    assert entry.status == EntryStatus.REFUSED and entry.reason.startswith("Trùng lịch")
    assert Notification.objects.filter(user=staff, verb="calendar.refused", target_id=entry.pk).exists()
    assert available_actions(clerk, entry) == {"edit"}
    with pytest.raises(TransitionNotAllowed):
        services.approve(clerk, entry)
    services.edit(staff, entry, **{**_same(entry), "title": "Giao ban công tác tháng 5 (dời sang buổi chiều)"})
    entry = _fresh(entry)
    assert entry.status == EntryStatus.PENDING and entry.reason == ""
    (entry,) = services.approve(clerk, entry)
    assert entry.status == EntryStatus.APPROVED and entry.approved_at and entry.decided_by == clerk
    told = set(Notification.objects.filter(verb="calendar.approved", target_id=entry.pk).values_list("user", flat=True))
    # the chair, the participant person, the members of the preparing unit, whoever registered it
    assert {world.sxd_leader.pk, head.pk, staff.pk} <= told and clerk.pk not in told
    with pytest.raises(ValidationError):
        services.cancel(staff, entry, "")
    services.cancel(staff, entry, "Giám đốc đi công tác đột xuất.")
    entry = _fresh(entry)
    assert entry.status == EntryStatus.CANCELLED and available_actions(clerk, entry) == set()
    actions = list(
        JournalEntry.objects.filter(object_id=str(entry.pk), action__startswith="calendar.entry.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "calendar.entry.create",
        "calendar.entry.refuse",
        "calendar.entry.edit",
        "calendar.entry.approve",
        "calendar.entry.cancel",
    ]


def _same(entry) -> dict:
    local = timezone.localtime(entry.starts_at)
    return {
        "title": entry.title,
        "day": local.date(),
        "start": local.time(),
        "end": timezone.localtime(entry.ends_at).time(),
        "chair": entry.chair,
        "room": entry.room,
        "participants": [Part(p.role, user=p.user, unit=p.unit) for p in entry.participants.all()],
    }


def test_who_keeps_unit_and_leader_calendars(world):
    unit_cal = calendars.resolve(world.sxd, f"don-vi-{world.sxd_khtc.pk}")
    leader_cal = calendars.resolve(world.sxd, f"lanh-dao-{world.sxd_leader.pk}")
    assert calendars.resolve(world.sxd, f"lanh-dao-{world.sxd_staff.pk}") is None  # not a leader
    assert calendars.resolve(world.sxd, f"don-vi-{world.stttt_cntt.pk}") is None  # another agency's unit
    assert calendars.resolve(world.sxd, "don-vi-x") is None
    (unit_entry,) = _book(
        world,
        calendar=unit_cal,
        title="Họp phòng KHTC",
        room=None,
        place="Phòng làm việc KHTC",
        chair=world.sxd_unit_leader,
        day=_monday() + dt.timedelta(days=2),
    )
    assert available_actions(world.sxd_unit_leader, unit_entry) >= {"approve", "refuse"}
    assert "approve" in available_actions(world.sxd_clerk, unit_entry)  # the office keeps every calendar
    assert "approve" not in available_actions(world.sxd_leader, unit_entry)
    (leader_entry,) = _book(
        world,
        calendar=leader_cal,
        title="Làm việc với UBND huyện Nghi Lộc",
        room=None,
        place="UBND huyện Nghi Lộc",
        day=_monday() + dt.timedelta(days=3),
    )
    assert "approve" in available_actions(world.sxd_leader, leader_entry)
    assert "approve" not in available_actions(world.sxd_unit_leader, leader_entry)
    services.revoke(world.sxd_leader, world.grant)
    clerk = type(world.sxd_clerk).objects.get(pk=world.sxd_clerk.pk)
    assert "approve" not in available_actions(clerk, unit_entry)
    with pytest.raises(PermissionDenied):
        services.grant(world.sxd_staff, world.sxd_clerk, unit_cal)
    services.grant(world.sxd_admin, clerk, unit_cal)
    assert "approve" in available_actions(clerk, unit_entry) and "approve" not in available_actions(clerk, leader_entry)


def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(world):
    before = Entry.objects.count()
    cases = [
        ({"title": "  "}, "nội dung"),
        ({"end": T(7, 0)}, "kết thúc"),
        ({"room": None}, "địa điểm"),
        ({"room": world.other_room}, "Phòng họp"),
        ({"chair": world.stttt_staff}, "chủ trì"),
        ({"participants": [Part(ParticipantRole.ATTEND, user=world.ht_staff)]}, "không công tác"),
        ({"participants": [Part("boss", user=world.sxd_admin)]}, "Vai trò"),
        ({"video_url": "javascript:alert(1)"}, "trực tuyến"),
        ({"remind_minutes": 45}, "15, 30 hoặc 60"),
        ({"recurrence": Recurrence(Frequency.WEEKLY)}, "đúng một"),
        ({"recurrence": Recurrence(Frequency.WEEKLY, count=500)}, "Số lần"),
        ({"recurrence": Recurrence(Frequency.DAILY, until=dt.date(2099, 1, 1))}, "tối đa"),
        ({"outgoing_ids": [987654321]}, "văn bản đi"),
    ]
    for change, words in cases:
        with pytest.raises(ValidationError) as err:
            _book(world, **{"start": T(14, 0), "end": T(15, 0), **change})
        assert words.lower() in str(err.value).lower(), (change, err.value)
    with pytest.raises(PermissionDenied):
        _book(world, actor=world.stttt_staff)
    assert Entry.objects.count() == before


# ------------------------------------------------------------------------------------------ clashes


def test_a_room_clash_is_refused_naming_the_other_entry_only_to_who_sees_it(world):
    day = timezone.localtime(world.meeting.starts_at).date()
    with pytest.raises(ValidationError) as err:
        _book(world, actor=world.sxd_staff, chair=world.sxd_unit_leader, day=day, start=T(9, 30), end=T(11, 0))
    message = str(err.value)
    assert "Phòng họp số 1 đã được đặt cho “Giao ban công tác tháng 5" in message and "08:00–10:00" in message
    with pytest.raises(ValidationError) as err:  # the head of KHTC does not see the pending briefing's title
        _book(world, actor=world.sxd_admin, chair=world.sxd_admin, day=day, start=T(7, 0), end=T(8, 30))
    assert "một lịch khác" in str(err.value) and "Giao ban" not in str(err.value)
    # back to back is no clash; another room is free; a refused or cancelled entry frees the room
    (after,) = _book(world, chair=world.sxd_admin, day=day, start=T(10, 0), end=T(11, 0))
    (other,) = _book(
        world,
        chair=world.sxd_admin,
        day=day,
        start=T(8, 0),
        end=T(9, 0),
        room=world.hall,
        title="Tiếp công dân định kỳ",
    )
    services.cancel(world.sxd_staff, world.meeting, "Dời lịch")
    (again,) = _book(
        world, chair=world.sxd_admin, day=day, start=T(8, 0), end=T(9, 0), title="Họp chi bộ", confirm=True
    )
    assert again.room == world.room1 and after.pk and other.pk


def test_a_person_clash_warns_and_goes_through_when_confirmed(world):
    day = timezone.localtime(world.meeting.starts_at).date()
    args = {"day": day, "start": T(9, 0), "end": T(9, 45), "room": world.hall, "title": "Làm việc với nhà thầu"}
    with pytest.raises(PersonClash) as err:
        _book(world, **args, participants=[Part(ParticipantRole.ATTEND, user=world.sxd_unit_leader)])
    clashes = err.value.clashes
    assert any(c.startswith("Trần Thị Thu Hà đã có “Giao ban") for c in clashes)
    assert any(c.startswith("Phạm Văn Dũng đã có") for c in clashes)
    (entry,) = _book(
        world, **args, participants=[Part(ParticipantRole.ATTEND, user=world.sxd_unit_leader)], confirm=True
    )
    journal = JournalEntry.objects.get(action="calendar.entry.create", object_id=str(entry.pk))
    assert len(journal.details["warnings"]) == 2


@pytest.mark.django_db(transaction=True)
def test_two_bookings_racing_for_a_room_cannot_both_hold_it(org):
    """Two people book the same room for the same hour at the same moment: the room's row is locked inside each
    transaction, so the second waits, then sees the first and is refused."""
    import threading

    from django.db import connection

    room = services.create_room(org.sxd_admin, name="Phòng họp số 3")
    day = _monday() + dt.timedelta(days=4)
    results, barrier = [], threading.Barrier(2)

    def attempt(actor, title, wait=True):
        try:
            if wait:
                barrier.wait(timeout=10)
            services.book(
                actor,
                calendars.agency_calendar(org.sxd),
                title=title,
                day=day,
                start=T(14, 0),
                end=T(16, 0),
                chair=actor,
                room=room,
            )
            results.append("ok")
        except ValidationError as exc:
            results.append(exc.message_dict.get("room", ["?"])[0])
        finally:
            connection.close()

    if connection.vendor == "sqlite":  # one writer at a time: the two run one after the other
        attempt(org.sxd_staff, "Họp tổ công tác A", wait=False)
        attempt(org.sxd_clerk, "Họp tổ công tác B", wait=False)
    else:
        threads = [
            threading.Thread(target=attempt, args=(org.sxd_staff, "Họp tổ công tác A")),
            threading.Thread(target=attempt, args=(org.sxd_clerk, "Họp tổ công tác B")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert sorted(results)[-1] == "ok" and results.count("ok") == 1, results
    assert Entry.objects.filter(room=room).count() == 1


# ------------------------------------------------------------------------------------------ week and month


def test_the_week_is_the_printed_form_and_the_month_follows(world, login):
    services.approve(world.sxd_clerk, world.meeting)
    (pending,) = _book(
        world,
        title="Kiểm tra công trình trụ sở UBND xã Nghi Phong",
        room=None,
        place="Xã Nghi Phong",
        start=T(14, 0),
        end=T(16, 30),
        chair=world.sxd_unit_leader,
    )
    monday = _monday()
    outsider = login(world.sxd_admin)
    body = outsider.get(f"/lich-cong-tac/?tuan={monday:%d/%m/%Y}").content.decode()
    assert "LỊCH CÔNG TÁC SỞ XÂY DỰNG".lower() in body.lower()
    assert f"từ ngày {monday:%d/%m/%Y} đến ngày {monday + dt.timedelta(days=6):%d/%m/%Y}" in body
    assert "Giao ban công tác tháng 5" in body and "Phòng họp số 1, Tầng 2, nhà A" in body
    assert "08:00–10:00" in body and "Phạm Văn Dũng" in body and "Phòng Kế hoạch - Tài chính" in body
    assert body.count('data-testid="week-day"') == 7 and "Sáng" in body and "Chiều" in body
    assert "Kiểm tra công trình" not in body  # waiting for approval: not for an outsider
    creator = login(world.sxd_staff).get(f"/lich-cong-tac/?tuan={(monday + dt.timedelta(days=3)):%d/%m/%Y}")
    assert (
        "Kiểm tra công trình" in creator.content.decode() and 'data-testid="entry-pending"' in creator.content.decode()
    )
    assert f"?lich=co-quan&amp;tuan={monday - dt.timedelta(days=7):%d/%m/%Y}" in body
    month = outsider.get(f"/lich-cong-tac/thang/?thang={monday:%m/%Y}").content.decode()
    assert "Giao ban công tác tháng 5" in month and f"Tháng {monday.month} năm {monday.year}" in month
    leader = outsider.get(f"/lich-cong-tac/?lich=lanh-dao-{world.sxd_leader.pk}&tuan={monday:%d/%m/%Y}")
    assert "Giao ban công tác tháng 5" in leader.content.decode()  # the director chairs it
    unit = outsider.get(f"/lich-cong-tac/?lich=don-vi-{world.sxd_khtc.pk}&tuan={monday:%d/%m/%Y}")
    assert "Giao ban công tác tháng 5" in unit.content.decode()  # KHTC prepares it
    for bad in ("?tuan=31/02/2026", "?tuan=abc", "?lich=don-vi-99999", "?lich=lanh-dao-x", "thang/?thang=13/2026"):
        response = outsider.get("/lich-cong-tac/" + bad)
        assert response.status_code == 200, bad
    assert (
        login(world.stttt_staff)
        .get(f"/lich-cong-tac/?tuan={monday:%d/%m/%Y}")
        .content.decode()
        .count("Giao ban công tác tháng 5")
        == 0
    )


def test_the_week_view_reads_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.sxd_clerk)
    monday = _monday(3)
    url = f"/lich-cong-tac/?tuan={monday:%d/%m/%Y}"
    counts = []
    for total in (2, 12):
        while Entry.objects.filter(starts_at__date__gte=monday).count() < total:
            n = Entry.objects.filter(starts_at__date__gte=monday).count()
            (entry,) = _book(
                world,
                title=f"Làm việc số {n}",
                day=monday + dt.timedelta(days=n % 6),
                start=T(7 + n // 6 * 3, 0),
                end=T(8 + n // 6 * 3, 0),
                room=None,
                place="Trụ sở Sở",
                chair=world.sxd_admin,
                participants=[Part(ParticipantRole.ATTEND, unit=world.sxd_vp), Part("prepare", user=world.sxd_staff)],
                confirm=True,
            )
            services.approve(world.sxd_clerk, entry)
        client.get(url)
        with django_assert_max_num_queries(20) as ctx:
            response = client.get(url)
        assert response.content.decode().count('data-testid="week-entry"') == total
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
