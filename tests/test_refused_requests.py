"""Requests refused before any view runs (too many fields or files, a body over the size limit, JSON nested
thousands deep, a suspicious host) get a 400 or 413 with a Vietnamese message: JSON under /api/, a Vietnamese page
on the screens; never a 500, never a stack trace."""

import json

import pytest
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousFileOperation,
    TooManyFieldsSent,
)
from django.test import Client
from rest_framework.test import APIClient

from tests.test_bad_input import looks_vietnamese
from vpdt.core.api import exception_handler
from vpdt.dossiers.models import Dossier

LOGIN_API = "/api/v1/auth/login/"
TOO_MANY_FIELDS = "Biểu mẫu gửi lên có quá nhiều trường (tối đa 1000)."
TOO_DEEP = "Dữ liệu gửi lên lồng nhau quá sâu."


def many_fields(n=1001) -> str:
    return "&".join(f"truong{i}=gia-tri" for i in range(n))


def nested(depth=3000) -> str:
    return "[" * depth + "]" * depth


def api_detail(response) -> str:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"detail"} and looks_vietnamese(body["detail"]), body
    return body["detail"]


def vietnamese_page(response, title: str) -> str:
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert title in html and "Traceback" not in html and "Bad Request" not in html
    return html


# --- Too many fields ---------------------------------------------------------------------------------------------


def test_api_login_with_too_many_fields(db):
    response = APIClient().post(LOGIN_API, many_fields(), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert api_detail(response) == TOO_MANY_FIELDS


def test_api_patch_with_too_many_fields(org, api):
    """A PATCH body is parsed by the API's own form parser (Django parses POST only)."""
    response = api(org.sxd_admin).patch(
        f"/api/v1/units/{org.sxd_vp.pk}/", many_fields(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert api_detail(response) == TOO_MANY_FIELDS


def test_screen_login_with_too_many_fields(db):
    response = Client().post("/dang-nhap/", many_fields(), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert TOO_MANY_FIELDS in vietnamese_page(response, "Yêu cầu không hợp lệ")


def test_api_too_many_files(org, api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"cong-van-{i}.pdf", b"%PDF-1.4", content_type="application/pdf") for i in range(5)]
    response = api(org.sxd_clerk).post("/api/v1/incoming-documents/", {"files": files}, format="multipart")
    assert response.status_code == 400
    assert api_detail(response) == "Gửi lên quá nhiều tệp trong một lần (tối đa 3)."


# --- Too big -----------------------------------------------------------------------------------------------------


@pytest.fixture
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    return "x" * (3 * 1024 * 1024)


def test_api_json_body_over_the_limit(org, api, small_limit):
    before = Dossier.objects.count()
    response = api(org.sxd_staff).post(
        "/api/v1/dossiers/", json.dumps({"title": small_limit}), content_type="application/json"
    )
    assert response.status_code == 413
    assert api_detail(response) == "Dữ liệu gửi lên quá lớn (tối đa 2 MB, không kể tệp đính kèm)."
    assert Dossier.objects.count() == before


@pytest.mark.parametrize("method", ["post", "patch"])
def test_api_form_body_over_the_limit(org, api, small_limit, method):
    client = api(org.sxd_admin)
    url = "/api/v1/units/" if method == "post" else f"/api/v1/units/{org.sxd_vp.pk}/"
    response = getattr(client, method)(url, f"name={small_limit}", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert api_detail(response).startswith("Dữ liệu gửi lên quá lớn")


def test_api_login_body_over_the_limit(db, small_limit):
    response = APIClient().post(LOGIN_API, f"username={small_limit}", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert api_detail(response).startswith("Dữ liệu gửi lên quá lớn")


def test_screen_form_over_the_limit(org, login, small_limit):
    before = Dossier.objects.count()
    response = login(org.sxd_staff).post("/ho-so/lap-moi/", {"title": small_limit, "year": "2026"})
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn (tối đa 2 MB" in vietnamese_page(response, "Dữ liệu gửi lên quá lớn")
    assert Dossier.objects.count() == before


# --- Too deep, suspicious ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [nested(), '{"a":' * 3000 + "1" + "}" * 3000, '{"title": ' + nested() + "}"])
def test_api_json_nested_too_deep(org, api, body):
    response = api(org.sxd_staff).post("/api/v1/dossiers/", body, content_type="application/json")
    assert response.status_code == 400
    assert api_detail(response) == TOO_DEEP
    response = APIClient().post(LOGIN_API, body, content_type="application/json")
    assert response.status_code == 400
    assert api_detail(response) == TOO_DEEP


def test_exception_handler_maps_refusals_raised_anywhere():
    for exc, status in (
        (RecursionError(), 400),
        (TooManyFieldsSent(), 400),
        (RequestDataTooBig(), 413),
        (SuspiciousFileOperation("../x"), 400),
    ):
        response = exception_handler(exc, {})
        assert response.status_code == status
        assert looks_vietnamese(response.data["detail"]), response.data


def test_disallowed_host_gets_a_vietnamese_page(db):
    response = Client().get("/dang-nhap/", HTTP_HOST="ke-gia-mao.example")
    assert response.status_code == 400
    vietnamese_page(response, "Yêu cầu không hợp lệ")
    response = Client().get("/api/v1/me/", HTTP_HOST="ke-gia-mao.example")
    assert response.status_code == 400
    assert api_detail(response) == "Yêu cầu không hợp lệ. Vui lòng kiểm tra lại dữ liệu gửi lên."
