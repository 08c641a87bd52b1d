"""The journal against someone who can write to the database but does not hold the journal key: every way of
rewriting history is reported (keyed chain, signed checkpoints outside the database, append-only trigger)."""

import io
import json
import os
import stat
from io import StringIO
from itertools import pairwise

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from tests.conftest import JOURNAL_KEY
from vpdt.journal import chain, checkpoints, keys, tasks
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry, JournalHead
from vpdt.storage import services as storage
from vpdt.storage.models import StoredFile

IS_POSTGRES = connection.vendor == "postgresql"
# What an attacker without the journal key may use: any other key (or the old unkeyed SHA-256 scheme).
ATTACKER = keys._key("khoa-cua-ke-tan-cong-khong-phai-khoa-that-0123456789")


def _register_documents(org, n, start=1):
    """Realistic business entries: incoming documents registered by the clerk of Sở Xây dựng."""
    return [
        journal.record(
            "incoming.register",
            actor=org.sxd_clerk,
            agency=org.sxd,
            object_type="incoming.incomingdocument",
            object_id=1000 + i,
            object_repr=f"Công văn số {i}/UBND-KT",
            details={"so_den": i, "trich_yeu": f"V/v triển khai kế hoạch số {i} năm 2026 của UBND tỉnh"},
        )
        for i in range(start, start + n)
    ]


def _tamper(sql, params=()):
    """Change journal rows behind the application's back, as the database owner could."""
    with chain.append_only_off(connection, "kiểm thử"), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _json_param():
    return "%s::jsonb" if IS_POSTGRES else "%s"


def _forge(entry, prev_hash, key=ATTACKER):
    """Re-link and re-seal ``entry`` as an attacker would, keeping the genuine key id."""
    entry.prev_hash = prev_hash
    entry.hash = chain.mac(key, entry)
    _tamper(
        f"UPDATE journal_journalentry SET seq = %s, details = {_json_param()}, prev_hash = %s, hash = %s WHERE id = %s",
        [entry.seq, json.dumps(entry.details, ensure_ascii=False), entry.prev_hash, entry.hash, entry.pk],
    )
    return entry.hash


def _move_head(seq):
    last = JournalEntry.objects.get(seq=seq)
    JournalHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash)


# --- The keyed chain ---------------------------------------------------------------------------


def test_every_column_but_the_surrogate_id_and_the_seal_itself_is_sealed():
    columns = {f.attname for f in JournalEntry._meta.concrete_fields} - {"id", "hash"}
    assert set(chain.FIELDS) == columns


def test_chain_verifies_with_the_key_across_batches(org):
    _register_documents(org, 120)
    entries = list(JournalEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == journal.GENESIS
    assert all(b.prev_hash == a.hash for a, b in pairwise(entries))
    assert {e.key_id for e in entries} == {keys.current().kid}
    result = journal.verify(batch=50)
    assert result.ok and result.problems == []
    assert result.checked == len(entries) == journal.count()


def test_editing_one_entry_is_reported(org):
    target = _register_documents(org, 20)[9]
    _tamper(
        f"UPDATE journal_journalentry SET details = {_json_param()} WHERE seq = %s",
        [json.dumps({"so_den": 10, "trich_yeu": "Nội dung đã bị sửa"}, ensure_ascii=False), target.seq],
    )
    assert JournalEntry.objects.get(seq=target.seq).details["trich_yeu"] == "Nội dung đã bị sửa"
    assert journal.verify().problems == [f"Mục #{target.seq}: nội dung đã bị sửa (mã xác thực không khớp)."]


@pytest.mark.parametrize("column, value", [("request_id", "a3f1c2d4e5b6"), ("ip", "10.41.99.99")])
def test_editing_request_id_or_ip_is_reported(org, column, value):
    target = _register_documents(org, 5)[2]
    _tamper(f"UPDATE journal_journalentry SET {column} = %s WHERE seq = %s", [value, target.seq])
    assert journal.verify().problems == [f"Mục #{target.seq}: nội dung đã bị sửa (mã xác thực không khớp)."]


@pytest.mark.parametrize("scheme", ["other key", "unkeyed SHA-256"])
def test_editing_and_recomputing_the_whole_chain_without_the_key_is_reported(org, scheme):
    entries = _register_documents(org, 12)
    first, last = entries[3].seq, entries[-1].seq
    prev = JournalEntry.objects.get(seq=first - 1).hash
    for entry in JournalEntry.objects.filter(seq__gte=first).order_by("seq"):
        if entry.seq == first:
            entry.details = {"so_den": 4, "trich_yeu": "Giả mạo: văn bản chưa từng đến"}
        if scheme == "other key":
            prev = _forge(entry, prev)
        else:
            entry.prev_hash = prev
            prev = entry.hash = chain.legacy_hash(prev, entry)
            _tamper(
                f"UPDATE journal_journalentry SET details = {_json_param()}, prev_hash = %s, hash = %s WHERE id = %s",
                [json.dumps(entry.details, ensure_ascii=False), entry.prev_hash, entry.hash, entry.pk],
            )
    _move_head(last)
    # Every link and the head agree: only the seals betray the rewrite, from the first rewritten entry on.
    assert journal.verify().problems == [
        f"Mục #{seq}: nội dung đã bị sửa (mã xác thực không khớp)." for seq in range(first, last + 1)
    ]


def test_deleting_and_renumbering_is_reported(org):
    entries = _register_documents(org, 10)
    gone, last = entries[4].seq, entries[-1].seq
    _tamper("DELETE FROM journal_journalentry WHERE seq = %s", [gone])
    prev = JournalEntry.objects.get(seq=gone - 1).hash
    for entry in JournalEntry.objects.filter(seq__gt=gone).order_by("seq"):
        entry.seq -= 1  # renumbered and re-linked: no gap, no broken link left
        prev = _forge(entry, prev)
    _move_head(last - 1)
    assert list(JournalEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, last))
    assert journal.verify().problems == [
        f"Mục #{seq}: nội dung đã bị sửa (mã xác thực không khớp)." for seq in range(gone, last)
    ]


def test_deleting_a_middle_entry_is_reported_as_missing(org):
    target = _register_documents(org, 8)[-1]
    tasks.checkpoint()  # signs the entry about to be deleted
    _register_documents(org, 12, start=9)
    _tamper("DELETE FROM journal_journalentry WHERE seq = %s", [target.seq])
    problems = journal.verify().problems
    assert problems[:2] == [
        f"Thiếu mục nhật ký #{target.seq}–#{target.seq} (đã bị xóa).",
        f"Mục #{target.seq + 1}: liên kết với mục trước không khớp.",
    ]
    assert len(problems) == 3 and problems[2].endswith(f"ghi mục #{target.seq}, nhưng mục này không còn.")


def test_deleting_the_tail_and_moving_the_head_is_caught_by_the_checkpoint(org):
    signed = _register_documents(org, 10)[-1].seq
    assert tasks.checkpoint() == signed
    _register_documents(org, 3, start=11)  # after the checkpoint
    kept = signed - 3
    _tamper("DELETE FROM journal_journalentry WHERE seq > %s", [kept])
    _move_head(kept)
    result = journal.verify()
    assert len(result.problems) == 1
    assert result.problems[0].startswith("Điểm kiểm tra lúc ")
    assert result.problems[0].endswith(
        f"ghi nhật ký đã có đến mục #{signed}, nhưng nay chỉ còn đến mục #{kept}: các mục cuối đã bị xóa."
    )
    # The keyed chain alone cannot see it: without the checkpoint what remains is a valid chain. This is the window
    # the checkpoints close (entries after the last checkpoint can still vanish unnoticed).
    checkpoints.path().unlink()
    assert journal.verify().ok


def test_a_truncated_then_continued_journal_contradicts_the_checkpoint(org):
    signed = _register_documents(org, 6)[-1].seq
    tasks.checkpoint()
    _tamper("DELETE FROM journal_journalentry WHERE seq > %s", [signed - 3])
    _move_head(signed - 3)
    _register_documents(org, 4, start=20)  # the application goes on writing: the same numbers, other content
    problems = journal.verify().problems
    assert len(problems) == 1
    assert f"ghi mục #{signed} với mã" in problems[0]
    assert problems[0].endswith(f"nhật ký đến mục #{signed} đã bị viết lại.")


def test_entries_of_an_unknown_key_and_unsealed_entries_are_reported(org):
    entry = _register_documents(org, 3)[1]
    _tamper("UPDATE journal_journalentry SET key_id = %s WHERE seq = %s", [ATTACKER.kid, entry.seq])
    assert journal.verify().problems == [
        f"Mục #{entry.seq}: niêm phong bằng khóa “{ATTACKER.kid}” không có trong cấu hình khóa nhật ký."
    ]
    _tamper("UPDATE journal_journalentry SET key_id = '' WHERE seq = %s", [entry.seq])
    assert journal.verify().problems == [f"Mục #{entry.seq}: không được niêm phong bằng khóa nhật ký."]


# --- The append-only trigger, the model and the queryset -----------------------------------------


def test_direct_sql_update_and_delete_are_refused_by_the_trigger(org):
    seq = _register_documents(org, 3)[1].seq
    for sql in (
        "UPDATE journal_journalentry SET action = 'incoming.view' WHERE seq = %s",
        "UPDATE journal_journalentry SET request_id = 'gia-mao' WHERE seq = %s",
        "DELETE FROM journal_journalentry WHERE seq = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [seq])
    empty = "TRUNCATE journal_journalentry" if IS_POSTGRES else "DELETE FROM journal_journalentry"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(empty)
    assert JournalEntry.objects.count() == journal.count()
    assert JournalEntry.objects.get(seq=seq).action == "incoming.register"
    assert journal.verify().ok


# --- Keys ------------------------------------------------------------------------------------------


@pytest.fixture
def key_file(settings, tmp_path):
    """No VPDT_JOURNAL_KEY: the key file of a fresh data folder (request it before ``org``)."""
    settings.VPDT_JOURNAL_KEY = ""
    settings.VPDT_JOURNAL_KEY_FILE = tmp_path / "du-lieu" / "journal.key"
    return settings.VPDT_JOURNAL_KEY_FILE


@pytest.mark.own_data
def test_without_configuration_the_key_comes_from_a_0600_file_created_once(key_file, org):
    first = keys.current()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert keys.current() == first and keys.source() == f"tệp {key_file}"
    assert first.kid != keys._key(JOURNAL_KEY).kid
    entry = _register_documents(org, 1)[0]
    assert entry.key_id == first.kid
    assert journal.verify().ok


@pytest.mark.own_data
def test_rotation_keeps_older_entries_verifiable(key_file, org):
    old = keys.current()
    before = _register_documents(org, 3)[-1].seq
    out = StringIO()
    call_command("journal_key", "--rotate", stdout=out)
    new = keys.current()
    assert new != old and [k.kid for k in keys.keyring()] == [new.kid, old.kid]
    assert f"Khóa {new.kid} (hiện hành)" in out.getvalue() and f"Khóa {old.kid} (cũ" in out.getvalue()
    after = _register_documents(org, 2, start=4)
    assert {e.key_id for e in JournalEntry.objects.filter(seq__lte=before)} == {old.kid}
    assert [e.key_id for e in after] == [new.kid, new.kid]
    assert journal.verify().ok
    # Dropping the old key from the file leaves its entries unverifiable, and says so.
    lines = key_file.read_text().splitlines()
    key_file.write_text("\n".join(lines[:-1]) + "\n")
    assert keys.keyring() == (new,)
    assert (
        journal.verify().problems[0] == f"Mục #1: niêm phong bằng khóa “{old.kid}” không có trong cấu hình khóa "
        f"nhật ký."
    )


def test_environment_keys_rotate_by_listing_the_new_one_first(settings, org):
    new_secret = "khoa-moi-nam-2027-fedcba9876543210fedcba9876543210"
    _register_documents(org, 2)
    settings.VPDT_JOURNAL_KEY = f"{new_secret},{JOURNAL_KEY}"
    assert _register_documents(org, 1, start=3)[0].key_id == keys._key(new_secret).kid
    assert journal.verify().ok
    settings.VPDT_JOURNAL_KEY = "ngan-qua"
    with pytest.raises(CommandError, match="quá ngắn"):
        call_command("journal_key", stdout=StringIO())


# --- Existing journals ------------------------------------------------------------------------------


def _legacy_journal(org, n):
    """The journal as written before the key (SHA-256 chain, no key id): the org's entries and ``n`` documents."""
    _register_documents(org, n)
    prev = journal.GENESIS
    with chain.append_only_off(connection, "kiểm thử"), connection.cursor() as cursor:
        for entry in JournalEntry.objects.order_by("seq"):
            entry.key_id, entry.prev_hash = "", prev
            prev = chain.legacy_hash(prev, entry)
            cursor.execute(
                "UPDATE journal_journalentry SET key_id = '', prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.prev_hash, prev, entry.seq],
            )
    JournalHead.objects.filter(pk=1).update(hash=prev)
    return journal.count()


def _historical_models():
    state = MigrationLoader(connection).project_state(("journal", "0003_keyed_chain"))
    return state.apps.get_model("journal", "JournalEntry"), state.apps.get_model("journal", "JournalHead")


def test_the_migration_reseals_a_journal_written_before_the_key(org):
    total = _legacy_journal(org, 6)
    legacy_head = JournalHead.objects.get(pk=1).hash
    assert journal.verify().problems[0] == "Mục #1: không được niêm phong bằng khóa nhật ký."
    with chain.append_only_off(connection, "kiểm thử"):
        details = chain.reseal(*_historical_models(), batch=4)
    assert details == {
        "entries": total,
        "legacy_ok": True,
        "legacy_problems": [],
        "legacy_head": {"seq": total, "hash": legacy_head},
        "key_id": keys.current().kid,
    }
    reseal = JournalEntry.objects.get(seq=total + 1)
    assert reseal.action == "journal.reseal" and reseal.details == details
    assert journal.verify().ok and journal.count() == total + 1


def test_a_reseal_records_what_was_wrong_with_the_old_chain(org):
    _legacy_journal(org, 5)
    _tamper("UPDATE journal_journalentry SET object_repr = 'Công văn số 99/UBND-KT' WHERE seq = 2")
    with chain.append_only_off(connection, "kiểm thử"):
        details = chain.reseal(*_historical_models())
    assert details["legacy_ok"] is False
    assert details["legacy_problems"] == ["Mục #2: nội dung đã bị sửa (hash không khớp)."]
    assert journal.verify().ok  # sealed now; the finding stays in the journal itself
    assert JournalEntry.objects.get(action="journal.reseal").details["legacy_problems"] == details["legacy_problems"]


# --- Checkpoints ------------------------------------------------------------------------------------


def test_the_checkpoint_task_signs_the_head_only_when_it_moved_and_only_a_sound_chain(org, settings):
    assert settings.CELERY_BEAT_SCHEDULE["journal-checkpoint"]["task"] == tasks.checkpoint.name
    first = _register_documents(org, 4)[-1]
    assert tasks.checkpoint() == first.seq
    assert tasks.checkpoint() is None  # nothing new
    second = _register_documents(org, 2, start=5)[-1]
    assert tasks.checkpoint() == second.seq
    found, problems = checkpoints.read(checkpoints.path())
    assert problems == [] and [(c.seq, c.hash, c.kid) for c in found] == [
        (first.seq, first.hash, keys.current().kid),
        (second.seq, second.hash, keys.current().kid),
    ]
    assert journal.verify().checkpoints == 2

    # An entry edited since the last checkpoint: no checkpoint is signed over it, and the reason is given.
    third = _register_documents(org, 1, start=7)[0]
    _tamper("UPDATE journal_journalentry SET object_repr = 'Công văn số 70/UBND-KT' WHERE seq = %s", [third.seq])
    result = journal.write_checkpoint()
    assert result.checkpoint is None
    assert result.problems == [f"Mục #{third.seq}: nội dung đã bị sửa (mã xác thực không khớp)."]
    assert len(checkpoints.read(checkpoints.path())[0]) == 2


def test_a_forged_checkpoint_line_is_reported(org):
    _register_documents(org, 3)
    tasks.checkpoint()
    line = checkpoints.path().read_text()
    forged = json.loads(line)
    forged["seq"] += 100  # pretend the journal was longer, to accuse an innocent database
    checkpoints.path().write_text(line + json.dumps(forged) + "\n")
    expected = f"Tệp {checkpoints.path().name}, dòng 2: chữ ký không hợp lệ (điểm kiểm tra bị sửa hoặc giả mạo)."
    assert journal.verify().problems == [expected]


def test_checkpoints_export_and_verify_offline_with_the_public_key_only(org, settings, tmp_path, django_db_blocker):
    _register_documents(org, 5)
    tasks.checkpoint()
    last = _register_documents(org, 2, start=6)[-1]
    exported = tmp_path / "diem-kiem-tra.jsonl"
    out = StringIO()
    call_command("verify_journal", "--export", str(exported), stdout=out, verbosity=0)
    assert f"Đã xuất 2 điểm kiểm tra ra {exported}." in out.getvalue()
    assert json.loads(exported.read_text().splitlines()[-1])["seq"] == last.seq

    # Offline: no database, no secret — only the public key printed by `vpdt journal-key`.
    public = keys.current().public_hex
    settings.VPDT_JOURNAL_KEY = "mot-khoa-khac-hoan-toan-0123456789abcdef0123456789"
    with django_db_blocker.block():
        out = StringIO()
        call_command("verify_journal", "--offline", str(exported), "--public-key", public, stdout=out)
    assert (
        "Tệp điểm kiểm tra hợp lệ: 2 điểm, chữ ký đúng, theo thứ tự. Điểm cuối: mục #"
        f"{last.seq}, mã {last.hash}" in out.getvalue()
    )

    # A checkpoint moved back to hide a truncation, or a key the auditor does not trust: refused.
    lines = exported.read_text().splitlines()
    moved = json.loads(lines[-1]) | {"seq": last.seq - 2}
    exported.write_text(lines[0] + "\n" + json.dumps(moved) + "\n")
    err = StringIO()
    with django_db_blocker.block(), pytest.raises(CommandError, match="Tệp điểm kiểm tra KHÔNG hợp lệ: 1 vấn đề."):
        call_command("verify_journal", "--offline", str(exported), "--public-key", public, stderr=err)
    assert "dòng 2: chữ ký không hợp lệ" in err.getvalue()
    with pytest.raises(CommandError, match="KHÔNG hợp lệ"):
        call_command("verify_journal", "--offline", str(exported), stderr=StringIO())  # the other key configured


def test_an_exported_copy_kept_elsewhere_still_catches_a_truncation(org, tmp_path):
    signed = _register_documents(org, 6)[-1].seq
    copy = tmp_path / "ban-sao-cua-thanh-tra.jsonl"
    call_command("verify_journal", "--export", str(copy), stdout=StringIO(), verbosity=0)
    checkpoints.path().unlink()  # the installation's own file is lost
    _tamper("DELETE FROM journal_journalentry WHERE seq > %s", [signed - 2])
    _move_head(signed - 2)
    assert journal.verify().ok
    err = StringIO()
    with pytest.raises(CommandError, match="Nhật ký KHÔNG toàn vẹn: 1 vấn đề"):
        call_command("verify_journal", "--checkpoints", str(copy), stderr=err, verbosity=0)
    assert f"nhưng nay chỉ còn đến mục #{signed - 2}: các mục cuối đã bị xóa." in err.getvalue()


def test_verify_journal_command(org):
    _register_documents(org, 10)
    out = StringIO()
    call_command("verify_journal", stdout=out, stderr=StringIO(), verbosity=0)
    assert f"Nhật ký toàn vẹn: {JournalEntry.objects.count()} mục, đối chiếu 0 điểm kiểm tra." in out.getvalue()
    _tamper("UPDATE journal_journalentry SET object_repr = %s WHERE seq = %s", ["Công văn số 99/UBND-KT", 3])
    err = StringIO()
    with pytest.raises(CommandError, match="Nhật ký KHÔNG toàn vẹn: 1 vấn đề trên"):
        call_command("verify_journal", stdout=StringIO(), stderr=err, verbosity=0)
    assert "Mục #3: nội dung đã bị sửa (mã xác thực không khớp)." in err.getvalue()
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):  # nothing is exported from a broken journal
        call_command("verify_journal", "--export", "/tmp/khong-duoc-tao.jsonl", stderr=StringIO(), verbosity=0)


def test_a_restore_sets_aside_the_checkpoints_of_the_history_it_rolls_back(org):
    early = _register_documents(org, 3)[-1].seq
    tasks.checkpoint()
    late = _register_documents(org, 3, start=4)[-1].seq
    tasks.checkpoint()
    _tamper("DELETE FROM journal_journalentry WHERE seq > %s", [early])  # what restoring an older backup does
    _move_head(early)
    assert not journal.verify().ok
    assert checkpoints.set_aside_beyond(journal.count()) == 1
    assert journal.verify().ok and journal.verify().checkpoints == 1
    aside = [p for p in checkpoints.path().parent.iterdir() if ".truoc-khoi-phuc-" in p.name]
    assert len(aside) == 1 and json.loads(aside[0].read_text())["seq"] == late


# --- Stored files against the journal ---------------------------------------------------------------


def test_verify_files_catches_a_file_whose_bytes_and_row_were_changed_together(org):
    genuine = "Quyết định số 15/QĐ-UBND về việc phê duyệt dự toán năm 2026.".encode()
    swapped = "Quyết định số 15/QĐ-UBND về việc phê duyệt dự toán năm 2026 (bản đã bị đánh tráo).".encode()
    stored = storage.store(io.BytesIO(genuine), "Quyết định 15.pdf", agency=org.sxd, actor=org.sxd_clerk)
    other = storage.store(io.BytesIO(b"Cong van 16"), "Công văn 16.pdf", agency=org.sxd, actor=org.sxd_clerk)
    out = StringIO()
    call_command("verify_files", stdout=out, verbosity=0)
    assert "Mọi tệp đều toàn vẹn và khớp với nhật ký." in out.getvalue()

    default_storage.delete(stored.name)
    default_storage.save(stored.name, io.BytesIO(swapped))
    digest, size = storage.sha256_of(io.BytesIO(swapped))
    StoredFile.objects.filter(pk=stored.pk).update(sha256=digest, size=size)
    assert storage.verify(StoredFile.objects.get(pk=stored.pk)).ok  # the bytes match the edited row
    err = StringIO()
    with pytest.raises(CommandError, match="1 tệp không toàn vẹn."):
        call_command("verify_files", stderr=err, verbosity=0)
    assert (
        f"{stored.pk} Quyết định 15.pdf: SHA-256 trong cơ sở dữ liệu ({digest[:12]}…) khác SHA-256 ghi trong "
        f"nhật ký khi lưu tệp ({stored.sha256[:12]}…)"
    ) in err.getvalue()
    assert StoredFile.objects.get(pk=stored.pk).verified_ok is False
    assert StoredFile.objects.get(pk=other.pk).verified_ok is True

    # Editing the journaled digest too does not help: the journal entry's seal gives it away.
    entry = JournalEntry.objects.get(action="storage.store", object_id=str(stored.pk))
    _tamper(
        f"UPDATE journal_journalentry SET details = {_json_param()} WHERE seq = %s",
        [json.dumps({"sha256": digest, "size": size}), entry.seq],
    )
    err = StringIO()
    with pytest.raises(CommandError, match="1 tệp không toàn vẹn."):
        call_command("verify_files", stderr=err, verbosity=0)
    assert f"Mục nhật ký #{entry.seq} ghi lúc lưu tệp đã bị sửa (mã xác thực không khớp)." in err.getvalue()


def test_a_wrong_key_is_reported_by_the_system_check(settings):
    from vpdt.journal.apps import journal_key

    assert journal_key(None) == []
    settings.VPDT_JOURNAL_KEY = "ngan-qua"
    errors = journal_key(None)
    assert [e.id for e in errors] == ["vpdt.journal.E001"] and "quá ngắn" in errors[0].msg
