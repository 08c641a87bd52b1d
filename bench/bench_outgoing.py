"""Outgoing documents at province scale: the drafter's list, the reviewer's queue, the clerk's "chờ phát hành"
list and register, issuing, the API. Run through `make bench` after `vpdt generate-data --outgoing 1000000`
(done automatically). Screens that are not there yet (404/503) are reported as "chưa có" and skipped."""

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
from django.db import connection
from django.db.models import Count
from django.test import Client

from vpdt.accounts.models import User
from vpdt.directory.models import Agency, Position, Role
from vpdt.outgoing import services
from vpdt.outgoing.models import OutgoingDocument, OutStatus, Recipient, ReviewStep, StepStatus
from vpdt.sampledata import generator

TABLES = ["outgoing_outgoingdocument", "outgoing_version", "outgoing_reviewstep", "outgoing_recipient", "core_counter"]


class Missing(Exception):
    """The screen is not written yet (404/503)."""


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
        call_command("generate_data", outgoing=args.outgoing - have)
    if connection.vendor == "postgresql":  # bulk-loaded data: give the planner its statistics
        with connection.cursor() as cursor:
            cursor.execute("; ".join(f"ANALYZE {t}" for t in TABLES))
    by_status = dict(OutgoingDocument.objects.values_list("status").annotate(n=Count("id")))
    print(
        f"CSDL: {connection.vendor}, {sum(by_status.values())} văn bản đi "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(by_status.items()))}), "
        f"{ReviewStep.objects.count()} bước duyệt, {Recipient.objects.count()} nơi nhận"
    )

    root = Agency.objects.get(code=generator.ROOT_CODE)
    drafter_row = (
        OutgoingDocument.objects.filter(agency=root).values("drafter").annotate(n=Count("id")).order_by("-n").first()
    )
    drafter = User.objects.get(pk=drafter_row["drafter"])
    reviewer_row = (
        ReviewStep.objects.filter(status=StepStatus.ACTIVE, document__agency=root)
        .values("reviewer")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    reviewer = User.objects.get(pk=reviewer_row["reviewer"])
    clerk = Position.objects.filter(agency=root, role=Role.CLERK, is_active=True).order_by("id").first().user
    approved = OutgoingDocument.objects.filter(agency=root, status=OutStatus.APPROVED).count()
    issued_root = OutgoingDocument.objects.filter(agency=root, status=OutStatus.ISSUED)
    some_number = issued_root.order_by("-id").values_list("number", flat=True).first() or 1
    print(
        f"Cơ quan đo: {root.name}; {OutgoingDocument.objects.filter(agency=root).count()} văn bản đi; "
        f"người soạn có {drafter_row['n']} văn bản; người duyệt có {reviewer_row['n']} bước chờ duyệt; "
        f"{approved} văn bản chờ phát hành"
    )

    def client_for(user):
        c = Client()
        c.force_login(user)
        return c

    def get(client, url):
        def run():
            r = client.get(url)
            if r.status_code in (404, 503):
                raise Missing(r.status_code)
            assert r.status_code == 200, (url, r.status_code)

        return run

    c_drafter, c_reviewer, c_clerk = client_for(drafter), client_for(reviewer), client_for(clerk)
    rows = []
    pages = [
        ("Văn bản đi của tôi (người soạn)", c_drafter, "/van-ban-di/"),
        ("Văn bản đi của tôi: đã phát hành", c_drafter, "/van-ban-di/?hop=issued"),
        ("Dự thảo chờ tôi duyệt (lãnh đạo)", c_reviewer, "/van-ban-di/cho-duyet/"),
        ("Văn bản chờ phát hành (văn thư)", c_clerk, "/van-ban-di/cho-phat-hanh/"),
        ("Sổ văn bản đi, trang đầu", c_clerk, "/van-ban-di/so-van-ban-di/"),
        ("Sổ văn bản đi, lọc theo số", c_clerk, f"/van-ban-di/so-van-ban-di/?number={some_number}"),
        (
            "Sổ văn bản đi, lọc trích yếu",
            c_clerk,
            "/van-ban-di/so-van-ban-di/?q=chuy%E1%BB%83n+%C4%91%E1%BB%95i+s%E1%BB%91",
        ),
        ("API văn bản đi của tôi", c_drafter, "/api/v1/outgoing-documents/?box=mine"),
        ("API chờ duyệt", c_reviewer, "/api/v1/outgoing-documents/?box=to_review"),
        ("API chờ phát hành", c_clerk, "/api/v1/outgoing-documents/?box=to_issue"),
        ("API danh sách văn bản đi (văn thư)", c_clerk, "/api/v1/outgoing-documents/"),
    ]
    for name, client, url in pages:
        try:
            rows.append((name, measure(get(client, url), args.repeat)))
        except Missing as exc:
            print(f"  chưa có: {name} ({url} → {exc})")
        except AssertionError as exc:
            print(f"  bỏ qua {name}: {exc}")

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
