"""Shared fixtures: a small but realistic organisation with every role, in two provinces' worth of agencies."""

import datetime as dt
import re

import pytest
from django.test import Client

import vpdt.urls  # noqa: F401  load the URLconf (and DRF throttles' clock) outside any frozen time
from tests import shared_data
from vpdt.accounts import services as accounts
from vpdt.directory import services as directory
from vpdt.directory.models import Agency, Level, Role

PASSWORD = "Mật-khẩu#2026"
JOURNAL_KEY = "khoa-nhat-ky-kiem-thu-0123456789abcdef0123456789abcdef"


def settings_for_tests(folder) -> dict:
    """Settings of every test, and of the shared data while it is built; files go under ``folder``."""
    return {
        # Argon2 stays the hasher (policy), with test-friendly cost for speed of the suite.
        "PASSWORD_HASHERS": ["tests.hashers.QuickArgon2PasswordHasher"],
        "MEDIA_ROOT": str(folder / "media"),
        "VPDT_BACKUP_DIR": folder / "backups",
        "CELERY_TASK_ALWAYS_EAGER": True,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # The journal's own key and checkpoint file: nothing read from or written to the data folder.
        "VPDT_JOURNAL_KEY": JOURNAL_KEY,
        "VPDT_JOURNAL_CHECKPOINTS": folder / "journal-checkpoints.jsonl",
        # No live process: pages open no socket and nothing is published (the tests of the live channel set it).
        "VPDT_REALTIME_BIND": "",
    }


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    for name, value in settings_for_tests(tmp_path).items():
        setattr(settings, name, value)
    # Throttling and lockout counters live in the cache: start every test clean.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _flush_passes_the_journal_trigger():
    """Transactional tests end with Django's flush (TRUNCATE on PostgreSQL, DELETE on SQLite), which the journal's
    append-only triggers refuse: the flush runs as the database owner's would, with them off."""
    from django.db import connection

    from vpdt.journal.chain import append_only_off

    operations = type(connection.ops)
    original = operations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with append_only_off(self.connection, "flush"):
            original(self, sql_list)

    operations.execute_sql_flush = execute_sql_flush
    yield
    operations.execute_sql_flush = original


def make_person(agency, full_name, role, unit=None, title="", birth_date=None, password=PASSWORD):
    user, _otp = accounts.create_account(
        None, full_name=full_name, agency=agency, unit=unit, role=role, title=title or role.label, birth_date=birth_date
    )
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    return user


class Org:
    """Two provinces: Nghệ An (with two departments and a district) and Hà Tĩnh."""


def restore_migrated_data() -> None:
    """Transactional tests flush the database, data migrations included: put the catalog back."""
    from vpdt.catalog.data import seed_document_types
    from vpdt.catalog.models import DocumentType

    seed_document_types(DocumentType)


shared_data.after_flush(restore_migrated_data)


def build_org(o: Org) -> None:
    o.province = directory.create_agency(
        None, None, name="Ủy ban nhân dân tỉnh Nghệ An", short_name="UBND", code="000.00.00.H41", level=Level.PROVINCE
    )
    o.sxd = directory.create_agency(
        None,
        Agency.objects.get(pk=o.province.pk),
        name="Sở Xây dựng tỉnh Nghệ An",
        short_name="SXD",
        code="000.00.12.H41",
        level=Level.PROVINCE,
    )
    o.stttt = directory.create_agency(
        None,
        Agency.objects.get(pk=o.province.pk),
        name="Sở Thông tin và Truyền thông tỉnh Nghệ An",
        short_name="STTTT",
        code="000.00.15.H41",
        level=Level.PROVINCE,
    )
    o.district = directory.create_agency(
        None,
        Agency.objects.get(pk=o.province.pk),
        name="Ủy ban nhân dân huyện Nghi Lộc",
        short_name="UBND",
        code="000.00.31.H41",
        level=Level.DISTRICT,
    )
    o.other_province = directory.create_agency(
        None, None, name="Ủy ban nhân dân tỉnh Hà Tĩnh", short_name="UBND", code="000.00.00.H42", level=Level.PROVINCE
    )
    o.sxd_vp = directory.create_unit(None, o.sxd, name="Văn phòng Sở", short_name="VP")
    o.sxd_khtc = directory.create_unit(None, o.sxd, name="Phòng Kế hoạch - Tài chính", short_name="KHTC")
    o.stttt_cntt = directory.create_unit(None, o.stttt, name="Phòng Công nghệ thông tin", short_name="CNTT")
    o.ht_vp = directory.create_unit(None, o.other_province, name="Văn phòng UBND tỉnh", short_name="VP")

    o.province_admin = make_person(
        o.stttt, "Nguyễn Văn Minh", Role.PROVINCE_ADMIN, o.stttt_cntt, birth_date=dt.date(1978, 5, 12)
    )
    o.sxd_admin = make_person(o.sxd, "Đặng Quốc Tuấn", Role.ADMIN, o.sxd_vp)
    o.sxd_clerk = make_person(o.sxd, "Lê Thị Hồng Nhung", Role.CLERK, o.sxd_vp)
    o.sxd_leader = make_person(o.sxd, "Trần Thị Thu Hà", Role.LEADER)
    o.sxd_unit_leader = make_person(o.sxd, "Phạm Văn Dũng", Role.UNIT_LEADER, o.sxd_khtc)
    o.sxd_staff = make_person(o.sxd, "Hoàng Thị Lan", Role.STAFF, o.sxd_khtc)
    o.stttt_staff = make_person(o.stttt, "Võ Minh Khoa", Role.STAFF, o.stttt_cntt)
    o.stttt_it = make_person(o.stttt, "Hồ Sỹ Hùng", Role.IT_OFFICER, o.stttt_cntt)
    o.ht_admin = make_person(o.other_province, "Phan Thanh Bình", Role.PROVINCE_ADMIN, o.ht_vp)
    o.ht_staff = make_person(o.other_province, "Dương Thị Ngọc Ánh", Role.STAFF, o.ht_vp)


ORG = shared_data.root("org", build_org)


@pytest.fixture(scope="session")
def _shared_data(django_db_setup, django_db_blocker, tmp_path_factory):
    manager = shared_data.start(django_db_blocker, tmp_path_factory.mktemp("shared-data"), settings_for_tests, Org)
    yield manager
    shared_data.stop(manager)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    shared_data.before_setup(item)


@pytest.fixture
def org(db, _shared_data):
    """The organisation, built once and shared (see tests/shared_data.py): every test gets it unmodified, as
    freshly fetched objects; a transactional test gets it built for itself."""
    return _shared_data.get(ORG)


def unbounded_counts(sqls) -> list[str]:
    """The statements that COUNT rows without a bound: all but the menu's badges, where each COUNT reads at most a
    LIMIT of rows (``SELECT (SELECT COUNT(*) FROM (… LIMIT 100) AS vpdt_count_0), …``, see vpdt.core.work)."""
    found = []
    for sql in sqls:
        sql = sql if isinstance(sql, str) else sql["sql"]
        upper = sql.upper()
        if "COUNT(" in upper and upper.count("COUNT(") != len(re.findall(r"LIMIT \d+\) AS VPDT_COUNT_\d+\)", upper)):
            found.append(sql)
    return found


@pytest.fixture
def login():
    """login(user) -> a Client signed in through the real login form."""

    def _login(user, password=PASSWORD):
        client = Client()
        response = client.post("/dang-nhap/", {"username": user.username, "password": password})
        assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return _login


@pytest.fixture
def api():
    """api(user) -> DRF APIClient with a real token from /api/v1/auth/login/."""
    from rest_framework.test import APIClient

    def _api(user, password=PASSWORD):
        client = APIClient()
        response = client.post("/api/v1/auth/login/", {"username": user.username, "password": password}, format="json")
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
        return client

    return _api


# The longest modules, longest first (on a fresh clone the OCR of test_prefill_corpus.py is the longest of all); the
# e2e modules run after all the others (tests/e2e/conftest.py), the longest of them first among them.
FIRST = (
    "test_prefill_corpus.py",
    "test_schemathesis.py",
    "test_bad_input.py",
    "test_permissions_outgoing.py",
    "test_two_deployments",
    "test_csp.py",
    "test_outgoing_flow.py",
)


def _rank(item) -> int:
    return next((i for i, name in enumerate(FIRST) if item.path.name.startswith(name)), len(FIRST))


def pytest_configure(config):
    """pytest-xdist's ``--dist loadfile`` hands out the modules in the order of the collection only without its
    default reordering by number of tests (which put the one-test modules, the longest of all, last)."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items):
    """The longest modules start first: spread over workers, none of them is left running alone at the end."""
    items.sort(key=_rank)
