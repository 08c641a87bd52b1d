"""Incoming documents at province scale: registering a document (the service). The lists are timed over a sample
of viewers by bench_lists.py. Run through `make bench`, after bench/prepare.py made the database."""

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
        call_command("generate_data", incoming=args.documents - have, no_trail=True)
    print(
        f"CSDL: {connection.vendor}, {IncomingDocument.objects.count()} văn bản đến, "
        f"{Assignment.objects.count()} phân công"
    )

    root = Agency.objects.get(code=generator.ROOT_CODE)
    clerk = Position.objects.filter(agency=root, role=Role.CLERK).order_by("id").first().user
    register = services.default_register(root)
    rows = []
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
