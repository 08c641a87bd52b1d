"""Search at province scale: words (frequent, rare, absent), a quoted phrase, a number and symbol in several
spellings, filters only, and a combined query — for every viewer of the sample (bench/viewers.py: each working role
in agencies of every level, so the authorization predicate is part of every query), through the search service and
over HTTP (the screen /tim-kiem/ and the API /api/v1/search/). p50/p95 are over the whole sample.

Runs after bench/prepare.py (which generates the documents and their search entries); anything still missing from
the index is added first."""

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

import fast_index
import viewers as sampling
from common import pooled, report
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from vpdt.catalog.models import DocumentType, Urgency
from vpdt.directory.models import Agency
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
    # Only the missing entries (bulk-generated documents bypass the signals): SQL first, then the rest one by one.
    added = fast_index.fill() + services.reindex()
    print(f"Cập nhật chỉ mục tìm kiếm: {added} mục mới trong {time.perf_counter() - start:.1f} s")
    analyze("search_searchentry", "incoming_incomingdocument", "outgoing_outgoingdocument", "incoming_assignment")
    est = estimates()
    print(
        f"CSDL: {connection.vendor}; ước lượng (pg_class.reltuples): "
        + ", ".join(f"{est.get(t) or 0:,} {label}".replace(",", ".") for t, label in TABLES.items())
    )


def sample_number(user) -> str:
    """The number and symbol of a recent document the user may open (so the symbol query finds something)."""
    entry = (
        SearchEntry.objects.filter(services.visible_q(user), number_key__gt="")
        .order_by("-doc_date", "-id")
        .only("number")
        .first()
    )
    return entry.number if entry else "171/QĐ-UBND"


def spellings(number: str) -> list[str]:
    """ "171/QĐ-UBND" → also "171 qd ubnd" (no diacritics, spaces)."""
    from vpdt.search.text import tokens

    return [number, " ".join(tokens(number))]


def cases(number: str) -> list[tuple[str, dict]]:
    today = dt.date.today()
    cong_van = DocumentType.objects.filter(name="Công văn").first()
    month = {"date_from": today - dt.timedelta(days=30), "date_to": today}
    exact_number, loose_number = spellings(number)
    return [
        ("2 từ thường gặp: ke hoach", {"q": "ke hoach"}),
        ("1 từ thường gặp: tinh", {"q": "tinh"}),
        ("1 từ hiếm: Bính", {"q": "Bính"}),
        ("1 từ không có trong dữ liệu: sạt", {"q": "sạt"}),
        ('cụm từ: "phòng, chống thiên tai"', {"q": '"phòng, chống thiên tai"'}),
        ('cụm từ rất phổ biến: "ủy ban nhân dân tỉnh"', {"q": '"ủy ban nhân dân tỉnh"'}),
        ("số ký hiệu văn bản gần đây, nguyên dạng", {"q": exact_number}),
        ("số ký hiệu văn bản gần đây, không dấu", {"q": loose_number}),
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
    parser.add_argument("--per-level", type=int, default=2, help="agencies drawn per level (sở, huyện, xã)")
    args, _unknown = parser.parse_known_args()
    settings.ALLOWED_HOSTS = ["*"]
    prepare(args)
    people = sampling.sample(args.per_level)
    numbers = {v.user.pk: sample_number(v.user) for v in people}
    print(f"Mẫu {len(people)} người xem ({', '.join(sorted({v.level for v in people}))}), mỗi vai trò ở mỗi cơ quan")
    repeat = max(args.repeat // 50, 2)  # ~36 viewers × 2 runs per case by default
    names = [name for name, _crit in cases("")]
    rows = []
    every = []
    for i, name in enumerate(names):
        calls = []
        for v in people:
            criteria = Criteria(**cases(numbers[v.user.pk])[i][1])
            calls.append((v.label, lambda u=v.user, c=criteria: services.search(u, c)))
        result = pooled(calls, repeat)
        every.append(result)
        rows.append((f"dịch vụ · {name}", result))
    clients = []
    for v in people:
        client = Client()
        client.force_login(v.user)
        clients.append((v, client))
    for label, base in (("màn hình", "/tim-kiem/"), ("API", "/api/v1/search/")):
        for q in ("ke hoach", '"phòng, chống thiên tai"', "171/QĐ-UBND"):
            url = f"{base}?{urlencode({'q': q})}"

            def get(url=url, client=None):
                r = client.get(url)
                assert r.status_code == 200, (url, r.status_code)

            calls = [(v.label, lambda c=client, g=get: g(client=c)) for v, client in clients]
            rows.append((f"{label} · {q}", pooled(calls, repeat)))
    report("Search (tìm kiếm) — p50/p95 trên mẫu người xem", rows)


if __name__ == "__main__":
    main()
