"""Outgoing documents at province scale: numbering and issuing a document (the service). The lists are timed over
a sample of viewers by bench_lists.py. Run through `make bench`, after bench/prepare.py made the database."""

import argparse
import os
import sys

import django

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

from common import measure, report
from django.conf import settings
from django.core.management import call_command

from vpdt.directory.models import Agency, Position, Role
from vpdt.outgoing import services
from vpdt.outgoing.models import OutgoingDocument, OutStatus
from vpdt.sampledata import generator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--outgoing", type=int, default=1_000_000)
    parser.add_argument("--issues", type=int, default=50)
    args, _unknown = parser.parse_known_args()
    settings.ALLOWED_HOSTS = ["*"]
    if not Agency.objects.filter(code=generator.ROOT_CODE).exists():
        call_command("generate_data", agencies=250, users=10000)
    have = OutgoingDocument.objects.count()
    if have < args.outgoing:
        call_command("generate_data", outgoing=args.outgoing - have, no_trail=True)
    root = Agency.objects.get(code=generator.ROOT_CODE)
    clerk = Position.objects.filter(agency=root, role=Role.CLERK, is_active=True).order_by("id").first().user
    approved = OutgoingDocument.objects.filter(agency=root, status=OutStatus.APPROVED).count()
    rows = []
    queue = iter(
        OutgoingDocument.objects.filter(agency=root, status=OutStatus.APPROVED).order_by("id")[: args.issues + 3]
    )

    def issue_once():
        services.issue(clerk, next(queue))

    if approved >= args.issues + 3:
        rows.append(("Cấp số, phát hành một văn bản (service)", measure(issue_once, args.issues)))
    else:
        print(f"  bỏ qua phát hành: chỉ có {approved} văn bản chờ phát hành")
    report("Outgoing — văn bản đi (PostgreSQL)", rows)


if __name__ == "__main__":
    main()
