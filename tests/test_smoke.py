import pytest


@pytest.mark.django_db
def test_login_page_is_vietnamese(client):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_pages_for_each_role(org, login):
    for user in (org.sxd_admin, org.sxd_staff, org.province_admin, org.stttt_it):
        c = login(user)
        for url in ("/", "/danh-ba/co-quan/", "/danh-ba/don-vi/", "/can-bo/", f"/can-bo/{user.pk}/", "/tai-khoan/"):
            r = c.get(url)
            assert r.status_code == 200, (user.username, url, r.status_code)


def test_models_and_migrations_agree(db):
    """Every model change has its migration: the same migrations serve SQLite and PostgreSQL."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exit_:
        pytest.fail(f"Thiếu migration:\n{out.getvalue()}" if exit_.code else "makemigrations failed")


def test_the_favicon_is_served_from_the_static_files(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("vpdt/favicon.ico")
    found = finders.find("vpdt/favicon.ico")
    assert found and open(found, "rb").read(4) == b"\x00\x00\x01\x00"  # an ICO file
    assert finders.find("vpdt/favicon.svg")
