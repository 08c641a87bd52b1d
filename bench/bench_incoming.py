"""Incoming documents at province scale (issue 3): staff inbox, leader's overview, clerk's register view,
registration. Run through `make bench` after `vpdt generate-data --incoming 1000000` (done automatically)."""

import argparse
import datetime as dt
import os
import sys

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

from vpdt.catalog.models import DocumentType
from vpdt.directory.models import Agency, Position, Role
from vpdt.incoming import services
from vpdt.incoming.models import Assignment, IncomingDocument
from vpdt.sampledata import generator

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--documents", type=int, default=1_000_000)
    args, _unknown = parser.parse_known_args()
    settings.ALLOWED_HOSTS = ["*"]
    if not Agency.objects.filter(code=generator.ROOT_CODE).exists():
        call_command("generate_data", agencies=250, users=10000)
    have = IncomingDocument.objects.count()
    if have < args.documents:
        call_command("generate_data", incoming=args.documents - have)
    if connection.vendor == "postgresql":  # bulk-loaded data: give the planner its statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE incoming_incomingdocument; ANALYZE incoming_assignment")
    print(
        f"CSDL: {connection.vendor}, {IncomingDocument.objects.count()} văn bản đến, "
        f"{Assignment.objects.count()} phân công"
    )

    root = Agency.objects.get(code=generator.ROOT_CODE)
    busiest = (
        Assignment.objects.filter(user__isnull=False, document__agency=root)
        .values("user")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    staff_id = busiest["user"]
    leader = (
        Position.objects.get(agency=root, role=Role.LEADER, is_active=True, is_primary=True).user
        if Position.objects.filter(agency=root, role=Role.LEADER, is_primary=True).count() == 1
        else Position.objects.filter(agency=root, role=Role.LEADER).first().user
    )
    clerk = Position.objects.filter(agency=root, role=Role.CLERK).first().user
    from vpdt.accounts.models import User

    staff = User.objects.get(pk=staff_id)
    print(
        f"Cơ quan đo: {root.name}; {IncomingDocument.objects.filter(agency=root).count()} văn bản; "
        f"chuyên viên có {busiest['n']} phân công"
    )

    def client_for(user):
        c = Client()
        c.force_login(user)
        return c

    def get(client, url):
        def run():
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)

        return run

    c_staff, c_leader, c_clerk = client_for(staff), client_for(leader), client_for(clerk)
    register = services.default_register(root)
    rows = []
    pages = [
        ("Hộp việc chuyên viên: cần xử lý", c_staff, "/van-ban-den/viec-cua-toi/?hop=to_process"),
        ("Hộp việc chuyên viên: quá hạn", c_staff, "/van-ban-den/viec-cua-toi/?hop=late"),
        ("Trang chủ lãnh đạo (chờ cho ý kiến, quá hạn)", c_leader, "/"),
        ("Sổ văn bản đến của lãnh đạo: chờ cho ý kiến", c_leader, "/van-ban-den/?status=submitted"),
        ("Sổ văn bản đến (văn thư), trang đầu", c_clerk, "/van-ban-den/"),
        ("Sổ văn bản đến, lọc trích yếu", c_clerk, "/van-ban-den/?q=c%E1%BA%A3i+c%C3%A1ch"),
        ("Sổ văn bản đến, lọc số đến", c_clerk, f"/van-ban-den/?register={register.pk}&number=1234"),
        ("API hộp việc chuyên viên", c_staff, "/api/v1/incoming-assignments/?box=to_process"),
        ("API danh sách văn bản đến (văn thư)", c_clerk, "/api/v1/incoming-documents/"),
    ]
    for name, client, url in pages:
        try:
            rows.append((name, measure(get(client, url), args.repeat)))
        except AssertionError as exc:
            print(f"  bỏ qua {name}: {exc}")
    doc_type = DocumentType.objects.get(name="Công văn")
    counter = iter(range(10**6))
    run = dt.datetime.now().strftime("%H%M%S")  # distinct symbols per run: no duplicate warnings

    def register_once():
        n = next(counter)
        services.register_document(
            clerk,
            register=register,
            issuer_name="Bộ Nội vụ",
            issuer_code="000.00.00.G12",
            code_number=str(50000 + n),
            code_notation=f"BNV-VP-{run}",
            issued_date=dt.date.today(),
            doc_type=doc_type,
            subject="V/v cử cán bộ tham dự tập huấn nghiệp vụ văn thư",
        )

    rows.append(("Vào sổ một văn bản (service, không tệp)", measure(register_once, args.repeat)))
    report("Incoming — văn bản đến (PostgreSQL)", rows)


if __name__ == "__main__":
    main()
