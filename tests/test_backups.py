"""Backup and restore round trip (runs on SQLite and on PostgreSQL)."""

import io
import json
import sys
import tarfile
from datetime import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from vpdt.backups import services as backups
from vpdt.backups import tasks
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry, JournalHead
from vpdt.storage import services as storage
from vpdt.storage.models import StoredFile

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT_A = "Quyết định số 12/QĐ-UBND về việc phê duyệt kế hoạch năm 2025.\n".encode() * 50
CONTENT_B = "Công văn gửi Sở Tài chính tỉnh Nghệ An — đề nghị bố trí kinh phí.".encode()


@pytest.fixture(autouse=True)
def backup_env(settings, tmp_path):
    settings.VPDT_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VPDT_BACKUP_KEEP = 3
    # A transactional test before this one may have flushed the chain head away.
    JournalHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": journal.GENESIS})
    return tmp_path


@pytest.fixture
def data():
    from vpdt.accounts.services import create_account
    from vpdt.directory.models import Agency

    agency = Agency.objects.add_root(
        {"name": "UBND tỉnh Nghệ An", "short_name": "UBND", "code": "000.00.00.H41", "level": 2}
    )
    user, _ = create_account(None, full_name="Nguyễn Văn Minh", agency=agency)
    a = storage.store(io.BytesIO(CONTENT_A), "Quyết định phê duyệt.pdf", agency=agency, actor=user)
    b = storage.store(io.BytesIO(CONTENT_B), "Công văn đề nghị.txt", agency=agency, actor=user)
    journal.record("test.event", actor=user, details={"ghi_chú": "Đã xem văn bản"})
    return {"agency": agency, "user": user, "files": {a.name: CONTENT_A, b.name: CONTENT_B}}


def wipe(names):
    for name in names:
        default_storage.delete(name)
    call_command("flush", interactive=False, verbosity=0)


def test_storage_uses_temporary_media_root(backup_env):
    assert str(default_storage.path("x")).startswith(str(backup_env / "media"))


def test_round_trip(data):
    from vpdt.accounts.models import User
    from vpdt.directory.models import Agency

    entries_before = JournalEntry.objects.count()
    path = backups.create_backup()
    assert path.parent == backups.Path(backups.settings.VPDT_BACKUP_DIR)
    assert backups.NAME_RE.match(path.name)
    assert not list(path.parent.glob(".*.partial"))
    assert backups.verify_backup(path) == []
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert set(tar.getnames()) == {
            "manifest.json",
            manifest["database"]["member"],
            *(f"files/{n}" for n in data["files"]),
        }
    assert manifest["database"]["vendor"] in ("sqlite", "postgresql")
    assert manifest["journal_head_seq"] == entries_before
    assert "journal.0002_head_and_append_only" in manifest["migrations"]
    assert JournalEntry.objects.filter(action="backup.create").exists()

    wipe(data["files"])
    assert not Agency.objects.exists() and not StoredFile.objects.exists()
    assert not default_storage.exists(next(iter(data["files"])))

    result = backups.restore_backup(path)
    assert result.ok, result.problems
    assert result.files_restored == 2 and result.stored_files_checked == 2
    assert result.journal_checked == entries_before
    assert Agency.objects.get(code="000.00.00.H41").name == "UBND tỉnh Nghệ An"
    assert User.objects.get(pk=data["user"].pk).full_name == "Nguyễn Văn Minh"
    for name, content in data["files"].items():
        with default_storage.open(name, "rb") as fh:
            assert fh.read() == content
        assert storage.verify(StoredFile.objects.get(name=name), save=False).ok
    assert JournalEntry.objects.filter(action="test.event", details__ghi_chú="Đã xem văn bản").exists()
    assert not JournalEntry.objects.filter(action="backup.create").exists()  # recorded after the snapshot
    assert JournalEntry.objects.filter(action="backup.restore").count() == 1
    assert journal.verify().ok
    if connection.vendor == "postgresql":  # the append-only trigger came back with the dump
        with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
            cursor.execute("UPDATE journal_journalentry SET action = 'sửa'")


def _flip_byte(path, member_name):
    with tarfile.open(path) as tar:
        offset = tar.getmember(member_name).offset_data
    with open(path, "r+b") as fh:
        fh.seek(offset + 5)
        byte = fh.read(1)
        fh.seek(offset + 5)
        fh.write(bytes([byte[0] ^ 0x01]))


def test_tampered_archive_is_refused_before_touching_anything(data):
    from vpdt.directory.models import Agency

    path = backups.create_backup()
    name = next(iter(data["files"]))
    _flip_byte(path, f"files/{name}")
    problems = backups.verify_backup(path)
    assert len(problems) == 1 and "SHA-256" in problems[0]

    Agency.objects.add_root({"name": "UBND huyện Nam Đàn", "short_name": "UBND", "code": "000.01.00.H41", "level": 3})
    default_storage.delete(name)
    default_storage.save(name, io.BytesIO(b"noi dung moi"))
    with pytest.raises(backups.BackupError, match="(?i)không toàn vẹn"):
        backups.restore_backup(path)
    assert Agency.objects.filter(code="000.01.00.H41").exists()
    with default_storage.open(name, "rb") as fh:
        assert fh.read() == b"noi dung moi"
    with pytest.raises(CommandError, match="(?i)không toàn vẹn"):
        call_command("verify_backup", str(path))
    with pytest.raises(CommandError, match="(?i)không toàn vẹn"):
        call_command("restore", str(path), yes=True)


def test_tampered_database_is_refused(data):
    path = backups.create_backup()
    with tarfile.open(path) as tar:
        member = json.load(tar.extractfile("manifest.json"))["database"]["member"]
    _flip_byte(path, member)
    with pytest.raises(backups.BackupError, match=member):
        backups.restore_backup(path)
    assert StoredFile.objects.count() == 2


def test_other_database_vendor_is_refused(data, tmp_path):
    path = backups.create_backup()
    forged = tmp_path / "forged.tar"
    with tarfile.open(path) as src, tarfile.open(forged, "w") as dst:
        for member in src.getmembers():
            raw = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(raw)
                manifest["database"]["vendor"] = "oracle"
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
            dst.addfile(member, io.BytesIO(raw))
    assert backups.verify_backup(forged) == []
    with pytest.raises(backups.BackupError, match="oracle"):
        backups.restore_backup(forged)
    assert StoredFile.objects.count() == 2


def test_commands_round_trip(data, tmp_path, monkeypatch, capsys):
    dest = tmp_path / "elsewhere"
    call_command("backup", dest=str(dest), verbosity=0)
    out = capsys.readouterr().out
    [path] = list(dest.glob("vpdt-backup-*.tar"))
    assert str(path) in out
    call_command("verify_backup", str(path))
    assert "toàn vẹn" in capsys.readouterr().out

    wipe(data["files"])
    monkeypatch.setattr("builtins.input", lambda prompt: "khong")
    with pytest.raises(CommandError, match="hủy"):
        call_command("restore", str(path))
    assert not StoredFile.objects.exists()

    monkeypatch.setattr("builtins.input", lambda prompt: "co")
    call_command("restore", str(path), verbosity=0)
    out = capsys.readouterr().out
    assert "Tệp đã khôi phục: 2" in out and "Khôi phục hoàn tất" in out
    assert StoredFile.objects.count() == 2 and journal.verify().ok


def test_same_second_gets_a_suffix_and_prune_keeps_newest(data, monkeypatch):
    monkeypatch.setattr(backups, "local_now", lambda: datetime(2025, 3, 9, 2, 0, 0, tzinfo=backups.VN))
    first = backups.create_backup()
    second = backups.create_backup()
    assert first.name == "vpdt-backup-20250309-020000.tar"
    assert second.name == "vpdt-backup-20250309-020000-2.tar"

    folder = first.parent
    for stamp in ("20250105-020000", "20250112-020000", "20250223-020000"):
        (folder / f"vpdt-backup-{stamp}.tar").write_bytes(b"")
    (folder / "ghi-chu.txt").write_text("không phải bản sao lưu")
    deleted = backups.prune_backups(keep=2)
    assert deleted == [
        "vpdt-backup-20250105-020000.tar",
        "vpdt-backup-20250112-020000.tar",
        "vpdt-backup-20250223-020000.tar",
    ]
    assert {p.name for p in folder.iterdir()} == {"ghi-chu.txt", first.name, second.name}
    assert backups.prune_backups(keep=0) == []


def test_scheduled_task_backs_up_and_prunes(data, settings):
    settings.VPDT_BACKUP_KEEP = 1
    old = settings.VPDT_BACKUP_DIR / "vpdt-backup-20200101-000000.tar"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"")
    result = tasks.scheduled_backup()
    assert result["pruned"] == [old.name]
    assert backups.verify_backup(result["backup"]) == []


def test_missing_or_failing_program_gives_vietnamese_error():
    with pytest.raises(backups.BackupError, match="Không tìm thấy chương trình"):
        backups._run(["vpdt-khong-co-chuong-trinh-nay"], {})
    with pytest.raises(backups.BackupError, match="mã lỗi 3.*kết nối thất bại"):
        backups._run([sys.executable, "-c", "import sys; sys.stderr.write('kết nối thất bại'); sys.exit(3)"], {})


@pytest.mark.django_db(transaction=True)
def test_backup_api_for_province_admin_only(org, api, settings, tmp_path):
    settings.VPDT_BACKUP_DIR = tmp_path / "api-backups"
    admin = api(org.province_admin)
    response = admin.post("/api/v1/backups/")
    assert response.status_code == 202  # eager in tests: the archive now exists
    listing = admin.get("/api/v1/backups/").json()
    assert len(listing) == 1 and listing[0]["name"].startswith("vpdt-backup-") and listing[0]["size"] > 0
    detail = admin.get(f"/api/v1/backups/{listing[0]['name']}/").json()
    assert detail == {"ok": True, "problems": []}
    assert admin.get("/api/v1/backups/vpdt-backup-20000101-000000.tar/").status_code == 404
    for person in (org.sxd_admin, org.sxd_staff, org.ht_staff):
        assert api(person).get("/api/v1/backups/").status_code == 403
        assert api(person).post("/api/v1/backups/").status_code == 403
