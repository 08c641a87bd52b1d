"""The work calendar (lịch công tác, vpdt.collab.calendar) at province scale: a year of entries for every agency of
the generated province (250 agencies, 10,000 people), then the views people open every week, for a sample of
viewers of every level and role (bench/viewers.py).

The entries are made once with bulk_create (and topped up when ``--weeks`` grows): for each week, each agency's
calendar gets its usual briefings and meetings, each of its leaders a few entries of their own, each unit one or
two; each entry has a chair, two to five participants (people and units, with their roles), a room for about half
of them; most are approved, a few wait, were refused or cancelled; some are public. The current week of each sampled
agency is published (the office's one action), so the public page has its snapshot.

Timed, p50/p95 over all viewers' requests: the week's query function (``queries.week_entries``, the scope built
afresh as a request does), the agency week page this week and six months ago, the month page, the API's week of the
agency, the unit's week for unit leaders, and the public page of the published week (anonymous)."""

import argparse
import contextlib
import datetime as dt
import logging
import os
import random
import sys
from collections import defaultdict

import django

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

import viewers as sampling
from common import pooled, report
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from tqdm import tqdm

from vpdt.collab.calendar import calendars, publishing, queries
from vpdt.collab.calendar.models import CalendarKind, Entry, EntryStatus, Participant, ParticipantRole, Room
from vpdt.core.authz import scope_of
from vpdt.directory.models import Agency, Position, Role
from vpdt.sampledata import generator

MEETINGS = [
    "Giao ban lãnh đạo",
    "Họp triển khai kế hoạch",
    "Làm việc với đoàn kiểm tra về",
    "Hội nghị sơ kết",
    "Họp bàn giải pháp",
    "Tiếp và làm việc với đoàn công tác về",
    "Họp thẩm định",
    "Nghe báo cáo tiến độ",
    "Dự hội nghị trực tuyến về",
    "Họp Hội đồng xét duyệt",
]
TOPICS = [
    "cải cách hành chính",
    "giải ngân vốn đầu tư công",
    "chuyển đổi số",
    "phòng, chống thiên tai",
    "công tác văn thư, lưu trữ",
    "quyết toán ngân sách năm 2025",
    "bồi thường, giải phóng mặt bằng",
    "xây dựng nông thôn mới",
    "an toàn thực phẩm dịp Tết",
    "tiếp công dân",
    "thu hút đầu tư",
    "an toàn thông tin mạng",
]
PLACES = ["Hội trường tầng 1", "Phòng làm việc của Giám đốc", "Tại cơ sở", "UBND tỉnh", "Trực tuyến"]
STATUS_MIX = [
    (EntryStatus.APPROVED, 90),
    (EntryStatus.PENDING, 5),
    (EntryStatus.CANCELLED, 3),
    (EntryStatus.REFUSED, 2),
]
SLOTS = [(7, 30), (8, 0), (9, 0), (10, 0), (14, 0), (15, 0), (16, 0)]
ROLES = [ParticipantRole.ATTEND] * 6 + [ParticipantRole.PREPARE] * 3 + [ParticipantRole.CONCLUDE]


def _province():
    root = Agency.objects.get(code=generator.ROOT_CODE)
    return list(Agency.objects.filter(path__startswith=root.path).order_by("pk"))


def _people(agencies):
    """Per agency: its leaders, its units and their people, every person (one query)."""
    info = {a.pk: {"leaders": [], "units": defaultdict(list), "everyone": []} for a in agencies}
    rows = Position.objects.filter(agency__in=agencies, is_active=True).order_by("id")
    for agency_id, unit_id, user_id, role in rows.values_list("agency_id", "unit_id", "user_id", "role"):
        entry = info[agency_id]
        entry["everyone"].append(user_id)
        if role == Role.LEADER:
            entry["leaders"].append(user_id)
        if unit_id:
            entry["units"][unit_id].append(user_id)
    return info


@contextlib.contextmanager
def _keep_timestamps():
    fields = [Entry._meta.get_field("created_at"), Entry._meta.get_field("updated_at")]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (now, add) in zip(fields, saved):
            f.auto_now, f.auto_now_add = now, add


def _pick(rng, mix):
    return rng.choices([v for v, _w in mix], weights=[w for _v, w in mix])[0]


def _rooms(agencies) -> dict[int, list[int]]:
    have = defaultdict(list)
    for agency_id, pk in Room.objects.filter(agency__in=agencies).values_list("agency_id", "pk"):
        have[agency_id].append(pk)
    missing = [a for a in agencies if not have[a.pk]]
    made = Room.objects.bulk_create(
        [
            Room(agency=a, name=name, capacity=cap)
            for a in missing
            for name, cap in (("Phòng họp số 1", 30), ("Hội trường", 120))
        ]
    )
    for room in made:
        have[room.agency_id].append(room.pk)
    return have


def _entry(rng, agency_id, people, rooms, monday, now, kind, owner):
    day = monday + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5)))
    hour, minute = rng.choice(SLOTS)
    tz = timezone.get_current_timezone()
    starts = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)
    ends = starts + dt.timedelta(minutes=rng.choice((60, 90, 120, 180)))
    chair = owner if kind == CalendarKind.LEADER else rng.choice(people["leaders"] or people["everyone"])
    status = _pick(rng, STATUS_MIX)
    created = min(now, starts - dt.timedelta(days=rng.randint(1, 10)))
    decided = created + dt.timedelta(hours=rng.randint(1, 30)) if status != EntryStatus.PENDING else None
    room = rng.choice(rooms) if rooms and rng.random() < 0.5 else None
    return Entry(
        agency_id=agency_id,
        calendar_kind=kind,
        calendar_unit_id=owner if kind == CalendarKind.UNIT else None,
        calendar_leader_id=owner if kind == CalendarKind.LEADER else None,
        title=f"{rng.choice(MEETINGS)} {rng.choice(TOPICS)}",
        starts_at=starts,
        ends_at=ends,
        place="" if room else rng.choice(PLACES),
        room_id=room,
        chair_id=chair,
        is_public=kind != CalendarKind.UNIT and rng.random() < 0.4,
        status=status,
        reason="Trùng lịch làm việc với UBND tỉnh." if status in (EntryStatus.REFUSED, EntryStatus.CANCELLED) else "",
        created_by_id=rng.choice(people["everyone"]),
        created_at=created,
        updated_at=decided or created,
        decided_by_id=chair if decided else None,
        decided_at=decided,
        approved_at=decided if status in (EntryStatus.APPROVED, EntryStatus.CANCELLED) else None,
    )


def _participants(rng, entry, people):
    chosen = set()
    for _ in range(rng.randint(2, 5)):
        if people["units"] and rng.random() < 0.35:
            chosen.add((None, rng.choice(list(people["units"]))))
        else:
            user = rng.choice(people["everyone"])
            if user != entry.chair_id:
                chosen.add((user, None))
    return [
        Participant(entry_id=entry.pk, user_id=u, unit_id=n, role=rng.choice(ROLES)) for u, n in sorted(chosen, key=str)
    ]


def generate(agencies, weeks: int, seed: int) -> int:
    """A year (``weeks``) of entries up to four weeks ahead, for every agency that has none yet in that span."""
    people = _people(agencies)
    rooms = _rooms(agencies)
    rng = random.Random(seed)
    now = timezone.now()
    this_monday = queries.monday_of(timezone.localdate())
    mondays = [this_monday + dt.timedelta(weeks=w) for w in range(-weeks + 4, 5)]
    first = dt.datetime.combine(mondays[0], dt.time.min, tzinfo=timezone.get_current_timezone())
    done = set(Entry.objects.filter(starts_at__gte=first).values_list("agency_id", flat=True).distinct())
    todo = [a for a in agencies if a.pk not in done and people[a.pk]["everyone"]]
    made = 0
    with tqdm(total=len(todo), desc="Lịch công tác (cơ quan)", unit="cq") as bar, _keep_timestamps():
        for agency in todo:
            p = people[agency.pk]
            plan = []
            for monday in mondays:
                plan += [(CalendarKind.AGENCY, None, monday) for _ in range(rng.randint(6, 10))]
                for leader in p["leaders"]:
                    plan += [(CalendarKind.LEADER, leader, monday) for _ in range(rng.randint(2, 4))]
                for unit in p["units"]:
                    plan += [(CalendarKind.UNIT, unit, monday) for _ in range(rng.randint(1, 2))]
            entries = [_entry(rng, agency.pk, p, rooms[agency.pk], m, now, k, o) for k, o, m in plan]
            with transaction.atomic():
                entries = Entry.objects.bulk_create(entries, batch_size=2000)
                Participant.objects.bulk_create(
                    [part for e in entries for part in _participants(rng, e, p)], batch_size=5000
                )
            made += len(entries)
            bar.update(1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("calendar_entry", "calendar_participant", "calendar_room"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return made


def _dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=52, help="weeks of entries before the coming four")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--per-level", type=int, default=2, help="agencies drawn per level (sở, huyện, xã)")
    parser.add_argument("--seed", type=int, default=2026)
    args, _unknown = parser.parse_known_args()
    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("django.request").setLevel(logging.ERROR)
    agencies = _province()
    generate(agencies, args.weeks, args.seed)
    people = Position.objects.filter(agency__in=agencies, is_active=True).values("user_id").distinct().count()
    province = Entry.objects.filter(agency__in=[a.pk for a in agencies])
    print(
        f"CSDL: {connection.vendor}; {len(agencies)} cơ quan, {people} người; {province.count()} lịch công tác, "
        f"{Participant.objects.filter(entry__agency__in=[a.pk for a in agencies]).count()} thành phần"
    )
    viewers = sampling.sample(args.per_level)
    print(f"Mẫu {len(viewers)} người xem")
    monday = queries.monday_of(timezone.localdate())
    earlier = monday - dt.timedelta(weeks=26)

    published = {}
    for v in viewers:
        agency = v.agency
        if agency.pk in published:
            continue
        latest = publishing.latest(agency.pk, monday)
        if latest is None:
            leader = Position.objects.filter(agency=agency, role=Role.LEADER, is_active=True).first()
            if leader is not None:
                with contextlib.suppress(Exception):
                    latest = publishing.publish(leader.user, agency, monday)
        published[agency.pk] = latest

    clients = []
    for v in viewers:
        c = Client()
        c.force_login(v.user)
        clients.append((v, c))
    repeat = max(args.repeat // 20, 3)
    rows = []

    def timed(name, make):
        calls = [(v.label, fn) for v, client in clients if (fn := make(v, client)) is not None]
        if calls:
            rows.append((f"{name} [{len(calls)} người]", pooled(calls, repeat)))

    def week_query(v, _client):
        def run(user=v.user, agency=v.agency):
            user.__dict__.pop("_vpdt_scope", None)
            queries.week_entries(calendars.agency_calendar(agency), monday, user)

        return run

    def page(path):
        def make(_v, client):
            def run(client=client):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            return run

        return make

    def unit_week(v, client):
        led = sorted(scope_of(v.user).led_unit_ids)
        if not led:
            return None
        path = f"/lich-cong-tac/?lich=don-vi-{led[0]}&tuan={_dmy(monday)}"
        return page(path)(v, client)

    timed("hàm truy vấn: tuần của cơ quan", week_query)
    timed("trang: lịch tuần cơ quan, tuần này", page(f"/lich-cong-tac/?tuan={_dmy(monday)}"))
    timed("trang: lịch tuần cơ quan, 6 tháng trước", page(f"/lich-cong-tac/?tuan={_dmy(earlier)}"))
    timed("trang: lịch tháng cơ quan", page(f"/lich-cong-tac/thang/?thang={monday:%m/%Y}"))
    timed("trang: lịch tuần đơn vị (lãnh đạo đơn vị)", unit_week)
    api = f"/api/v1/calendar-entries/?calendar=co-quan&from={monday}&to={monday + dt.timedelta(days=6)}"
    timed("API: tuần của cơ quan", page(api))
    public = []
    anonymous = Client()
    for week in published.values():
        if week is not None:
            path = f"/lich-cong-tac/cong-khai/{week.agency.code}/?tuan={_dmy(monday)}"

            def run(path=path):
                assert anonymous.get(path).status_code == 200, path

            public.append((week.agency.name, run))
    if public:
        rows.append((f"trang công khai: tuần đã phát hành [{len(public)} cơ quan]", pooled(public, repeat)))
    report("Calendar — lịch công tác: tuần, tháng, trang công khai, p50/p95 trên mẫu người xem", rows)


if __name__ == "__main__":
    main()
