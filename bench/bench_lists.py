"""Every list screen and list API, timed for a sample of viewers across the province (bench/viewers.py): the
incoming register, the inboxes of leaders, unit leaders and staff, the outgoing lists and registers, the clerk's
deliveries and recalls, dossiers, notifications and the home page. Each list is requested by every viewer of the
sample; p50/p95 are over all those requests (first pages, as users open them, then the next page by keyset)."""

import argparse
import logging
import os
import re
import sys

import django

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

import viewers as sampling
from common import pooled, report
from django.conf import settings
from django.db import connection
from django.test import Client

NEXT = re.compile(r"[?&;]cursor=([A-Za-z0-9_=-]+)")
LISTS = [
    ("Trang chủ", "/"),
    ("Sổ văn bản đến, trang đầu", "/van-ban-den/"),
    ("Sổ văn bản đến, trang kế tiếp (keyset)", "/van-ban-den/?cursor={cursor}"),
    ("Sổ văn bản đến: chờ cho ý kiến", "/van-ban-den/?status=submitted"),
    ("Việc của tôi: cần xử lý", "/van-ban-den/viec-cua-toi/?hop=to_process"),
    ("Việc của tôi: quá hạn", "/van-ban-den/viec-cua-toi/?hop=late"),
    ("Việc của tôi: đã xong", "/van-ban-den/viec-cua-toi/?hop=done"),
    ("Văn bản đi của tôi", "/van-ban-di/"),
    ("Văn bản đi chờ tôi duyệt", "/van-ban-di/cho-duyet/"),
    ("Văn bản chờ phát hành", "/van-ban-di/cho-phat-hanh/"),
    ("Sổ văn bản đi, trang đầu", "/van-ban-di/so-van-ban-di/"),
    ("Văn bản điện tử chờ tiếp nhận (văn thư)", "/lien-thong/den/"),
    ("Thu hồi chờ xác nhận (văn thư)", "/van-ban-di/thu-hoi/"),
    ("Hồ sơ công việc", "/ho-so/"),
    ("Thông báo", "/thong-bao/"),
    ("API văn bản đến", "/api/v1/incoming-documents/"),
    ("API hộp việc", "/api/v1/incoming-assignments/?box=to_process"),
    ("API văn bản đi", "/api/v1/outgoing-documents/"),
    ("API văn bản đi: chờ duyệt", "/api/v1/outgoing-documents/?box=to_review"),
    ("API văn bản đi: chờ phát hành", "/api/v1/outgoing-documents/?box=to_issue"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--per-level", type=int, default=2, help="agencies drawn per level (sở, huyện, xã)")
    args, _unknown = parser.parse_known_args()
    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the probes of screens a viewer may not open
    people = sampling.sample(args.per_level)
    print(f"CSDL: {connection.vendor}; mẫu {len(people)} người xem:")
    for v in people:
        print(f"  [{v.level}] {v.label} ({v.user.username})")
    clients = []
    for v in people:
        c = Client()
        c.force_login(v.user)
        found = NEXT.search(c.get("/van-ban-den/").content.decode())
        clients.append((v, c, found.group(1) if found else ""))
    repeat = max(args.repeat // 20, 3)  # ~36 viewers: ~180 requests per list by default
    rows = []
    for name, url in LISTS:
        calls = []
        for v, client, cursor in clients:
            if "{cursor}" in url and not cursor:
                continue
            path = url.format(cursor=cursor)
            if client.get(path).status_code in (403, 404):  # not this viewer's screen (a clerk's list for staff)
                continue

            def run(client=client, path=path):
                r = client.get(path)
                assert r.status_code == 200, (path, r.status_code)

            calls.append((v.label, run))
        if not calls:
            print(f"  bỏ qua {name}: không ai trong mẫu mở được")
            continue
        try:
            rows.append((f"{name} [{len(calls)} người]", pooled(calls, repeat)))
        except AssertionError as exc:
            print(f"  bỏ qua {name}: {exc}")
    report("Lists — danh sách, p50/p95 trên mẫu người xem", rows)


if __name__ == "__main__":
    main()
