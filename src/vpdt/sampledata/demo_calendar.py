"""The demo's work calendar: the Department of Construction's rooms, its office clerk keeping its calendars, and a
week of meetings (the weekly briefing, a working visit of the director, a conference, a unit meeting waiting for
approval, the citizens' reception day), so that ``make run`` opens on a filled week."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from vpdt.collab.calendar import calendars, queries, services
from vpdt.collab.calendar.models import CalendarKind, Frequency, ParticipantRole
from vpdt.collab.calendar.services import Part, Recurrence

T = dt.time


def load(by_name: dict, agencies: dict, units: dict) -> None:
    sxd = agencies["sxd"]
    director, head = by_name["Trần Thị Thu Hà"], by_name["Phạm Văn Dũng"]
    clerk, staff, admin = by_name["Lê Thị Hồng Nhung"], by_name["Hoàng Thị Lan"], by_name["Đặng Quốc Tuấn"]
    vp, khtc, ttr = units[("sxd", "VP")], units[("sxd", "KHTC")], units[("sxd", "TTr")]
    room = services.create_room(
        admin,
        name="Phòng họp số 1",
        location="Tầng 2, nhà A",
        capacity=30,
        equipment="Màn hình, hệ thống họp trực tuyến",
    )
    hall = services.create_room(
        admin, name="Hội trường", location="Tầng 1, nhà B", capacity=150, equipment="Âm thanh, máy chiếu"
    )
    agency = calendars.agency_calendar(sxd)
    services.grant(director, clerk, agency)
    director_calendar = calendars.Calendar(sxd, CalendarKind.LEADER, leader=director)
    khtc_calendar = calendars.Calendar(sxd, CalendarKind.UNIT, unit=khtc)
    monday = queries.monday_of(timezone.localdate())

    def day(n):
        return monday + dt.timedelta(days=n)

    weekly = services.book(
        clerk,
        agency,
        title="Giao ban lãnh đạo Sở đầu tuần",
        day=day(0),
        start=T(7, 30),
        end=T(8, 30),
        chair=director,
        room=room,
        participants=[Part(ParticipantRole.ATTEND, user=head), Part(ParticipantRole.PREPARE, unit=vp)],
        recurrence=Recurrence(Frequency.WEEKLY, count=8),
        remind_minutes=15,
    )
    services.approve(clerk, weekly[0], whole_series=True)
    visit = services.book(
        clerk,
        director_calendar,
        title="Làm việc với UBND huyện Nghi Lộc về quy hoạch chung đô thị Quán Hành",
        day=day(1),
        start=T(8, 0),
        end=T(11, 0),
        chair=director,
        place="UBND huyện Nghi Lộc",
        participants=[Part(ParticipantRole.ATTEND, user=staff), Part(ParticipantRole.PREPARE, unit=khtc)],
        confirm=True,
    )
    services.approve(director, visit[0])
    conference = services.book(
        clerk,
        agency,
        title="Hội nghị triển khai Luật Xây dựng sửa đổi và các văn bản hướng dẫn",
        day=day(2),
        start=T(14, 0),
        end=T(16, 30),
        chair=director,
        room=hall,
        video_url="https://hop.nghean.gov.vn/sxd-hoi-nghi",
        participants=[
            Part(ParticipantRole.ATTEND, unit=khtc),
            Part(ParticipantRole.ATTEND, unit=ttr),
            Part(ParticipantRole.PREPARE, unit=vp),
            Part(ParticipantRole.CONCLUDE, user=clerk),
        ],
        is_public=True,
        remind_minutes=30,
        confirm=True,
    )
    services.approve(clerk, conference[0])
    services.book(
        staff,
        khtc_calendar,
        title="Họp phòng rà soát kế hoạch vốn đầu tư công năm 2027",
        day=day(3),
        start=T(8, 30),
        end=T(10, 0),
        chair=head,
        room=room,
        participants=[Part(ParticipantRole.ATTEND, unit=khtc)],
        confirm=True,
    )
    reception = services.book(
        clerk,
        agency,
        title="Tiếp công dân định kỳ",
        day=day(4),
        start=T(14, 0),
        end=T(16, 0),
        chair=director,
        place="Phòng tiếp công dân, tầng 1 nhà A",
        participants=[Part(ParticipantRole.ATTEND, unit=ttr), Part(ParticipantRole.PREPARE, unit=vp)],
        confirm=True,
    )
    services.approve(clerk, reception[0])
