"""Security headers on every response (Content-Security-Policy without 'unsafe-inline', nosniff, referrer policy,
no framing, permissions policy), templates free of inline code and styles, and the API schema and docs only for
signed-in people unless the operator publishes them."""

import re
from pathlib import Path

import pytest
import yaml
from django.test import Client

import vpdt

TEMPLATES = sorted(Path(vpdt.__file__).parent.glob("**/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.I)


def _policy(response) -> dict[str, str]:
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


def _assert_hardened(response):
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"] == "'self' http://127.0.0.1:8765"  # and the local signing service
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/dang-nhap/",
        "/",
        "/van-ban-den/",
        "/khong-co-trang-nay/",
        "/api/v1/me/",
        "/api/v1/incoming-documents/",
        "/healthz",
    ],
)
def test_every_response_carries_the_security_headers(org, login, path):
    _assert_hardened(Client().get(path))
    _assert_hardened(login(org.sxd_clerk).get(path))


def test_api_token_answers_carry_them_too(org, api):
    _assert_hardened(api(org.sxd_clerk).get("/api/v1/me/"))


def test_templates_have_no_inline_script_handler_or_style():
    assert len(TEMPLATES) > 50
    found = [
        (path.relative_to(Path(vpdt.__file__).parent), pattern.pattern)
        for path in TEMPLATES
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE)
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_htmx_is_told_not_to_inject_styles_nor_evaluate(org, login):
    html = login(org.sxd_clerk).get("/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '"includeIndicatorStyles": false' in config and '"allowEval": false' in config
    assert '<script src="/static/vpdt/vpdt.js" defer></script>' in html


# --- API schema and documentation ---------------------------------------------------------------------------------


def test_schema_and_docs_need_a_signed_in_person(db):
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 401
    assert yaml.safe_load(response.content) == {"detail": "Chưa đăng nhập hoặc thiếu mã truy cập (token)."}
    response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 401
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/?next=/api/v1/docs/"
    assert Client().get("/api/v1/docs/?script=").status_code == 302


def test_schema_for_session_and_token(org, login, api):
    browser = login(org.sxd_staff)
    assert browser.get("/api/v1/schema/").status_code == 200
    assert "/api/v1/auth/login/" in yaml.safe_load(browser.get("/api/v1/schema/").content)["paths"]
    assert "/api/v1/auth/login/" in yaml.safe_load(api(org.sxd_staff).get("/api/v1/schema/").content)["paths"]
    docs = browser.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert not INLINE_SCRIPT.search(html) and not STYLE.search(html)
    assert '<script src="/api/v1/docs/?script="></script>' in html
    script = browser.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_schema_can_be_published_by_the_operator(db, settings):
    settings.VPDT_API_SCHEMA_PUBLIC = True
    assert Client().get("/api/v1/schema/").status_code == 200
    assert Client().get("/api/v1/docs/").status_code == 200


def test_the_scan_itself_may_not_be_framed_either(org, login):
    """The registration form shows the scan with vpdt's own viewer (pdf.js), not in an <iframe>: the scan's answer
    keeps the policy of every page, framing by no one."""
    from tests.test_scan_prefill import read_scan

    scan = read_scan(org, "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN")
    clerk = login(org.sxd_clerk)
    viewer = clerk.get(f"/so-hoa/ban-quet/{scan.pk}/tep/")
    assert viewer.status_code == 200 and viewer["Content-Disposition"].startswith("inline")
    assert viewer["X-Frame-Options"] == "DENY" and _policy(viewer)["frame-ancestors"] == "'none'"
    form = clerk.get(f"/van-ban-den/vao-so/?ban-quet={scan.pk}")
    assert form["X-Frame-Options"] == "DENY" and _policy(form)["frame-ancestors"] == "'none'"
    assert "<iframe" not in form.content.decode() and 'data-testid="viewer"' in form.content.decode()
