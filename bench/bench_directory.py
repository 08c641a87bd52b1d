"""Login and directory list views on PostgreSQL at province scale.

Run through `make bench`. Requests go through the full Django stack (middleware, sessions, auth,
templates, DRF) with the test client, against the real database; no network in between.
"""

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
from django.test import Client

from vpdt.accounts.models import User
from vpdt.directory.models import Agency, Position, Role
from vpdt.sampledata import generator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--login-repeat", type=int, default=30)
    args, _unknown = parser.parse_known_args()

    settings.ALLOWED_HOSTS = ["*"]
    if not Agency.objects.filter(code=generator.ROOT_CODE).exists():
        call_command("generate_data", agencies=250, users=10000)
    users = User.objects.filter(agency__path__startswith=Agency.objects.get(code=generator.ROOT_CODE).path).count()
    print(f"CSDL: {connection.vendor}, {Agency.objects.count()} cơ quan, {users} cán bộ (tỉnh sinh tự động)")

    admin_pos = (
        Position.objects.filter(role=Role.PROVINCE_ADMIN, agency__code=generator.ROOT_CODE)
        .select_related("user")
        .first()
    )
    staff_pos = Position.objects.filter(role=Role.STAFF, agency__level=3).select_related("user").first()
    admin, staff = admin_pos.user, staff_pos.user

    def login_once():
        c = Client()
        r = c.post("/dang-nhap/", {"username": admin.username, "password": generator.BENCH_PASSWORD})
        assert r.status_code == 302, r.status_code

    rows = [("Đăng nhập (POST /dang-nhap/, Argon2)", measure(login_once, args.login_repeat))]

    web_admin, web_staff = Client(), Client()
    web_admin.force_login(admin)
    web_staff.force_login(staff)
    first = web_admin.get("/can-bo/")
    cursor = first.context["page"].next_cursor if first.context else None
    some_agency = Agency.objects.filter(level=3).first()

    def get(client, url):
        def run():
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)

        return run

    pages = [
        ("Danh sách cán bộ, QT tỉnh (10.000 người)", web_admin, "/can-bo/"),
        ("Danh sách cán bộ, trang kế tiếp (keyset)", web_admin, f"/can-bo/?cursor={cursor}"),
        ("Danh sách cán bộ, tìm theo tên", web_admin, "/can-bo/?q=Nguy%E1%BB%85n"),
        ("Danh sách cán bộ, lọc cơ quan", web_admin, f"/can-bo/?agency={some_agency.pk}"),
        ("Danh sách cán bộ, chuyên viên huyện", web_staff, "/can-bo/"),
        ("Danh bạ cơ quan (250)", web_admin, "/danh-ba/co-quan/"),
        ("Danh sách đơn vị", web_admin, "/danh-ba/don-vi/"),
        ("Trang chủ quản trị tỉnh", web_admin, "/"),
    ]
    for name, client, url in pages:
        rows.append((name, measure(get(client, url), args.repeat)))

    api = Client()
    r = api.post(
        "/api/v1/auth/login/",
        {"username": admin.username, "password": generator.BENCH_PASSWORD},
        content_type="application/json",
    )
    token = r.json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}

    def api_get(url):
        def run():
            resp = api.get(url, **headers)
            assert resp.status_code == 200, (url, resp.status_code)

        return run

    for name, url in [
        ("API /api/v1/users/", "/api/v1/users/"),
        ("API /api/v1/agencies/", "/api/v1/agencies/"),
        ("API /api/v1/units/", "/api/v1/units/"),
        ("API /api/v1/users/?q=", "/api/v1/users/?q=Tr%E1%BA%A7n"),
    ]:
        rows.append((name, measure(api_get(url), args.repeat)))
    report("Directory — đăng nhập và danh bạ (PostgreSQL)", rows)


if __name__ == "__main__":
    main()
