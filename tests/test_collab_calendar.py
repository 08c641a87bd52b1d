"""The work calendar and meetings (lịch công tác; SPEC §5): calendars of the agency, its units and leaders; entries
with one chair, participants with roles, rooms, linked documents; approval by whoever keeps the calendar; room
clashes refused (also two bookings racing), person clashes warned; recurrence stored as rows; reminders delivered
on every channel and recorded; a year's retention; the printed week in a fixed number of queries — and nobody
outside an entry (or from another agency) reads what waits for approval, on any page or API action."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone
from freezegun import freeze_time

from tests.shared_data import over
from vpdt.collab.calendar import calendars, queries, services, tasks, upkeep
from vpdt.collab.calendar.lifecycle import available_actions
from vpdt.collab.calendar.models import (
    CalendarKind,
    DeliveryStatus,
    Entry,
    EntryLink,
    EntryStatus,
    Frequency,
    ParticipantRole,
    ReminderDelivery,
    Room,
    Series,
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


# ------------------------------------------------------------------------------------------ recurrence


def test_a_recurrence_is_stored_as_rows_approved_and_cancelled_as_a_series(world):
    monday = _monday(2)
    weekly = _book(
        world,
        title="Giao ban lãnh đạo Sở sáng thứ Hai",
        day=monday,
        start=T(7, 30),
        end=T(8, 30),
        room=world.hall,
        recurrence=Recurrence(Frequency.WEEKLY, count=4),
    )
    assert [timezone.localtime(e.starts_at).date() for e in weekly] == [
        monday + dt.timedelta(days=7 * i) for i in range(4)
    ]
    assert len({e.series_id for e in weekly}) == 1 and Series.objects.get(pk=weekly[0].series_id).count == 4
    assert all(e.participants.count() == 0 and e.room == world.hall for e in weekly)
    workdays = services.occurrences(dt.date(2026, 12, 31), Recurrence(Frequency.WORKDAYS, until=dt.date(2027, 1, 6)))
    assert workdays == [
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 5),
        dt.date(2027, 1, 6),
    ]
    # one occurrence clashing with the hall refuses the whole booking: nothing written
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as err:
        _book(
            world,
            title="Tập huấn",
            day=monday + dt.timedelta(days=14),
            start=T(8, 0),
            end=T(9, 0),
            room=world.hall,
            chair=world.sxd_admin,
            recurrence=Recurrence(Frequency.DAILY, count=3),
        )
    assert "Hội trường đã được đặt" in str(err.value) and Entry.objects.count() == before
    done = services.approve(world.sxd_clerk, weekly[1], whole_series=True)
    assert [e.pk for e in done] == [e.pk for e in weekly[1:]]
    statuses = [e.status for e in Entry.objects.filter(series_id=weekly[0].series_id).order_by("starts_at")]
    assert statuses == [EntryStatus.PENDING] + [EntryStatus.APPROVED] * 3
    services.cancel(world.sxd_staff, weekly[2], "Lãnh đạo đi công tác cả tháng", whole_series=True)
    statuses = [e.status for e in Entry.objects.filter(series_id=weekly[0].series_id).order_by("starts_at")]
    assert statuses == [EntryStatus.PENDING, EntryStatus.APPROVED, EntryStatus.CANCELLED, EntryStatus.CANCELLED]
    days = queries.week_entries(calendars.agency_calendar(world.sxd), monday + dt.timedelta(days=7), world.sxd_admin)
    assert [e.title for e in days[0].halves[0].entries] == ["Giao ban lãnh đạo Sở sáng thứ Hai"]


# ------------------------------------------------------------------------------------------ linked documents


def test_only_documents_the_person_sees_can_be_linked(world):
    from vpdt.core.authz import visible
    from vpdt.dossiers import services as dossiers
    from vpdt.dossiers.models import Dossier

    dossier = dossiers.create_dossier(world.sxd_clerk, title="Hồ sơ tổ chức hội nghị tổng kết năm 2026")
    assert not visible(Dossier, world.stttt_staff).filter(pk=dossier.pk).exists()
    (entry,) = _book(
        world,
        actor=world.sxd_clerk,
        title="Hội nghị tổng kết năm 2026",
        room=world.hall,
        start=T(14, 0),
        end=T(17, 0),
        dossier_ids=[dossier.pk],
    )
    link = EntryLink.objects.get(entry=entry)
    assert (link.kind, link.object_id) == ("dossier", dossier.pk) and "tổng kết" in link.label
    if not visible(Dossier, world.sxd_staff).filter(pk=dossier.pk).exists():
        with pytest.raises(ValidationError) as err:
            _book(world, title="Họp", room=world.hall, start=T(17, 0), end=T(18, 0), dossier_ids=[dossier.pk])
        assert "không có quyền xem" in str(err.value)


# ------------------------------------------------------------------------------------------ reminders


def test_reminders_go_once_on_every_channel_at_their_time(world, django_capture_on_commit_callbacks):
    from django.core import mail

    from vpdt.collab.sms import services as sms

    head = world.sxd_unit_leader
    head.email = "dung.pv@sxd.nghean.gov.vn"
    head.save(update_fields=["email"])
    sms.set_mobile(head, "0912345678")
    (entry,) = services.approve(world.sxd_clerk, world.meeting)
    (pending,) = _book(
        world,
        title="Họp chưa duyệt",
        room=None,
        place="Phòng KHTC",
        start=T(8, 0),
        end=T(9, 0),
        chair=world.sxd_admin,
        remind_minutes=60,
        confirm=True,
    )
    mail.outbox.clear()
    with freeze_time(entry.starts_at - dt.timedelta(minutes=31)):
        assert upkeep.send_reminders() == 0
    with freeze_time(entry.starts_at - dt.timedelta(minutes=29)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders.delay().get() == 1
        assert upkeep.send_reminders() == 0  # once
    told = set(Notification.objects.filter(verb="calendar.reminder", target_id=entry.pk).values_list("user", flat=True))
    khtc = {head.pk, world.sxd_staff.pk}  # the preparing unit's members
    assert told == {world.sxd_leader.pk, world.sxd_clerk.pk} | khtc
    got = {d.channel: d for d in ReminderDelivery.objects.filter(entry=entry, user=head)}
    assert got["in_app"].status == DeliveryStatus.DELIVERED
    assert Notification.objects.get(pk=got["in_app"].notification_id).topic == "reminder"
    assert got["email"].status == DeliveryStatus.HANDED  # reminders go by e-mail unless the person opts out
    assert got["push"].status == DeliveryStatus.SKIPPED  # no device: nothing claimed
    assert any("Giao ban công tác tháng 5" in m.subject or "Giao ban công tác tháng 5" in m.body for m in mail.outbox)
    chair = {d.channel: d for d in ReminderDelivery.objects.filter(entry=entry, user=world.sxd_leader)}
    assert chair["push"].status == DeliveryStatus.SKIPPED and chair["push"].note  # the reason is recorded
    assert not Notification.objects.filter(verb="calendar.reminder", target_id=pending.pk).exists()
    with freeze_time(entry.starts_at + dt.timedelta(minutes=1)):
        assert upkeep.send_reminders() == 0


# ------------------------------------------------------------------------------------------ retention


def test_entries_are_kept_a_year_then_removed_and_journaled(world):
    from django.conf import settings as live

    assert live.CELERY_BEAT_SCHEDULE["calendar-expire"]["task"] == "vpdt.collab.calendar.tasks.expire_entries"
    assert live.VPDT_CALENDAR_RETENTION_MONTHS == 12
    today = timezone.localdate()
    old = _book(
        world,
        title="Hội nghị sơ kết 6 tháng",
        day=today - dt.timedelta(days=400),
        room=world.hall,
        start=T(8, 0),
        end=T(11, 0),
        recurrence=Recurrence(Frequency.DAILY, count=2),
        confirm=True,
    )
    (recent,) = _book(
        world,
        title="Họp triển khai Luật Xây dựng",
        day=today - dt.timedelta(days=300),
        room=world.hall,
        start=T(8, 0),
        end=T(11, 0),
        confirm=True,
    )
    series = old[0].series_id
    with freeze_time(timezone.now() - dt.timedelta(days=40)):  # then they had ended less than a year before
        assert upkeep.expire_entries() == 0
    assert tasks.expire_entries.delay().get() == 2
    assert (
        not Entry.objects.filter(pk__in=[e.pk for e in old]).exists() and not Series.objects.filter(pk=series).exists()
    )
    assert Entry.objects.filter(pk__in=[recent.pk, world.meeting.pk]).count() == 2
    gone = JournalEntry.objects.get(action="calendar.entry.expire", object_id=str(old[0].pk))
    assert gone.details["kept_months"] == 12 and gone.object_repr == "Hội nghị sơ kết 6 tháng"
    with freeze_time(timezone.now() + dt.timedelta(days=70)):
        assert upkeep.expire_entries() == 1
    with override_settings(VPDT_CALENDAR_RETENTION_MONTHS=1):
        assert upkeep.cutoff(dt.datetime(2027, 3, 31, 3, tzinfo=dt.UTC)).date() == dt.date(2027, 2, 28)
    assert upkeep.cutoff(dt.datetime(2028, 2, 29, 3, tzinfo=dt.UTC)).date() == dt.date(2027, 2, 28)


# ------------------------------------------------------------------------------------------ every page and action


def test_every_page_and_action_for_each_party(world, login):
    entry = world.meeting
    base = f"/lich-cong-tac/{entry.pk}/"
    for user in (world.sxd_admin, world.stttt_staff):  # same-agency outsider, another agency
        client = login(user)
        assert client.get(base).status_code == 404, user
        assert client.get(base + "sua/").status_code == 404, user
        for slug in ("duyet", "tu-choi", "huy"):
            assert client.post(base + f"{slug}/", {"reason": "x"}).status_code == 404, (user, slug)
    participant = login(world.sxd_unit_leader)
    page = participant.get(base)
    assert page.status_code == 200 and 'data-testid="approve"' not in page.content.decode()
    assert participant.get(base + "sua/").status_code == 403
    for slug in ("duyet", "tu-choi", "huy"):
        assert participant.post(base + f"{slug}/", {"reason": "x"}).status_code == 403, slug
    assert participant.post(base + "nope/").status_code == 404
    creator = login(world.sxd_staff)
    page = creator.get(base).content.decode()
    assert 'data-testid="edit"' in page and 'data-testid="cancel"' in page and 'data-testid="approve"' not in page
    assert creator.get(base + "sua/").status_code == 200
    assert creator.post(base + "duyet/").status_code == 403
    assert 'data-testid="waiting-row"' not in creator.get("/lich-cong-tac/cho-duyet/").content.decode()
    keeper = login(world.sxd_clerk)
    assert 'data-testid="waiting-row"' in keeper.get("/lich-cong-tac/cho-duyet/").content.decode()
    assert 'data-testid="approve"' in keeper.get(base).content.decode()
    response = keeper.post(base + "tu-choi/", {"reason": ""})
    assert response.status_code == 302 and _fresh(entry).status == EntryStatus.PENDING  # a reason is needed
    assert keeper.post(base + "duyet/").status_code == 302 and _fresh(entry).status == EntryStatus.APPROVED
    assert login(world.sxd_admin).get(base).status_code == 200  # approved: the agency sees it
    assert login(world.stttt_staff).get(base).status_code == 404
    response = creator.post(base + "huy/", {"reason": "Dời sang tuần sau"})
    assert response.status_code == 302 and _fresh(entry).status == EntryStatus.CANCELLED


def test_the_booking_form_refuses_a_room_clash_and_warns_of_people(world, login):
    client = login(world.sxd_clerk)
    day = timezone.localtime(world.meeting.starts_at).date()
    assert client.get("/lich-cong-tac/dang-ky/").status_code == 200
    form = {
        "calendar": "co-quan",
        "title": "Làm việc với Thanh tra tỉnh",
        "day": f"{day:%d/%m/%Y}",
        "start": "09:00",
        "end": "10:30",
        "chair": str(world.sxd_leader.pk),
        "room": str(world.room1.pk),
        "attend": [f"u:{world.sxd_vp.pk}", f"p:{world.sxd_admin.pk}"],
    }
    page = client.post("/lich-cong-tac/dang-ky/", form).content.decode()
    assert "Phòng họp số 1 đã được đặt cho" in page
    form["room"] = str(world.hall.pk)
    page = client.post("/lich-cong-tac/dang-ky/", form).content.decode()
    assert "Trần Thị Thu Hà đã có “Giao ban" in page and "Vẫn đăng ký" in page
    response = client.post("/lich-cong-tac/dang-ky/", {**form, "confirm": "on"})
    assert response.status_code == 302
    entry = Entry.objects.get(title="Làm việc với Thanh tra tỉnh")
    assert set(entry.participants.values_list("role", flat=True)) == {"attend"} and entry.room == world.hall
    for bad in ({"start": "25:00"}, {"day": "30/02/2026"}, {"chair": "abc"}, {"attend": ["x:1"]}, {"calendar": "zzz"}):
        response = client.post("/lich-cong-tac/dang-ky/", {**form, **bad})
        assert response.status_code == 200 and "errorlist" in response.content.decode(), bad
    assert login(world.stttt_staff).get(f"/lich-cong-tac/{entry.pk}/sua/").status_code == 404


def test_rooms_and_grants_pages_for_each_party(world, login):
    staff, admin = login(world.sxd_staff), login(world.sxd_admin)
    assert "Phòng họp số 1" in staff.get("/lich-cong-tac/phong-hop/").content.decode()
    assert staff.post("/lich-cong-tac/phong-hop/", {"name": "Phòng mới"}).status_code == 403
    assert staff.post(f"/lich-cong-tac/phong-hop/{world.room1.pk}/", {"name": "Đổi tên"}).status_code == 403
    assert staff.get(f"/lich-cong-tac/phong-hop/{world.other_room.pk}/").status_code == 404
    assert admin.post("/lich-cong-tac/phong-hop/", {"name": "Phòng họp số 2", "capacity": "20"}).status_code == 302
    assert admin.post("/lich-cong-tac/phong-hop/", {"name": "phòng họp số 2"}).status_code == 200  # same name
    response = admin.post(f"/lich-cong-tac/phong-hop/{world.room1.pk}/", {"name": "Phòng họp số 1", "capacity": "40"})
    assert response.status_code == 302 and Room.objects.get(pk=world.room1.pk).capacity == 40
    day = timezone.localtime(world.meeting.starts_at).date()
    page = login(world.sxd_clerk).get(f"/lich-cong-tac/phong-hop/{world.room1.pk}/?ngay={day:%d/%m/%Y}")
    assert 'data-testid="room-booking"' in page.content.decode()
    assert login(world.stttt_staff).get(f"/lich-cong-tac/phong-hop/{world.room1.pk}/").status_code == 404
    assert staff.get("/lich-cong-tac/quyen-quan-ly/").status_code == 200
    assert (
        staff.post("/lich-cong-tac/quyen-quan-ly/", {"grantee": world.sxd_staff.pk, "calendar": "co-quan"}).status_code
        == 403
    )
    assert staff.post(f"/lich-cong-tac/quyen-quan-ly/{world.grant.pk}/thu-hoi/").status_code == 404
    assert login(world.sxd_clerk).post(f"/lich-cong-tac/quyen-quan-ly/{world.grant.pk}/thu-hoi/").status_code == 403
    assert login(world.stttt_staff).post(f"/lich-cong-tac/quyen-quan-ly/{world.grant.pk}/thu-hoi/").status_code == 404
    leader = login(world.sxd_leader)
    response = leader.post(
        "/lich-cong-tac/quyen-quan-ly/", {"grantee": world.sxd_staff.pk, "calendar": f"don-vi-{world.sxd_khtc.pk}"}
    )
    assert response.status_code == 302
    assert leader.post(f"/lich-cong-tac/quyen-quan-ly/{world.grant.pk}/thu-hoi/").status_code == 302
    journal = JournalEntry.objects.filter(action="calendar.revoke", object_id=str(world.grant.pk)).get()
    assert journal.details["grantee"] == "Lê Thị Hồng Nhung"


def test_the_api_for_each_party(world, api):
    entry = world.meeting
    url = f"/api/v1/calendar-entries/{entry.pk}/"
    creator, participant, outsider, other = (
        api(world.sxd_staff),
        api(world.sxd_unit_leader),
        api(world.sxd_admin),
        api(world.stttt_staff),
    )
    week = {"from": f"{_monday():%d/%m/%Y}", "to": f"{_monday() + dt.timedelta(days=6):%d/%m/%Y}"}
    for client in (outsider, other):
        assert client.get(url).status_code == 404
        assert client.post(url + "steps/approve/").status_code == 404
        assert client.put(url, {}, format="json").status_code == 404
        assert entry.pk not in [r["id"] for r in client.get("/api/v1/calendar-entries/", week).data["results"]]
    assert participant.get(url).data["actions"] == []
    assert participant.post(url + "steps/approve/").status_code == 403
    assert participant.put(url, {}, format="json").status_code == 403
    data = creator.get(url).data
    assert (
        data["actions"] == ["cancel", "edit"]
        and data["calendar"] == "co-quan"
        and data["room_name"] == "Phòng họp số 1"
    )
    assert {"user": world.sxd_unit_leader.pk, "unit": None, "name": "Phạm Văn Dũng", "role": "attend"} in data[
        "participants"
    ]
    assert creator.post(url + "steps/approve/").status_code == 403
    keeper = api(world.sxd_clerk)
    assert [r["id"] for r in keeper.get("/api/v1/calendar-entries/waiting/").data] == [entry.pk]
    assert keeper.post(url + "steps/refuse/", {"reason": ""}, format="json").status_code == 400
    assert keeper.post(url + "steps/nope/").status_code == 404
    assert keeper.post(url + "steps/approve/", {}, format="json").data["status"] == "approved"
    assert entry.pk in [r["id"] for r in outsider.get("/api/v1/calendar-entries/", week).data["results"]]
    assert other.get(url).status_code == 404
    shown = outsider.get("/api/v1/calendar-entries/week/", {"week": week["from"]}).data
    tuesday = shown["days"][1]["halves"][0]["entries"]
    assert [e["title"] for e in tuesday] == [entry.title] and tuesday[0]["start"] == "08:00"
    assert outsider.get("/api/v1/calendar-entries/", {"from": "01/01/2026", "to": "01/12/2026"}).status_code == 400
    assert outsider.get("/api/v1/calendar-entries/", {"calendar": "don-vi-999999"}).status_code == 400
    assert outsider.get("/api/v1/calendar-entries/", {"from": "hôm nay"}).status_code == 400


def test_the_api_books_with_clashes_as_the_screens_do(world, api):
    client = api(world.sxd_unit_leader)
    day = timezone.localtime(world.meeting.starts_at).date()
    body = {
        "calendar": f"don-vi-{world.sxd_khtc.pk}",
        "title": "Họp phòng KHTC về kế hoạch vốn năm 2027",
        "day": f"{day:%d/%m/%Y}",
        "start": "09:00",
        "end": "10:00",
        "chair": world.sxd_unit_leader.pk,
        "room": world.room1.pk,
        "participants": [{"unit": world.sxd_khtc.pk, "role": "attend"}],
        "remind_minutes": 15,
    }
    refused = client.post("/api/v1/calendar-entries/", body, format="json")
    assert refused.status_code == 400 and "Phòng họp số 1 đã được đặt" in refused.data["room"][0]
    body["room"] = world.hall.pk
    warned = client.post("/api/v1/calendar-entries/", body, format="json")
    assert warned.status_code == 409 and warned.data["people"][0].startswith("Phạm Văn Dũng đã có")
    booked = client.post("/api/v1/calendar-entries/", {**body, "confirm": True}, format="json")
    assert booked.status_code == 201 and booked.data[0]["status"] == "pending"
    assert booked.data[0]["actions"] == ["approve", "cancel", "edit", "refuse"]  # the head keeps the unit's calendar
    series = client.post(
        "/api/v1/calendar-entries/",
        {**body, "day": f"{day + dt.timedelta(days=1):%d/%m/%Y}", "recurrence": {"frequency": "weekly", "count": 3}},
        format="json",
    )
    assert series.status_code == 201 and len(series.data) == 3
    edited = client.put(
        f"/api/v1/calendar-entries/{booked.data[0]['id']}/",
        {**{k: v for k, v in body.items() if k != "calendar"}, "start": "15:00", "end": "16:00"},
        format="json",
    )
    assert edited.status_code == 200 and edited.data["starts_at"].endswith("15:00:00+07:00")
    assert api(world.stttt_staff).post("/api/v1/calendar-entries/", body, format="json").status_code == 400
    bad = client.post("/api/v1/calendar-entries/", {**body, "start": "9h", "day": "x"}, format="json")
    assert bad.status_code == 400
    rooms = api(world.sxd_staff).get("/api/v1/calendar-rooms/").data
    assert {r["name"] for r in rooms} == {"Phòng họp số 1", "Hội trường"}
    assert api(world.sxd_staff).post("/api/v1/calendar-rooms/", {"name": "Phòng X"}, format="json").status_code == 403
    made = api(world.sxd_admin).post("/api/v1/calendar-rooms/", {"name": "Phòng họp trực tuyến"}, format="json")
    assert made.status_code == 201
    assert api(world.stttt_staff).get(f"/api/v1/calendar-rooms/{made.data['id']}/").status_code == 404
    grants = api(world.sxd_leader)
    assert [g["grantee_name"] for g in grants.get("/api/v1/calendar-grants/").data] == ["Lê Thị Hồng Nhung"]
    assert api(world.sxd_staff).get("/api/v1/calendar-grants/").data == []
    given = grants.post(
        "/api/v1/calendar-grants/",
        {"grantee": world.sxd_staff.pk, "calendar": f"lanh-dao-{world.sxd_leader.pk}"},
        format="json",
    )
    assert given.status_code == 201 and given.data["calendar_name"].endswith("Trần Thị Thu Hà")
    assert api(world.sxd_staff).post(f"/api/v1/calendar-grants/{given.data['id']}/revoke/").status_code == 403
    assert grants.post(f"/api/v1/calendar-grants/{given.data['id']}/revoke/").data["revoked_at"]


def test_the_journal_keeps_vietnamese_whatever_the_language_of_the_person_acting(world):
    from django.utils import translation

    with translation.override("en"):
        (entry,) = _book(
            world,
            title="Họp rà soát tiến độ giải ngân",
            day=_monday() + dt.timedelta(days=3),
            start=T(15, 0),
            end=T(16, 0),
            room=None,
            place="Hội trường tầng 1",
            participants=[Part("prepare", unit=world.sxd_khtc)],
        )
        services.grant(world.sxd_leader, world.sxd_staff, calendars.agency_calendar(world.sxd))
    booked = JournalEntry.objects.filter(action="calendar.entry.create", object_id=str(entry.pk)).get()
    assert booked.details["calendar"] == "Lịch công tác Sở Xây dựng tỉnh Nghệ An"
    assert "(chuẩn bị)" in booked.details["participants"]
    granted = JournalEntry.objects.filter(action="calendar.grant").latest("seq")
    assert granted.details["calendar"] == "Lịch công tác Sở Xây dựng tỉnh Nghệ An"
