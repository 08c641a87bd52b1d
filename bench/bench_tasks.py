"""Tasks (giao việc, vpdt.collab.orders) at province scale: 100,000 tasks across the generated province's agencies,
then the lists people open every day, for a sample of viewers of every level and role (bench/viewers.py).

The tasks are made once (and topped up to ``--tasks``) with bulk_create: each agency gets a share in proportion to its
people; its leader gives tasks to people and units, unit leaders to the people of their unit; cooperating people and
units on some; a mix of statuses (most done, the rest open, some of them past their deadline), priorities and
deadlines over the last eighteen months.

Each list is timed twice: the query function the screen calls (``queries.listing`` → the open ones or the overdue
ones → the first keyset page, the person's scope built afresh as a request does), and the HTTP page through the test
client (logged in with ``force_login``), plus the API list. A list a viewer does not have (the unit's tasks of
someone who heads no unit) is left out for them. p50/p95 are over all the viewers' requests. The page's SQL is
checked once per viewer: an unbounded ``COUNT(*)`` on the tasks table is reported."""

import argparse
import contextlib
import datetime as dt
import logging
import os
import random
import re
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
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tqdm import tqdm

from vpdt.collab.orders import queries
from vpdt.collab.orders.models import Cooperator, Priority, Task, TaskStatus
from vpdt.core import work
from vpdt.core.authz import scope_of
from vpdt.core.pagination import keyset_page
from vpdt.directory.models import Agency, Position, Role
from vpdt.sampledata import generator

VERBS = [
    "Tham mưu xây dựng kế hoạch",
    "Xây dựng báo cáo",
    "Rà soát, tổng hợp số liệu về",
    "Chuẩn bị nội dung làm việc với đoàn kiểm tra về",
    "Tổng hợp ý kiến góp ý về",
    "Dự thảo văn bản hướng dẫn",
    "Kiểm tra, đôn đốc việc",
    "Chủ trì phối hợp giải quyết kiến nghị về",
    "Đề xuất phương án",
    "Tổ chức tuyên truyền về",
]
TOPICS = [
    "cải cách hành chính năm 2026",
    "giải ngân vốn đầu tư công",
    "chuyển đổi số trong cơ quan nhà nước",
    "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "công tác văn thư, lưu trữ",
    "quyết toán ngân sách năm 2025",
    "bồi thường, hỗ trợ, tái định cư dự án đường ven biển",
    "xây dựng nông thôn mới nâng cao",
    "an toàn thực phẩm dịp Tết Nguyên đán",
    "tiếp công dân và giải quyết khiếu nại, tố cáo",
    "thu hút đầu tư vào Khu kinh tế Vũng Áng",
    "bảo đảm an toàn thông tin mạng",
    "tinh giản biên chế theo Nghị định 178",
    "phòng, chống dịch tả lợn châu Phi",
    "cấp giấy chứng nhận quyền sử dụng đất lần đầu",
    "chi trả chế độ cho người có công",
]
DESCRIPTIONS = [
    "Báo cáo kết quả về lãnh đạo trước thời hạn; phối hợp với các đơn vị liên quan.",
    "Thực hiện theo chỉ đạo của UBND tỉnh; có khó khăn, vướng mắc báo cáo kịp thời.",
    "Tổng hợp số liệu đến hết tháng, đề xuất giải pháp cho thời gian tới.",
    "",
]
STATUS_MIX = [
    (TaskStatus.DONE, 55),
    (TaskStatus.IN_PROGRESS, 16),
    (TaskStatus.ASSIGNED, 10),
    (TaskStatus.ACCEPTED, 8),
    (TaskStatus.REVIEW, 6),
    (TaskStatus.RETURNED, 5),
]
PRIORITY_MIX = [(Priority.LOW, 10), (Priority.NORMAL, 65), (Priority.HIGH, 18), (Priority.URGENT, 7)]
NEXT = re.compile(r"[?&;]cursor=([A-Za-z0-9_=-]+)")


def _province():
    root = Agency.objects.get(code=generator.ROOT_CODE)
    return list(Agency.objects.filter(path__startswith=root.path).order_by("pk"))


def _people(agencies):
    """Per agency: its leaders, and per unit its leader and staff (one query)."""
    info = {a.pk: {"leaders": [], "units": defaultdict(lambda: {"leader": None, "staff": []})} for a in agencies}
    rows = Position.objects.filter(agency__in=agencies, is_active=True).order_by("id")
    for agency_id, unit_id, user_id, role in rows.values_list("agency_id", "unit_id", "user_id", "role"):
        entry = info[agency_id]
        if role == Role.LEADER:
            entry["leaders"].append(user_id)
        elif unit_id and role == Role.UNIT_LEADER and entry["units"][unit_id]["leader"] is None:
            entry["units"][unit_id]["leader"] = user_id
        elif unit_id and role == Role.STAFF:
            entry["units"][unit_id]["staff"].append(user_id)
    return info


@contextlib.contextmanager
def _keep_timestamps():
    """Let bulk_create keep the generated created_at/updated_at (auto_now would stamp them all 'now')."""
    fields = [Task._meta.get_field("created_at"), Task._meta.get_field("updated_at")]
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


def _task(rng, agency, people, now):
    units = [(pk, u) for pk, u in people["units"].items() if u["leader"] or u["staff"]]
    unit_pk, unit = rng.choice(units)
    leader = rng.choice(people["leaders"]) if people["leaders"] else unit["leader"]
    roll = rng.random()
    if roll < 0.45 and unit["leader"] and unit["staff"]:  # the unit leader to one of their people
        assigner, lead_user, lead_unit = unit["leader"], rng.choice(unit["staff"]), None
    elif roll < 0.75 or not (unit["staff"] or unit["leader"]):  # the agency's leader to a unit
        assigner, lead_user, lead_unit = leader, None, unit_pk
    else:  # the agency's leader to a person
        assigner, lead_user, lead_unit = leader, rng.choice(unit["staff"] or [unit["leader"]]), None
    if assigner is None or assigner == lead_user:
        assigner, lead_user, lead_unit = leader or unit["leader"], None, unit_pk
    status = _pick(rng, STATUS_MIX)
    is_open = status not in (TaskStatus.DONE, TaskStatus.RETURNED)
    # Open tasks are mostly recent, some linger; the done ones spread over eighteen months.
    age = rng.randint(0, 540) if not is_open else rng.randint(0, 30) if rng.random() < 0.85 else rng.randint(0, 180)
    created = now - dt.timedelta(days=age, minutes=rng.randint(0, 600))
    deadline = timezone.localtime(created).date() + dt.timedelta(days=rng.choice((7, 10, 15, 20, 30, 45, 60, 90)))
    completed = None
    if status == TaskStatus.DONE:
        completed = min(now, created + dt.timedelta(days=rng.randint(1, 70), hours=rng.randint(0, 8)))
    progress = {
        TaskStatus.DONE: 100,
        TaskStatus.REVIEW: 100,
        TaskStatus.IN_PROGRESS: rng.choice((10, 20, 30, 50, 60, 70, 80, 90)),
        TaskStatus.ACCEPTED: rng.choice((0, 0, 10)),
    }.get(status, 0)
    task = Task(
        agency_id=agency.pk,
        assigner_id=assigner,
        lead_user_id=lead_user,
        lead_unit_id=lead_unit,
        title=f"{rng.choice(VERBS)} {rng.choice(TOPICS)}",
        description=rng.choice(DESCRIPTIONS),
        priority=_pick(rng, PRIORITY_MIX),
        deadline=deadline,
        status=status,
        progress=progress,
        result="Đã hoàn thành, có báo cáo kèm theo." if status in (TaskStatus.DONE, TaskStatus.REVIEW) else "",
        reason="Không thuộc chức năng, nhiệm vụ của đơn vị." if status == TaskStatus.RETURNED else "",
        created_at=created,
        updated_at=completed or created,
        completed_at=completed,
    )
    helpers = []
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3))):
        other_pk, other = rng.choice(units)
        if rng.random() < 0.5 and other_pk != unit_pk:
            helpers.append((None, other_pk))
        elif other["staff"]:
            helpers.append((rng.choice(other["staff"]), None))
    return task, sorted(set(helpers) - {(lead_user, None), (None, lead_unit)}, key=str)


def generate(total: int, seed: int, batch: int = 5000) -> int:
    agencies = _province()
    people = _people(agencies)
    agencies = [a for a in agencies if any(u["leader"] or u["staff"] for u in people[a.pk]["units"].values())]
    weights = [sum(len(u["staff"]) + 1 for u in people[a.pk]["units"].values()) for a in agencies]
    rng = random.Random(seed)
    now = timezone.now()
    made = 0
    with tqdm(total=total, desc="Nhiệm vụ", unit="nv") as bar, _keep_timestamps():
        while made < total:
            n = min(batch, total - made)
            plan = [_task(rng, agency, people[agency.pk], now) for agency in rng.choices(agencies, weights, k=n)]
            with transaction.atomic():
                tasks = Task.objects.bulk_create([t for t, _h in plan])
                Cooperator.objects.bulk_create(
                    [
                        Cooperator(task_id=t.pk, user_id=user, unit_id=unit)
                        for t, (_t, helpers) in zip(tasks, plan)
                        for user, unit in helpers
                    ]
                )
            made += n
            bar.update(n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("orders_task", "orders_cooperator"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return made


def _unbounded_counts(captured) -> list[str]:
    """The statements counting rows of the tasks table without a LIMIT below them (a bounded count reads at most
    ``work.CAP + 1`` rows through a subquery)."""
    found = []
    for q in captured:
        sql = q["sql"]
        if "COUNT(" in sql.upper() and '"orders_task"' in sql and "LIMIT" not in sql.upper():
            found.append(sql[:300])
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--per-level", type=int, default=2, help="agencies drawn per level (sở, huyện, xã)")
    parser.add_argument("--seed", type=int, default=2026)
    args, _unknown = parser.parse_known_args()
    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("django.request").setLevel(logging.ERROR)
    province = Task.objects.filter(agency__in=[a.pk for a in _province()])
    have = province.count()
    if have < args.tasks:
        generate(args.tasks - have, args.seed + have)
    today = timezone.localdate()
    open_tasks = province.filter(status__in=queries.OPEN_STATUSES)
    print(
        f"CSDL: {connection.vendor}; {province.count()} nhiệm vụ trong tỉnh, {open_tasks.count()} đang mở, "
        f"{open_tasks.filter(deadline__lt=today).count()} quá hạn"
    )
    people = sampling.sample(args.per_level)
    print(f"Mẫu {len(people)} người xem:")
    for v in people:
        s = scope_of(v.user)
        mine = queries.mine(v.user).count()
        given = queries.assigned_by(v.user).count()
        unit = queries.of_unit(v.user).count() if s.led_unit_ids else 0
        print(f"  [{v.level}] {v.label} ({v.user.username}): chủ trì {mine}, đã giao {given}, của đơn vị {unit}")

    # (name, view, extra query string, who has it)
    lists = [
        ("Nhiệm vụ của tôi (đang mở)", "cua-toi", "", None),
        ("Nhiệm vụ của tôi: quá hạn", "cua-toi", f"{work.DUE_PARAM}={work.LATE}", None),
        ("Nhiệm vụ tôi giao (đang mở)", "da-giao", "", None),
        ("Nhiệm vụ tôi giao: quá hạn", "da-giao", f"{work.DUE_PARAM}={work.LATE}", None),
        ("Nhiệm vụ tôi giao: tất cả", "da-giao", "trang-thai=tat-ca", None),
        ("Nhiệm vụ của đơn vị (đang mở)", "don-vi", "", "unit"),
        ("Nhiệm vụ của đơn vị: quá hạn", "don-vi", f"{work.DUE_PARAM}={work.LATE}", "unit"),
        ("Nhiệm vụ phối hợp (đang mở)", "phoi-hop", "", None),
    ]
    clients = []
    for v in people:
        c = Client()
        c.force_login(v.user)
        clients.append((v, c))
    repeat = max(args.repeat // 20, 3)
    query_rows, page_rows, api_rows = [], [], []
    counted = []
    for name, view, extra, who in lists:
        query_calls, page_calls, api_calls = [], [], []
        for v, client in clients:
            if who == "unit" and not scope_of(v.user).led_unit_ids:
                continue

            def run_query(user=v.user, view=view, extra=extra):
                user.__dict__.pop("_vpdt_scope", None)  # built afresh, as each request does
                qs = queries.listing(user, view)
                if extra.startswith(work.DUE_PARAM):
                    qs = queries.due(qs, work.LATE)
                elif not extra:
                    qs = queries.open_only(qs)
                keyset_page(qs, None, order=queries.ORDER, size=20)

            path = f"/giao-viec/?v={view}" + (f"&{extra}" if extra else "")
            with CaptureQueriesContext(connection) as captured:
                r = client.get(path)
            assert r.status_code == 200, (path, r.status_code)
            counted += [(name, v.label, sql) for sql in _unbounded_counts(captured)]

            def run_page(client=client, path=path):
                r = client.get(path)
                assert r.status_code == 200, (path, r.status_code)

            api = f"/api/v1/tasks/?view={view}" + (f"&{extra}" if extra.startswith(work.DUE_PARAM) else "")

            def run_api(client=client, api=api):
                r = client.get(api)
                assert r.status_code == 200, (api, r.status_code)

            query_calls.append((v.label, run_query))
            page_calls.append((v.label, run_page))
            if extra != "trang-thai=tat-ca":
                api_calls.append((v.label, run_api))
            api_label = api.split("?", 1)[1]
        if not query_calls:
            print(f"  bỏ qua {name}: không ai trong mẫu có danh sách này")
            continue
        label = f"{name} [{len(query_calls)} người]"
        query_rows.append((f"hàm truy vấn: {label}", pooled(query_calls, repeat)))
        page_rows.append((f"trang: {label}", pooled(page_calls, repeat)))
        if api_calls:  # the API lists every status unless asked for the overdue ones
            api_rows.append((f"API {api_label} [{len(api_calls)} người]", pooled(api_calls, repeat)))
    # The next page of the busiest list (a leader's tasks given, all of them), by its keyset cursor.
    calls = []
    for v, client in clients:
        found = NEXT.search(client.get("/giao-viec/?v=da-giao&trang-thai=tat-ca").content.decode())
        if found:
            path = f"/giao-viec/?v=da-giao&trang-thai=tat-ca&cursor={found.group(1)}"

            def run_next(client=client, path=path):
                assert client.get(path).status_code == 200

            calls.append((v.label, run_next))
    if calls:
        page_rows.append((f"trang: Nhiệm vụ tôi giao, trang kế tiếp [{len(calls)} người]", pooled(calls, repeat)))
    report("Tasks — giao việc: danh sách nhiệm vụ, p50/p95 trên mẫu người xem", query_rows + page_rows + api_rows)
    if counted:
        print("\nCOUNT(*) không giới hạn trên bảng nhiệm vụ:")
        for name, who, sql in counted:
            print(f"  {name} · {who}: {sql}")
    else:
        print("\nKhông trang nào đếm COUNT(*) không giới hạn trên bảng nhiệm vụ.")


if __name__ == "__main__":
    main()
