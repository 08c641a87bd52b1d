"""The demo organisation of `make run`: realistic, every role present, every account usable once."""

import pytest
from django.core.management import call_command
from django.test import Client

from vpdt.accounts.models import User
from vpdt.directory.models import Agency, Level, Position, Role, Unit
from vpdt.sampledata import demo


@pytest.fixture
def demo_accounts(db):
    return demo.load()


def test_demo_organisation_shape(demo_accounts):
    province = Agency.objects.get(code=demo.PROVINCE_CODE)
    assert province.level == Level.PROVINCE and province.name == "Ủy ban nhân dân tỉnh Nghệ An"
    departments = Agency.objects.filter(name__startswith="Sở", path__startswith=province.path)
    assert departments.count() == 2
    for department in departments:
        assert Unit.objects.filter(agency=department).count() == 3
    assert Agency.objects.filter(level=Level.DISTRICT).count() == 1
    assert Agency.objects.filter(level=Level.COMMUNE).count() == 1
    assert Agency.objects.filter(exchange_only_with_parent=True).count() == 1
    assert set(Position.objects.values_list("role", flat=True)) == set(Role.values)
    # A person holding two positions (director and head of a unit).
    assert Position.objects.filter(user__username="hunghs").count() == 2


def test_every_demo_account_logs_in_once_and_must_change_password(demo_accounts):
    assert len(demo_accounts) >= len(Role.values)
    for account in demo_accounts:
        client = Client()
        response = client.post("/dang-nhap/", {"username": account["username"], "password": account["password"]})
        assert response.status_code == 302, account
        assert client.get("/").headers["Location"] == "/doi-mat-khau/"
    assert not User.objects.filter(username__in=[a["username"] for a in demo_accounts],
                                   must_change_password=False).exists()


def test_readme_lists_the_demo_accounts(demo_accounts):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for account in demo_accounts:
        assert f"`{account['username']}` | `{account['password']}`" in readme, account["username"]


def test_load_demo_command_is_idempotent(db, capsys):
    call_command("load_demo", if_empty=True)
    call_command("load_demo", if_empty=True)
    out = capsys.readouterr().out
    assert "Dữ liệu mẫu đã có sẵn." in out
    assert Agency.objects.filter(code=demo.PROVINCE_CODE).count() == 1


def test_demo_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(RuntimeError, match="production"):
        demo.load()


def test_generate_data_small_province(db, capsys):
    call_command("generate_data", agencies=30, users=600, verbosity=1)
    from vpdt.sampledata import generator

    root = Agency.objects.get(code=generator.ROOT_CODE)
    agencies = Agency.objects.filter(path__startswith=root.path)
    assert agencies.count() == 30
    assert set(agencies.values_list("level", flat=True)) == {Level.PROVINCE, Level.DISTRICT, Level.COMMUNE}
    people = User.objects.filter(agency__in=agencies)
    assert people.count() == 600
    assert Position.objects.filter(user__in=people).count() == 600
    assert Position.objects.filter(user__in=people, role=Role.PROVINCE_ADMIN).count() == 1
    # Usernames follow the name-style rules, collisions included.
    assert all(u.replace(".", "").isalnum() and u.islower() for u in people.values_list("username", flat=True))
    assert "Đã sinh 30 cơ quan" in capsys.readouterr().out
    with pytest.raises(Exception, match="đã có"):
        call_command("generate_data", agencies=30, users=600)
