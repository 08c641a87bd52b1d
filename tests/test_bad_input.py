"""Bad input never gives a 500, and always a clear Vietnamese message; main lists keep a constant
number of queries however many rows there are."""

import base64
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from vpdt.accounts.models import User
from vpdt.directory import services as directory
from vpdt.directory.models import Agency, Level, Position, Role, Unit
from vpdt.journal.models import JournalEntry

NOT_FOUND_API = "Không tìm thấy đối tượng (hoặc bạn không có quyền xem)."
REQUIRED = "Trường này là bắt buộc."


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def b64_json(value) -> str:
    return b64(json.dumps(value))


def looks_vietnamese(text: str) -> bool:
    return any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def api_detail_vietnamese(response) -> str:
    body = response.json()
    assert set(body) == {"detail"}, body
    assert looks_vietnamese(body["detail"]), body
    return body["detail"]


@pytest.fixture
def login():
    """login(user) -> a Client signed in. Here the sign-in is not what is tested (the login form and the token
    login are, in test_account_policy.py, test_hardening_lockout.py and the e2e tests): Django's force_login,
    without the password hashing and lockout checks of the form, for the several hundred tests of this module."""

    def _login(user):
        client = Client()
        client.force_login(user, backend="vpdt.accounts.backends.StatusAwareBackend")
        return client

    return _login


@pytest.fixture
def api():
    """api(user) -> an APIClient with a token of the user's own, made directly (as /api/v1/auth/login/ does)."""
    from knox.models import AuthToken

    def _api(user):
        client = APIClient()
        _instance, token = AuthToken.objects.create(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return _api


def all_messages(body) -> list[str]:
    if isinstance(body, dict):
        return [m for v in body.values() for m in all_messages(v)]
    if isinstance(body, list):
        return [m for v in body for m in all_messages(v)]
    return [str(body)]


# ------------------------------------------------------------------------------------------------
# Garbage cursors
# ------------------------------------------------------------------------------------------------

HTML_LISTS = [
    "/can-bo/",
    "/danh-ba/co-quan/",
    "/danh-ba/don-vi/",
    "/nhat-ky/",
    "/ho-so/",
    "/van-ban-di/",
    "/van-ban-di/cho-duyet/",
    "/uy-quyen/",
    "/ky-so/",
]
API_LISTS = [
    "/api/v1/users/",
    "/api/v1/agencies/",
    "/api/v1/units/",
    "/api/v1/positions/",
    "/api/v1/journal/",
    "/api/v1/dossiers/",
    "/api/v1/outgoing-documents/",
    "/api/v1/delegations/",
    "/api/v1/signing-credentials/",
    "/api/v1/trust-roots/",
    "/api/v1/signature-images/",
    "/api/v1/saved-searches/",
]

GARBAGE_CURSORS = [
    "%%%",
    "eyJ4Ijox",  # '{"x":1' — truncated JSON
    "////",
    "a",
    "é",
    b64_json(["Nguyễn", "không-phải-số"]),  # right shape, wrong types
    b64_json(["x", "y"]),
    b64_json([None, None]),
    b64_json([{"a": 1}, [2]]),
    b64_json(["a", 1e308]),
    b64_json([1]),
    b64_json({"p": 1}),
    b64("p=abc"),  # DRF-style cursors with a non-numeric position
    b64("p=abc&o=1&r=1"),
    b64("o=abc"),
    b64("p=" + "9" * 40),
    b64("p=a%00b"),  # NUL: PostgreSQL refuses it in a query
    b64_json(["a\u0000b", 1]),
    "x" * 3000,
]


@pytest.mark.parametrize("url", HTML_LISTS)
@pytest.mark.parametrize("cursor", GARBAGE_CURSORS, ids=range(len(GARBAGE_CURSORS)))
def test_html_lists_survive_garbage_cursors(org, login, url, cursor):
    c = login(org.province_admin)
    response = c.get(url, {"cursor": cursor})
    assert response.status_code == 200
    # A bad cursor shows the first page rather than an error.
    assert response.content.decode().count("<tr>") >= 2


def test_html_raw_percent_cursor(org, login):
    c = login(org.province_admin)
    for url in HTML_LISTS:
        assert c.get(url + "?cursor=%%%").status_code == 200
        assert c.get(url + "?cursor=eyJ4Ijox").status_code == 200


@pytest.mark.parametrize("url", API_LISTS)
@pytest.mark.parametrize("cursor", GARBAGE_CURSORS, ids=range(len(GARBAGE_CURSORS)))
def test_api_lists_refuse_garbage_cursors_in_vietnamese(org, api, url, cursor):
    response = api(org.province_admin).get(url, {"cursor": cursor})
    if response.status_code == 200:  # a harmless cursor (e.g. an unknown position) is simply a page
        assert "results" in response.json()
        return
    assert response.status_code in (400, 404), response.status_code
    assert api_detail_vietnamese(response) == "Con trỏ trang không hợp lệ."


def test_real_cursors_still_work(org, api, login):
    client = api(org.province_admin)
    seen, url = [], "/api/v1/users/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(
        User.objects.filter(agency__path__startswith=org.province.path).values_list("pk", flat=True)
    )
    assert len(seen) == len(set(seen))
    # The HTML pager too (50 a page): make a second page and follow it.
    for i in range(50):
        User.objects.create(username=f"canbo.{i:02d}", full_name=f"Cán bộ thử {i:02d}", agency=org.sxd)
    c = login(org.sxd_admin)
    first = c.get("/can-bo/").content.decode()
    [cursor] = re.findall(r'href="\?cursor=([^"&]+)" data-testid="next-page"', first)
    second = c.get("/can-bo/", {"cursor": cursor}).content.decode()
    assert "Trang đầu" in second and "next-page" not in second
    row = '<tr><td><a href="/can-bo/'
    assert first.count(row) == 50
    assert first.count(row) + second.count(row) == User.objects.filter(agency=org.sxd).count() == 55


# ------------------------------------------------------------------------------------------------
# Non-numeric or odd filters
# ------------------------------------------------------------------------------------------------

ODD_VALUES = [
    "abc",
    "x",
    "zzz",
    "-1",
    "1.5",
    "",
    " ",
    "²",
    "½",
    "１",
    "٣",
    "9" * 30,
    "1; DROP TABLE",
    "'\"<>",
    "Nguyễn" * 200,
]
NUL_MESSAGE = "Địa chỉ yêu cầu chứa ký tự không hợp lệ (NUL)."
HTML_FILTERS = [
    ("/can-bo/", "agency"),
    ("/can-bo/", "status"),
    ("/can-bo/", "unit"),
    ("/can-bo/", "q"),
    ("/danh-ba/co-quan/", "level"),
    ("/danh-ba/co-quan/", "q"),
    ("/danh-ba/don-vi/", "agency"),
    ("/danh-ba/don-vi/", "q"),
    ("/nhat-ky/", "agency"),
    ("/nhat-ky/", "action"),
    ("/nhat-ky/", "object"),
    ("/don-vi-theo-co-quan/", "agency"),
    ("/ho-so/", "year"),
    ("/ho-so/", "status"),
    ("/ho-so/", "q"),
    ("/ho-so/danh-muc/", "year"),
]
API_FILTERS = [
    ("/api/v1/users/", "agency"),
    ("/api/v1/users/", "status"),
    ("/api/v1/users/", "q"),
    ("/api/v1/agencies/", "level"),
    ("/api/v1/agencies/", "code"),
    ("/api/v1/agencies/", "q"),
    ("/api/v1/units/", "agency"),
    ("/api/v1/positions/", "user"),
    ("/api/v1/journal/", "agency"),
    ("/api/v1/journal/", "object"),
    ("/api/v1/users/", "page_size"),
    ("/api/v1/units/", "page_size"),
]
# These refuse a bad value with a 400 and a Vietnamese message instead of ignoring it.
API_STRICT_FILTERS = [("/api/v1/dossiers/", "year"), ("/api/v1/dossiers/", "status")]


@pytest.mark.parametrize("url,param,value", [(u, p, v) for u, p in HTML_FILTERS for v in ODD_VALUES])
def test_html_filters_never_500(org, login, url, param, value):
    response = login(org.province_admin).get(url, {param: value})
    assert response.status_code == 200


@pytest.mark.parametrize("url,param,value", [(u, p, v) for u, p in API_FILTERS for v in ODD_VALUES])
def test_api_filters_never_500(org, api, url, param, value):
    response = api(org.province_admin).get(url, {param: value})
    assert response.status_code == 200, response.content[:500]
    assert "results" in response.json()


@pytest.mark.parametrize("url,param,value", [(u, p, v) for u, p in API_STRICT_FILTERS for v in ODD_VALUES])
def test_api_strict_filters_explain_in_vietnamese(org, api, url, param, value):
    response = api(org.province_admin).get(url, {param: value})
    assert response.status_code in (200, 400), response.content[:500]
    if response.status_code == 400:
        assert all(looks_vietnamese(m) for m in all_messages(response.json())), response.json()
    else:
        assert "results" in response.json()


@pytest.mark.parametrize(
    "url,param",
    HTML_FILTERS + API_FILTERS + API_STRICT_FILTERS + [("/nhat-ky/", "actor"), ("/api/v1/journal/", "action")],
)
def test_nul_characters_in_filters_refused_in_vietnamese(org, login, api, url, param):
    client = api(org.province_admin) if url.startswith("/api/") else login(org.province_admin)
    response = client.get(url, {param: "Nguyễn\x00Văn"})
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert api_detail_vietnamese(response).startswith(NUL_MESSAGE)
    else:
        assert NUL_MESSAGE in response.content.decode()


def test_nonnumeric_filters_are_ignored_not_applied(org, login, api):
    """?agency=abc does not filter (and does not error): the same rows as without it."""
    c = login(org.province_admin)
    assert c.get("/can-bo/", {"agency": "abc", "status": "zzz"}).content.decode().count('href="/can-bo/') == c.get(
        "/can-bo/"
    ).content.decode().count('href="/can-bo/')
    client = api(org.province_admin)
    assert (
        client.get("/api/v1/agencies/", {"level": "x"}).json()["results"]
        == client.get("/api/v1/agencies/").json()["results"]
    )


# Every id and page parameter goes through vpdt.core.params.int_param: ASCII digits, no sign, within a 64-bit
# integer. Unicode digits ("²" passes str.isdigit() and int() refuses it; int("١٢") is 12), signs, separators,
# whitespace and huge numbers are no id.
ID_VALUES = [
    "²",
    "١٢",
    "１２",
    "+1",
    "-1",
    " 1 ",
    "1\t",
    "\u00a01",
    "1_000",
    "0x1F",
    "1e3",
    "1.0",
    "9" * 19,
    "9" * 30,
    "",
    "abc",
]
HTML_ID_PARAMS = [
    ("/can-bo/", "agency", "province_admin"),
    ("/can-bo/", "unit", "province_admin"),
    ("/danh-ba/don-vi/", "agency", "province_admin"),
    ("/nhat-ky/", "agency", "province_admin"),
    ("/don-vi-theo-co-quan/", "agency", "province_admin"),
    ("/ho-so/", "year", "sxd_staff"),
    ("/van-ban-den/", "register", "sxd_clerk"),
    ("/van-ban-den/", "year", "sxd_clerk"),
    ("/van-ban-den/", "number", "sxd_clerk"),
    ("/van-ban-den/vao-so/", "ban-quet", "sxd_clerk"),
    ("/van-ban-di/so-van-ban-di/", "year", "sxd_clerk"),
    ("/van-ban-di/so-van-ban-di/", "number", "sxd_clerk"),
    ("/van-ban-di/soan-thao/", "reply_to", "sxd_staff"),
    ("/van-ban-di/soan-thao/", "related_to", "sxd_staff"),
    ("/tim-kiem/", "page", "sxd_staff"),
    ("/tim-kiem/", "doc_type", "sxd_staff"),
]
API_ID_PARAMS = [
    ("/api/v1/users/", "agency", "province_admin"),
    ("/api/v1/units/", "agency", "province_admin"),
    ("/api/v1/positions/", "user", "province_admin"),
    ("/api/v1/journal/", "agency", "province_admin"),
    ("/api/v1/agencies/", "level", "province_admin"),
    ("/api/v1/dossiers/", "year", "sxd_staff"),
    ("/api/v1/signature-verifications/", "file", "sxd_clerk"),
    ("/api/v1/digitizations/", "file", "sxd_clerk"),
    ("/api/v1/incoming-documents/", "register", "sxd_clerk"),
    ("/api/v1/incoming-documents/", "year", "sxd_clerk"),
    ("/api/v1/incoming-documents/", "urgency", "sxd_clerk"),
    ("/api/v1/outgoing-documents/", "year", "sxd_staff"),
    ("/api/v1/outgoing-documents/", "doc_type", "sxd_staff"),
    ("/api/v1/search/", "page", "sxd_staff"),
    ("/api/v1/users/", "page_size", "province_admin"),
    ("/api/v1/incoming-documents/", "page_size", "sxd_clerk"),
]


@pytest.mark.parametrize(
    "value,expected",
    [
        ("7", 7),
        (" 42\t", 42),
        ("0", 0),
        (str(2**63 - 1), 2**63 - 1),
        (12, 12),
        *((v, None) for v in ID_VALUES if v.strip(" \t") != "1"),
        (str(2**63), None),
        (-3, None),
        (True, None),
        (None, None),
    ],
)
def test_int_param(value, expected):
    from vpdt.core.params import int_param

    assert int_param(value) == expected


@pytest.mark.parametrize("url,param,who", HTML_ID_PARAMS)
def test_html_id_and_page_params_never_500(org, login, url, param, who):
    client = login(getattr(org, who))
    for value in ID_VALUES:
        response = client.get(url, {param: value})
        assert response.status_code in (200, 302, 404), (value, response.status_code)


@pytest.mark.parametrize("url,param,who", API_ID_PARAMS)
def test_api_id_and_page_params_never_500(org, api, url, param, who):
    client = api(getattr(org, who))
    for value in ID_VALUES:
        response = client.get(url, {param: value})
        assert response.status_code in (200, 400), (value, response.status_code, response.content[:300])
        if response.status_code == 400:
            assert all(looks_vietnamese(m) for m in all_messages(response.json())), (value, response.json())


def test_unicode_digits_name_no_object(org, api, login):
    client = api(org.province_admin)
    arabic = str(org.sxd.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert client.get(f"/api/v1/agencies/{org.sxd.pk}/").status_code == 200
    for pk in (arabic, arabic + "0", "+" + str(org.sxd.pk), str(org.sxd.pk) + ".0"):
        response = client.get(f"/api/v1/agencies/{pk}/")
        assert response.status_code == 404
        assert api_detail_vietnamese(response) == NOT_FOUND_API
    everyone = client.get("/api/v1/users/").json()["results"]
    assert len(everyone) > 3
    assert len(client.get("/api/v1/users/", {"page_size": "3"}).json()["results"]) == 3
    assert client.get("/api/v1/users/", {"page_size": "٣"}).json()["results"] == everyone  # no page size given
    assert client.get("/api/v1/units/", {"agency": arabic}).json() == client.get("/api/v1/units/").json()


def test_dossier_filing_with_odd_ids(org, login):
    from tests.test_incoming_api import fields
    from vpdt.incoming import services as incoming

    document = incoming.register_document(org.sxd_clerk, agency=org.sxd, **fields()).document
    client = login(org.sxd_clerk)
    for value in ("²", "١", "-1", "9" * 30, "abc"):
        response = client.post(f"/ho-so/van-ban-den/{document.pk}/", {"dossiers": [value]})
        assert response.status_code in (200, 302), (value, response.status_code)


def test_journal_bad_dates_are_explained(org, login, api):
    c = login(org.province_admin)
    response = c.get("/nhat-ky/", {"date_from": "31/02/2026", "date_to": "hôm qua"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ngày “31/02/2026” không hợp lệ, hãy nhập theo dạng dd/mm/yyyy." in html
    assert "Ngày “hôm qua” không hợp lệ" in html
    response = api(org.province_admin).get("/api/v1/journal/", {"date_from": "31/02/2026"})
    assert response.status_code == 400
    assert "Ngày “31/02/2026” không hợp lệ" in " ".join(all_messages(response.json()))


# ------------------------------------------------------------------------------------------------
# Nonexistent ids
# ------------------------------------------------------------------------------------------------

MISSING_HTML_GET = [
    "/can-bo/{id}/",
    "/danh-ba/co-quan/{id}/",
    "/danh-ba/co-quan/{id}/sua/",
    "/danh-ba/co-quan/{id}/don-vi/them/",
    "/danh-ba/don-vi/{id}/sua/",
    "/danh-ba/can-bo/{id}/chuc-vu/them/",
    "/khong-co-trang-nay/",
    "/danh-ba/co-quan/abc/",
    "/ho-so/{id}/",
    "/ho-so/{id}/sua/",
    "/ho-so/{id}/xuat.pdf",
    "/ho-so/van-ban-den/{id}/",
    "/van-ban-di/{id}/",
    "/van-ban-di/{id}/so-sanh/",
    "/van-ban-di/{id}/tep/1/",
    "/ky-so/chung-thu/{id}/",
    "/ky-so/hinh/{id}.png",
]
MISSING_HTML_POST = [
    "/danh-ba/chuc-vu/{id}/ket-thuc/",
    "/can-bo/{id}/lock/",
    "/danh-ba/co-quan/{id}/sua/",
    "/danh-ba/don-vi/{id}/sua/",
    "/ho-so/{id}/chuyen/close/",
    "/ho-so/{id}/rut/1/",
    "/van-ban-di/{id}/dong-y/",
    "/van-ban-di/{id}/thu-hoi/",
    "/uy-quyen/{id}/thu-hoi/",
    "/ky-so/chung-thu/{id}/ngung/",
    "/ky-so/goc-tin-cay/{id}/trang-thai/",
]
MISSING_IDS = [999999, 99999999999999999999]


@pytest.mark.parametrize("missing_id", MISSING_IDS)
@pytest.mark.parametrize("url", MISSING_HTML_GET)
def test_html_missing_objects_show_vietnamese_404(org, login, url, missing_id):
    response = login(org.province_admin).get(url.format(id=missing_id))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy" in html
    assert "Traceback" not in html and "Page not found" not in html


@pytest.mark.parametrize("missing_id", MISSING_IDS)
@pytest.mark.parametrize("url", MISSING_HTML_POST)
def test_html_post_to_missing_objects_404(org, login, url, missing_id):
    response = login(org.province_admin).post(url.format(id=missing_id), {"reason": "other", "note": "thử"})
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


API_DETAIL = [
    "/api/v1/users/{id}/",
    "/api/v1/agencies/{id}/",
    "/api/v1/units/{id}/",
    "/api/v1/positions/{id}/",
    "/api/v1/journal/{id}/",
    "/api/v1/dossiers/{id}/",
    "/api/v1/dossier-items/{id}/",
    "/api/v1/outgoing-documents/{id}/",
    "/api/v1/delegations/{id}/",
    "/api/v1/signing-credentials/{id}/",
    "/api/v1/trust-roots/{id}/",
    "/api/v1/signature-images/{id}/",
    "/api/v1/signing-policies/{id}/",
]


@pytest.mark.parametrize("missing_id", MISSING_IDS + ["abc"])
@pytest.mark.parametrize("url", API_DETAIL)
def test_api_missing_objects_404_json_vietnamese(org, api, url, missing_id):
    response = api(org.province_admin).get(url.format(id=missing_id))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert api_detail_vietnamese(response) == NOT_FOUND_API


@pytest.mark.parametrize(
    "url,method",
    [
        ("/api/v1/agencies/{id}/", "patch"),
        ("/api/v1/units/{id}/", "patch"),
        ("/api/v1/positions/{id}/end/", "post"),
        ("/api/v1/users/{id}/lock/", "post"),
        ("/api/v1/users/{id}/reset-password/", "post"),
    ],
)
def test_api_actions_on_missing_objects_404(org, api, url, method):
    client = api(org.province_admin)
    response = getattr(client, method)(url.format(id=999999), {"note": "Không có"}, format="json")
    assert response.status_code == 404
    assert api_detail_vietnamese(response)


# ------------------------------------------------------------------------------------------------
# Forms: missing fields, bad dates, long names, CSRF
# ------------------------------------------------------------------------------------------------


FORMS = [
    "/danh-ba/co-quan/them/",
    "/danh-ba/co-quan/{sxd}/don-vi/them/",
    "/can-bo/tao/",
    "/danh-ba/can-bo/{staff}/chuc-vu/them/",
    "/danh-ba/co-quan/{sxd}/sua/",
    "/danh-ba/don-vi/{vp}/sua/",
]
BLANK = {
    "parent": "",
    "name": "",
    "short_name": "",
    "code": "",
    "level": "",
    "full_name": "",
    "agency": "",
    "unit": "",
    "title": "",
    "role": "",
    "birth_date": "",
}


def _form_param(url, body_name):
    return pytest.param(url, body_name)


@pytest.mark.parametrize(
    "url,body_name", [_form_param(u, b) for u in FORMS for b in ("khong-co-du-lieu", "truong-de-trong")]
)
def test_forms_with_missing_required_fields(org, login, url, body_name):
    c = login(org.province_admin)
    url = url.format(sxd=org.sxd.pk, staff=org.sxd_staff.pk, vp=org.sxd_vp.pk)
    counts = (Agency.objects.count(), Unit.objects.count(), User.objects.count(), Position.objects.count())
    response = c.post(url, {} if body_name == "khong-co-du-lieu" else BLANK)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert REQUIRED in html, url
    assert '<ul class="errorlist">' in html, url
    assert (Agency.objects.count(), Unit.objects.count(), User.objects.count(), Position.objects.count()) == counts
    assert Agency.objects.get(pk=org.sxd.pk).name == "Sở Xây dựng tỉnh Nghệ An"
    assert Unit.objects.get(pk=org.sxd_vp.pk).name == "Văn phòng Sở"


SIGNING_FORMS = [
    "/ky-so/chung-thu/them-p12/",
    "/ky-so/chung-thu/them-chung-thu/",
    "/ky-so/goc-tin-cay/",
    "/ky-so/hinh/",
    "/ky-so/chinh-sach/",
]


@pytest.mark.parametrize("url", SIGNING_FORMS)
@pytest.mark.parametrize(
    "body",
    [
        {},
        {
            "agency": "abc",
            "kind": "x" * 300,
            "user": "-1",
            "width_mm": "1e400",
            "height_mm": "NaN",
            "on_failure": "\u0000",
            "p12": "khong-phai-tep",
        },
    ],
)
def test_signing_forms_with_missing_or_garbage_fields(org, login, url, body):
    response = login(org.province_admin).post(url, body)
    html = response.content.decode()
    if url == "/ky-so/chinh-sach/" and body:  # the agency "abc" is not one the user administers
        assert response.status_code == 404 and "Không tìm thấy" in html
        return
    assert response.status_code == 200, url
    assert '<ul class="errorlist">' in html and looks_vietnamese(html)


@pytest.mark.parametrize("url", ["/api/v1/signing-credentials/", "/api/v1/trust-roots/", "/api/v1/signature-images/"])
def test_signing_api_create_with_garbage(org, api, url):
    client = api(org.province_admin)
    for body, kind in (({}, "json"), ({"kind": "x", "width_mm": "1e400", "file": "khong-phai-tep"}, "multipart")):
        response = client.post(url, body, format=kind)
        assert response.status_code == 400, (url, response.content)
        assert all(looks_vietnamese(m) for m in all_messages(response.json())), response.json()


@pytest.mark.parametrize(
    "value", ["31/02/2026", "30/02/2000", "32/01/1990", "00/01/1990", "1990-13-01", "ngày mai", "12/05/99999"]
)
def test_account_form_invalid_birth_date(org, login, value):
    before = User.objects.count()
    response = login(org.sxd_admin).post(
        "/can-bo/tao/",
        {"full_name": "Bùi Thị Thanh Tâm", "agency": org.sxd.pk, "role": Role.STAFF, "birth_date": value},
    )
    assert response.status_code == 200
    assert "Nhập một ngày hợp lệ." in response.content.decode()
    assert User.objects.count() == before


def test_account_form_accepts_vietnamese_date(org, login):
    response = login(org.sxd_admin).post(
        "/can-bo/tao/",
        {"full_name": "Bùi Thị Thanh Tâm", "agency": org.sxd.pk, "role": Role.STAFF, "birth_date": "29/02/1996"},
    )
    assert response.status_code == 200
    user = User.objects.get(full_name="Bùi Thị Thanh Tâm")
    assert user.birth_date.isoformat() == "1996-02-29"


def test_api_invalid_birth_date(org, api):
    before = User.objects.count()
    response = api(org.sxd_admin).post(
        "/api/v1/users/",
        {"full_name": "Bùi Thị Thanh Tâm", "agency": org.sxd.pk, "birth_date": "31/02/2026"},
        format="json",
    )
    assert response.status_code == 400
    [message] = response.json()["birth_date"]
    assert message.startswith("Ngày sai định dạng.")
    assert User.objects.count() == before


LONG = "Phòng Quản lý đô thị và phát triển hạ tầng kỹ thuật " * 6  # about 300 characters


def test_very_long_names_in_forms(org, login):
    assert len(LONG) >= 300
    c = login(org.province_admin)
    counts = (Agency.objects.count(), Unit.objects.count(), User.objects.count())
    response = c.post(
        "/danh-ba/co-quan/them/",
        {"parent": org.province.pk, "name": LONG, "short_name": "DT", "code": "000.00.77.H41", "level": Level.PROVINCE},
    )
    assert response.status_code == 200
    assert "Giá trị này chỉ có tối đa 200 kí tự" in response.content.decode()
    response = c.post(f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/", {"name": LONG, "short_name": "QLDT"})
    assert response.status_code == 200
    assert "Giá trị này chỉ có tối đa 200 kí tự" in response.content.decode()
    response = c.post("/can-bo/tao/", {"full_name": LONG, "agency": org.sxd.pk, "role": Role.STAFF})
    assert response.status_code == 200
    assert "Giá trị này chỉ có tối đa 100 kí tự" in response.content.decode()
    response = c.post(f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/", {"name": "Phòng A", "short_name": "Q" * 300})
    assert response.status_code == 200
    assert "tối đa 30 kí tự" in response.content.decode()
    assert (Agency.objects.count(), Unit.objects.count(), User.objects.count()) == counts
    # Searching with a very long text is just a search.
    for url in ("/can-bo/", "/danh-ba/co-quan/", "/danh-ba/don-vi/", "/nhat-ky/"):
        assert c.get(url, {"q": LONG, "object": LONG, "actor": LONG}).status_code == 200


def test_very_long_names_in_api(org, api):
    client = api(org.province_admin)
    response = client.post(
        "/api/v1/agencies/",
        {
            "parent_id": org.province.pk,
            "name": LONG,
            "short_name": "DT",
            "code": "000.00.77.H41",
            "level": Level.PROVINCE,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["Trường này chỉ được có tối đa 200 ký tự."]}
    response = client.post("/api/v1/units/", {"agency": org.sxd.pk, "name": LONG, "short_name": "QLDT"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["Trường này chỉ được có tối đa 200 ký tự."]}
    response = client.post("/api/v1/users/", {"full_name": LONG, "agency": org.sxd.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"full_name": ["Trường này chỉ được có tối đa 100 ký tự."]}
    assert client.get("/api/v1/users/", {"q": LONG * 10}).status_code == 200


def test_csrf_failure_renders_vietnamese_page(org):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/dang-nhap/", {"username": org.sxd_admin.username, "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Phiên làm việc đã hết hạn" in html
    assert "Vui lòng tải lại trang và thử lại." in html
    assert "CSRF verification failed" not in html

    client.force_login(org.sxd_admin, backend="vpdt.accounts.backends.StatusAwareBackend")
    before = Unit.objects.count()
    response = client.post(f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/", {"name": "Thanh tra", "short_name": "TT"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()
    assert Unit.objects.count() == before
    # With the token from the form, the same request goes through.
    page = client.get(f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(
        f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/",
        {"name": "Thanh tra", "short_name": "TT", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Unit.objects.count() == before + 1


# ------------------------------------------------------------------------------------------------
# API: malformed bodies and wrong types
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ['{"name": ', "{'name': 'Sở'}", "không phải JSON", "\x00\x01", '{"a": 1,}', "[1, 2"])
@pytest.mark.parametrize(
    "url", ["/api/v1/agencies/", "/api/v1/units/", "/api/v1/positions/", "/api/v1/users/", "/api/v1/auth/login/"]
)
def test_api_malformed_json(org, api, url, body):
    client = api(org.province_admin) if "auth" not in url else APIClient()
    before = (Agency.objects.count(), Unit.objects.count(), User.objects.count())
    response = client.post(url, body.encode(), content_type="application/json")
    assert response.status_code == 400
    assert api_detail_vietnamese(response) == "Dữ liệu gửi lên không đúng định dạng."
    assert (Agency.objects.count(), Unit.objects.count(), User.objects.count()) == before


def test_api_malformed_patch(org, api):
    response = api(org.province_admin).patch(
        f"/api/v1/agencies/{org.sxd.pk}/", b'{"phone": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert api_detail_vietnamese(response) == "Dữ liệu gửi lên không đúng định dạng."


@pytest.mark.parametrize(
    "payload",
    [
        [1, 2, 3],
        "chuỗi",
        {"parent_id": 99999999, "name": "Sở Tư pháp", "short_name": "STP", "code": "000.00.19.H41", "level": 2},
        {"parent_id": "abc", "name": "Sở Tư pháp", "short_name": "STP", "code": "000.00.19.H41", "level": 2},
        {"parent_id": 1, "name": "Sở Tư pháp", "short_name": "STP", "code": "000.00.19.H41", "level": "abc"},
        {"parent_id": 1, "name": "Sở Tư pháp", "short_name": "STP", "code": "000.00.19.H41", "level": 9},
        {"parent_id": 1, "name": ["Sở"], "short_name": "STP", "code": "000.00.19.H41", "level": 2},
        {
            "parent_id": 1,
            "name": "Sở Tư pháp",
            "short_name": "STP",
            "code": "000.00.19.H41",
            "level": 2,
            "exchange_only_with_parent": "có lẽ",
        },
        {"parent_id": 1, "name": "Sở Tư pháp", "short_name": "STP", "code": None, "level": 2},
        {
            "parent_id": 1,
            "name": "Sở Tư pháp",
            "short_name": "STP",
            "code": "000.00.19.H41",
            "level": 2,
            "email": "không-phải-email",
        },
        {},
    ],
    ids=range(11),
)
def test_api_wrong_types_are_vietnamese(org, api, payload):
    if isinstance(payload, dict) and payload.get("parent_id") == 1:
        payload["parent_id"] = org.province.pk
    before = Agency.objects.count()
    response = api(org.province_admin).post("/api/v1/agencies/", payload, format="json")
    assert response.status_code == 400, response.content
    messages = all_messages(response.json())
    assert messages
    for message in messages:
        assert looks_vietnamese(message), messages
    assert Agency.objects.count() == before


def test_api_unsupported_media_type_and_method(org, api):
    client = api(org.province_admin)
    response = client.post("/api/v1/units/", b"name=Thanh tra", content_type="text/plain")
    assert response.status_code == 415
    assert api_detail_vietnamese(response)
    response = client.delete(f"/api/v1/agencies/{org.sxd.pk}/")
    assert response.status_code == 405
    assert api_detail_vietnamese(response)
    assert Agency.objects.filter(pk=org.sxd.pk).exists()


# ------------------------------------------------------------------------------------------------
# Query counts: constant, whatever the number of rows
# ------------------------------------------------------------------------------------------------


def _grow(org, n):
    """Bring SXD to at least n people, n units and n child agencies (with their units)."""
    have = User.objects.filter(agency=org.sxd).count()
    people = User.objects.bulk_create(
        [
            User(
                username=f"chuyenvien.{i:03d}",
                full_name=f"Nguyễn Văn Thử {i:03d}",
                agency=org.sxd,
                must_change_password=False,
            )
            for i in range(have, n)
        ]
    )
    Position.objects.bulk_create(
        [Position(user=p, agency=org.sxd, unit=org.sxd_khtc, title="Chuyên viên", role=Role.STAFF) for p in people]
    )
    have = Unit.objects.filter(agency=org.sxd).count()
    Unit.objects.bulk_create(
        [
            Unit(agency=org.sxd, parent=org.sxd_vp, name=f"Tổ công tác số {i:03d}", short_name=f"TCT{i:03d}")
            for i in range(have, n)
        ]
    )
    have = Agency.objects.filter(code__startswith="H41.98.").count()
    for i in range(have, n):
        child = directory.create_agency(
            None,
            Agency.objects.get(pk=org.province.pk),
            name=f"Ban quản lý dự án số {i:03d}",
            short_name=f"BQL{i:03d}",
            code=f"H41.98.{i:02d}",
            level=Level.PROVINCE,
        )
        Unit.objects.create(agency=child, name="Văn phòng", short_name="VP")
    for i in range(5):
        directory.create_unit(None, org.sxd, name=f"Phòng số {i}", short_name=f"P{i}{n}")


QUERY_PAGES = [
    ("html", "/can-bo/"),
    ("html", "/can-bo/?status=active"),
    ("html", "/danh-ba/co-quan/"),
    ("html", "/danh-ba/don-vi/"),
    ("html", "/nhat-ky/"),
    ("api", "/api/v1/users/"),
    ("api", "/api/v1/agencies/"),
    ("api", "/api/v1/units/"),
    ("api", "/api/v1/positions/"),
    ("api", "/api/v1/journal/"),
]


@pytest.mark.parametrize("channel,url", QUERY_PAGES)
def test_list_query_count_is_constant(org, login, api, django_assert_max_num_queries, channel, url):
    client = login(org.province_admin) if channel == "html" else api(org.province_admin)

    def rows(response):
        if channel == "api":
            return len(response.json()["results"])
        return response.content.decode().count("<tr>") - 1

    params = {"page_size": 200} if channel == "api" else {}
    _grow(org, 5)
    client.get(url, params)  # warm up (session, caches)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url, params)
    assert response.status_code == 200
    few = rows(response)

    _grow(org, 60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, params)
    assert response.status_code == 200
    assert rows(response) > few, "the bigger data set must show more rows"


def test_agency_detail_query_count_is_constant(org, login, django_assert_max_num_queries):
    c = login(org.province_admin)
    url = f"/danh-ba/co-quan/{org.sxd.pk}/"
    _grow(org, 5)
    c.get(url)
    with CaptureQueriesContext(connection) as small:
        c.get(url)
    _grow(org, 60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(url).status_code == 200


def test_position_listing_has_no_per_row_queries(org, api, django_assert_max_num_queries):
    client = api(org.province_admin)
    client.get("/api/v1/positions/", {"page_size": 200})
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/positions/", {"page_size": 200})
    people = User.objects.bulk_create(
        [User(username=f"cv.{i:03d}", full_name=f"Trần Văn {i:03d}", agency=org.sxd) for i in range(40)]
    )
    Position.objects.bulk_create(
        [Position(user=p, agency=org.sxd, unit=org.sxd_khtc, title="Chuyên viên", role=Role.STAFF) for p in people]
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get("/api/v1/positions/", {"page_size": 200}).json()["results"]) >= 45
    assert JournalEntry.objects.exists()
