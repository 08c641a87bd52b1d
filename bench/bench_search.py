"""Search at province scale (issue 6): one word (frequent, rare), a quoted phrase, a number and symbol in several
spellings, filters only, and a combined query — as a staff member, a clerk and a leader of one agency (so the
authorization predicate is part of every query), through the search service and over HTTP (the screen
/tim-kiem/ and the API /api/v1/search/).

Runs after bench_incoming.py / bench_outgoing.py (which generate the documents); the index is brought up to date
first (``reindex`` of the missing entries: only the first run on a fresh database takes long)."""

import argparse
import datetime as dt
import os
import sys
import time
from urllib.parse import urlencode

import django

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

from common import measure, report
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client

from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.directory.models import Agency, Position, Role
from vpdt.incoming.models import Assignment
from vpdt.sampledata import generator
from vpdt.search import services
from vpdt.search.models import Kind, SearchEntry
from vpdt.search.services import Criteria

TABLES = {
    "incoming_incomingdocument": "văn bản đến",
    "outgoing_outgoingdocument": "văn bản đi",
    "dossiers_dossier": "hồ sơ",
    "search_searchentry": "mục chỉ mục tìm kiếm",
}


def estimates() -> dict:
    """Row counts from the planner's statistics (pg_class.reltuples), not COUNT(*)."""
    if connection.vendor != "postgresql":
        return {t: SearchEntry.objects.count() if t == "search_searchentry" else None for t in TABLES}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [list(TABLES)])
        return {name: max(rows, 0) for name, rows in cursor.fetchall()}  # -1: never analyzed (empty)


def analyze(*tables):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("; ".join(f"ANALYZE {t}" for t in tables))


def prepare(args) -> None:
    if not Agency.objects.filter(code=generator.ROOT_CODE).exists():
        call_command("generate_data", agencies=250, users=10000)
    analyze("incoming_incomingdocument", "outgoing_outgoingdocument")
    est = estimates()
    docs = (est.get("incoming_incomingdocument") or 0) + (est.get("outgoing_outgoingdocument") or 0)
    if docs < args.documents * 0.99:  # standalone run on a small database: top up with incoming documents
        from vpdt.incoming.models import IncomingDocument
        from vpdt.outgoing.models import OutgoingDocument

        have = IncomingDocument.objects.count() + OutgoingDocument.objects.count()
        if have < args.documents:
            call_command("generate_data", incoming=args.documents - have)
    start = time.perf_counter()
    added = services.reindex()  # only the missing entries (bulk-generated documents bypass the signals)
    print(f"Cập nhật chỉ mục tìm kiếm: {added} mục mới trong {time.perf_counter() - start:.1f} s")
    analyze("search_searchentry", "incoming_incomingdocument", "outgoing_outgoingdocument", "incoming_assignment")
    est = estimates()
    print(
        f"CSDL: {connection.vendor}; ước lượng (pg_class.reltuples): "
        + ", ".join(f"{est.get(t) or 0:,} {label}".replace(",", ".") for t, label in TABLES.items())
    )


def actors(root):
    busiest = (
        Assignment.objects.filter(user__isnull=False, document__agency=root)
        .values("user")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    staff = User.objects.get(pk=busiest["user"])
    clerk = Position.objects.filter(agency=root, role=Role.CLERK, is_active=True).order_by("id").first().user
    leader = (
        Position.objects.filter(agency=root, role=Role.LEADER, is_active=True)
        .order_by("-is_primary", "id")
        .first()
        .user
    )
    return {"chuyên viên": staff, "văn thư": clerk, "lãnh đạo": leader}


def sample_number(user) -> str:
    """The number and symbol of a recent document the user may open (so the symbol query finds something)."""
    assignment = (
        Assignment.objects.filter(user=user)
        .select_related("document")
        .order_by("-document__issued_date", "-document_id")
        .first()
    )
    return assignment.document.number_symbol if assignment else "171/QĐ-UBND"


def spellings(number: str) -> list[str]:
    """ "171/QĐ-UBND" → also "171 qd ubnd" (no diacritics, spaces)."""
    from vpdt.search.text import tokens

    return [number, " ".join(tokens(number))]


def cases(root, number: str) -> list[tuple[str, dict]]:
    today = dt.date.today()
    cong_van = DocumentType.objects.filter(name="Công văn").first()
    month = {"date_from": today - dt.timedelta(days=30), "date_to": today}
    exact_number, loose_number = spellings(number)
    return [
        ("1 từ thường gặp: tinh", {"q": "tinh"}),
        ("1 từ hiếm: Bính", {"q": "Bính"}),
        ("1 từ không có trong dữ liệu: sạt", {"q": "sạt"}),
        ('cụm từ: "phòng, chống thiên tai"', {"q": '"phòng, chống thiên tai"'}),
        ('cụm từ rất phổ biến: "ủy ban nhân dân tỉnh"', {"q": '"ủy ban nhân dân tỉnh"'}),
        (f"số ký hiệu: {exact_number}", {"q": exact_number}),
        (f"số ký hiệu: {loose_number}", {"q": loose_number}),
        ("số ký hiệu: 171/QĐ-UBND", {"q": "171/QĐ-UBND"}),
        ("số ký hiệu: 171 qd ubnd", {"q": "171 qd ubnd"}),
        ("lọc: loại + 30 ngày", {"doc_type_id": cong_van.pk if cong_van else None, **month}),
        ("lọc: cơ quan ban hành", {"issuer": "Bộ Tài chính"}),
        ("lọc: độ khẩn Hỏa tốc", {"urgency": int(Urgency.FLASH)}),
        (
            "kết hợp: ngân sách + đến + 30 ngày + Khẩn",
            {"q": "ngan sach", "kinds": [Kind.INCOMING], "urgency": int(Urgency.URGENT), **month},
        ),
    ]


def query_string(criteria: dict) -> str:
    params = []
    for key, value in criteria.items():
        name = {"doc_type_id": "doc_type", "kinds": "kind"}.get(key, key)
        if value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            params.append((name, v.isoformat() if isinstance(v, dt.date) else v))
    return urlencode(params)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--documents", type=int, default=1_000_000)
    args, _unknown = parser.parse_known_args()
    settings.ALLOWED_HOSTS = ["*"]
    prepare(args)
    root = Agency.objects.get(code=generator.ROOT_CODE)
    people = actors(root)
    number = sample_number(people["chuyên viên"])
    print(f"Cơ quan đo: {root.name}; số ký hiệu mẫu: {number}")
    repeat = max(args.repeat // 5, 10)  # ~90 measured cases: 20 runs each by default
    rows = []
    for role, user in people.items():
        for name, crit in cases(root, number):
            criteria = Criteria(**crit)
            hits = services.search(user, criteria).hits
            rows.append(
                (f"{role} · {name} [{len(hits)}]", measure(lambda u=user, c=criteria: services.search(u, c), repeat))
            )
    for role in ("chuyên viên", "lãnh đạo"):
        client = Client()
        client.force_login(people[role])
        for name, crit in cases(root, number):
            qs = query_string(crit)
            for label, url in (("màn hình", f"/tim-kiem/?{qs}"), ("API", f"/api/v1/search/?{qs}")):

                def get(url=url, client=client):
                    r = client.get(url)
                    assert r.status_code == 200, (url, r.status_code)

                rows.append((f"{label} {role} · {name}", measure(get, repeat)))
    report("Search (tìm kiếm) — p50/p95, số trong [] là số kết quả trang đầu", rows)


if __name__ == "__main__":
    main()
