"""Internationalisation: Vietnamese by default, English through gettext (src/vpdt/locale/en).

The compiled catalogue (django.mo) is committed and not rebuilt by the Makefile, so the last tests
check that it exists, is complete and matches django.po.
"""

import ast
import datetime as dt
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, timezone, translation

from vpdt.collab.calendar import calendars
from vpdt.collab.calendar import queries as calendar_queries
from vpdt.collab.calendar import services as calendar_services
from vpdt.collab.orders import services as orders_services

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def switch_language(client, language, next_url="/dang-nhap/"):
    """Use Django's set_language view, exactly as the language selector in base.html does."""
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    return response


def html_lang(response):
    match = re.search(r'<html lang="([^"]*)"', response.content.decode())
    assert match, "no <html lang=...> on the page"
    return match.group(1)


# --- Pages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default(client):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    body = response.content.decode()
    assert html_lang(response) == "vi"
    assert "Đăng nhập" in body
    assert "Hệ thống quản lý văn bản và điều hành" in body
    assert "Sign in" not in body


@pytest.mark.django_db
def test_login_page_in_english_after_set_language(client):
    switch_language(client, "en", next_url="/dang-nhap/")
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    body = response.content.decode()
    assert html_lang(response) == "en"
    assert "Sign in" in body
    assert "Document and operations management system" in body
    assert "Đăng nhập" not in body

    # ... and back to Vietnamese.
    switch_language(client, "vi", next_url="/dang-nhap/")
    response = client.get("/dang-nhap/")
    assert html_lang(response) == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_signed_in_navigation_in_english_after_set_language(org, login):
    client = login(org.sxd_staff)

    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert html_lang(response) == "vi"
    for vietnamese in ("Trang chủ", "Danh bạ", "Cán bộ, công chức", "Thông tin tài khoản", "Đăng xuất"):
        assert vietnamese in body

    response = switch_language(client, "en", next_url="/")
    response = client.get(response["Location"])
    assert response.status_code == 200
    body = response.content.decode()
    assert html_lang(response) == "en"
    for english in (
        "E-Office",
        "Home",
        "Directory",
        "Agency",
        "Units",
        "Officials",
        "Account information",
        "Change password",
        "Sign out",
        "Vietnam time",
    ):
        assert english in body, english
    for vietnamese in ("Trang chủ", "Danh bạ", "Cán bộ, công chức", "Thông tin tài khoản", "Đăng xuất"):
        assert vietnamese not in body, vietnamese
    assert f"Hello, {org.sxd_staff.full_name}" in body
    # The selector offers both languages with English selected.
    assert '<option value="en" selected>English</option>' in body
    # Staying signed in, other pages follow the chosen language too.
    profile = client.get("/tai-khoan/").content.decode()
    assert "Full name" in profile and "Username" in profile and "Họ và tên" not in profile


def test_calendar_week_and_task_list_in_english(org, login):
    """The collab screens follow the language: headings, buttons, day names, halves, choices and tabs."""
    monday = calendar_queries.monday_of(timezone.localdate()) + dt.timedelta(days=7)
    calendar_services.book(
        org.sxd_staff,
        calendars.agency_calendar(org.sxd),
        title="Họp giao ban công tác tháng",
        day=monday + dt.timedelta(days=1),
        start=dt.time(8, 0),
        end=dt.time(10, 0),
        chair=org.sxd_leader,
        place="Hội trường tầng 1",
    )
    orders_services.create_task(
        org.sxd_leader,
        title="Lập dự toán sửa chữa trụ sở",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        lead_user=org.sxd_staff,
    )
    client = login(org.sxd_staff)
    week_url = f"/lich-cong-tac/?tuan={monday:%d/%m/%Y}"

    vietnamese_week = client.get(week_url).content.decode()
    for vietnamese in ("Sáng", "Chiều", "Đăng ký lịch", "Thứ Hai", "Chủ nhật", "Tuần trước", "Chờ duyệt", "Chủ trì"):
        assert vietnamese in vietnamese_week, vietnamese

    switch_language(client, "en", next_url=week_url)
    week = client.get(week_url)
    assert week.status_code == 200 and html_lang(week) == "en"
    body = week.content.decode()
    for english in (
        "Morning",
        "Afternoon",
        "Book a meeting",
        "Monday",
        "Sunday",
        "Previous week",
        "Month view",
        "Day, date",
        "Awaiting approval",
        "Chair",
        f"(from {monday:%d/%m/%Y} to {monday + dt.timedelta(days=6):%d/%m/%Y})",
        "Work calendar of Sở Xây dựng",
    ):
        assert english in body, english
    for vietnamese in ("Sáng", "Chiều", "Đăng ký lịch", "Thứ Hai", "Chủ nhật", "Tuần trước", "Chờ duyệt", "từ ngày"):
        assert vietnamese not in body, vietnamese
    assert "Họp giao ban công tác tháng" in body  # what people wrote stays as it was written

    tasks = client.get("/giao-viec/")
    assert tasks.status_code == 200
    body = tasks.content.decode()
    for english in ("Tasks", "My tasks", "Tasks I assigned", "Tasks I cooperate on", "Overdue", "Assigned", "Lead"):
        assert english in body, english
    for vietnamese in ("Nhiệm vụ của tôi", "Nhiệm vụ tôi giao", "Nhiệm vụ phối hợp", "Quá hạn", "Đã giao", "Chủ trì"):
        assert vietnamese not in body, vietnamese
    assert "Lập dự toán sửa chữa trụ sở" in body

    # The error messages of the form fields are in English too.
    response = client.post("/lich-cong-tac/dang-ky/", {"calendar": "co-quan", "title": "Họp", "day": "31/02/2026"})
    assert response.status_code == 200 and "Date is invalid." in response.content.decode()


# --- Dates ----------------------------------------------------------------------------------------


def test_vietnamese_date_formats():
    with translation.override("vi"):
        assert formats.date_format(dt.date(2026, 1, 5), "SHORT_DATE_FORMAT") == "05/01/2026"
        assert formats.date_format(dt.date(2026, 1, 5)) == "05/01/2026"
        assert formats.date_format(dt.datetime(2026, 1, 5, 14, 30), "SHORT_DATETIME_FORMAT") == "14:30 05/01/2026"
        assert Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": dt.date(2026, 1, 5)})) == "05/01/2026"


def test_vietnamese_page_renders_dates_dd_mm_yyyy(org, login):
    # province_admin was created with birth_date 1978-05-12.
    client = login(org.province_admin)
    response = client.get(f"/can-bo/{org.province_admin.pk}/")
    assert response.status_code == 200
    assert html_lang(response) == "vi"
    assert "12/05/1978" in response.content.decode()


# --- The committed catalogue -------------------------------------------------------------------------


def _parse_po(path):
    """Minimal .po reader: {(msgctxt or None, msgid): (msgstr, flags)} for the entries (header excluded)."""
    entries, flags, key, buf = {}, set(), None, {}

    def flush():
        nonlocal flags, key, buf
        if "msgid" in buf:
            msgid = "".join(buf["msgid"])
            if msgid:
                forms = ["".join(v) for k, v in sorted(buf.items()) if k.startswith("msgstr[")]
                msgstr = "".join(buf.get("msgstr", [])) if not forms else ("" if not all(forms) else forms[0])
                context = "".join(buf["msgctxt"]) if "msgctxt" in buf else None
                entries[context, msgid] = (msgstr, flags)
        flags, key, buf = set(), None, {}

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
        elif line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ")):
            key, _, literal = line.partition(" ")
            buf[key] = [ast.literal_eval(literal)]
        elif line.startswith(("msgid_plural ", "msgstr[")):
            # Plural entries: each form is kept under its own key and checked at flush.
            key, _, literal = line.partition(" ")
            buf[key] = [ast.literal_eval(literal)]
        elif line.startswith('"'):
            buf[key].append(ast.literal_eval(line))
    flush()
    return entries


def test_english_catalogue_is_complete_and_compiled():
    po_path, mo_path = LOCALE_DIR / "django.po", LOCALE_DIR / "django.mo"
    assert po_path.exists()
    assert mo_path.exists(), "run `vpdt compilemessages -l en` and commit django.mo"

    entries = _parse_po(po_path)
    assert len(entries) > 50
    header = po_path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in header and '"Language: en\\n"' in header

    with mo_path.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{.*?\}\}")
    for (context, msgid), (msgstr, flags) in entries.items():
        assert "fuzzy" not in flags, msgid
        assert msgstr.strip(), f"untranslated: {msgid!r}"
        assert sorted(placeholder.findall(msgid)) == sorted(placeholder.findall(msgstr)), msgid
        # The .mo must be compiled from the current .po.
        compiled = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        assert compiled == msgstr, f"django.mo is stale for {msgid!r}"
