"""Backing up and restoring the whole installation: database plus stored files, in one .tar archive.

Archive layout::

    database.sqlite3 | database.dump   SQLite online-backup copy, or ``pg_dump --format=custom``
    files/<storage name>               every file referenced by a StoredFile row
    manifest.json                      versions, migrations, journal head, SHA-256 and size of each member

Restoring verifies every hash first and touches nothing if anything is wrong.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

import vpdt

logger = logging.getLogger(__name__)

FORMAT = 1
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
DB_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
NAME_RE = re.compile(r"^vpdt-backup-(\d{8}-\d{6})(?:-(\d+))?\.tar$")


class BackupError(Exception):
    pass


@dataclass
class RestoreResult:
    files_restored: int = 0
    stored_files_checked: int = 0
    journal_checked: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def local_now() -> datetime:
    return datetime.now(VN)


# --- helpers -----------------------------------------------------------------------------------


def _hash_stream(fh) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: fh.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _add(tar: tarfile.TarFile, name: str, fh, members: dict) -> None:
    """Add an open binary file (seekable) under ``name`` and record its hash and size."""
    fh.seek(0)
    digest, size = _hash_stream(fh)
    fh.seek(0)
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(local_now().timestamp())
    info.mode = 0o600
    tar.addfile(info, fh)
    members[name] = {"sha256": digest, "size": size}


def _run(argv: list[str], env: dict) -> None:
    try:
        proc = subprocess.run(argv, env=env, capture_output=True, encoding="utf-8", errors="replace", check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"Không tìm thấy chương trình {argv[0]}: hãy cài gói postgresql-client "
            f"(cùng phiên bản với máy chủ PostgreSQL)."
        ) from exc
    if proc.returncode != 0:
        tail = (proc.stderr or "").strip()[-2000:]
        raise BackupError(f"{argv[0]} thất bại (mã lỗi {proc.returncode}): {tail}")


def _pg_args() -> tuple[list[str], dict]:
    """Connection flags and environment for pg_dump / pg_restore."""
    db = connection.settings_dict
    flags = ["--no-password"]
    if db.get("HOST"):
        flags += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        flags += ["--port", str(db["PORT"])]
    if db.get("USER"):
        flags += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return flags, env


def _vendor() -> str:
    if connection.vendor not in DB_MEMBERS:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {connection.vendor}.")
    return connection.vendor


def _unique_path(dest: Path, stamp: str) -> Path:
    path, n = dest / f"vpdt-backup-{stamp}.tar", 1
    while path.exists():
        n += 1
        path = dest / f"vpdt-backup-{stamp}-{n}.tar"
    return path


# --- database dump and restore -----------------------------------------------------------------


def _dump_database(target: Path) -> None:
    if _vendor() == "sqlite":
        connection.ensure_connection()
        dst = sqlite3.connect(target)
        try:
            connection.connection.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal companion
        finally:
            dst.close()
    else:
        flags, env = _pg_args()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *flags,
                f"--file={target}",
                f"--dbname={connection.settings_dict['NAME']}",
            ],
            env,
        )


def _restore_database(source: Path) -> None:
    if connection.in_atomic_block:
        raise BackupError("Không thể khôi phục bên trong một giao dịch cơ sở dữ liệu đang mở.")
    connections.close_all()  # an in-memory SQLite test database stays open (Django keeps it)
    if _vendor() == "sqlite":
        connection.ensure_connection()
        src = sqlite3.connect(source)
        try:
            src.backup(connection.connection)
        finally:
            src.close()
    else:
        flags, env = _pg_args()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                *flags,
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            env,
        )


# --- create ------------------------------------------------------------------------------------


def create_backup(dest_dir=None, progress=None) -> Path:
    """Write one archive into ``dest_dir`` (default VPDT_BACKUP_DIR) and return its path.

    ``progress(done, total)`` is called after each stored file is added.
    """
    from vpdt.journal import services as journal
    from vpdt.storage.models import StoredFile

    vendor = _vendor()
    dest = Path(dest_dir or settings.VPDT_BACKUP_DIR)
    dest.mkdir(parents=True, exist_ok=True)
    now = local_now()
    path = _unique_path(dest, now.strftime("%Y%m%d-%H%M%S"))
    partial = path.with_name(f".{path.name}.partial")
    members: dict[str, dict] = {}
    missing: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="vpdt-backup-") as tmp, tarfile.open(partial, "w") as tar:
            db_file = Path(tmp) / DB_MEMBERS[vendor]
            _dump_database(db_file)
            with db_file.open("rb") as fh:
                _add(tar, DB_MEMBERS[vendor], fh, members)
            # Listed after the dump: files are immutable, so this covers every row in the dump.
            names = list(StoredFile.objects.order_by("id").values_list("name", flat=True))
            for done, name in enumerate(names, start=1):
                if not default_storage.exists(name):
                    missing.append(name)
                    logger.warning("Sao lưu: tệp %s không còn trong kho lưu trữ.", name)
                else:
                    with default_storage.open(name, "rb") as src, tempfile.TemporaryFile(dir=tmp) as copy:
                        shutil.copyfileobj(src, copy, CHUNK)
                        _add(tar, f"files/{name}", copy, members)
                if progress is not None:
                    progress(done, len(names))
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "vpdt_version": vpdt.__version__,
                "database": {"vendor": vendor, "member": DB_MEMBERS[vendor]},
                "migrations": [
                    f"{app}.{name}"
                    for app, name in MigrationRecorder(connection)
                    .migration_qs.order_by("id")
                    .values_list("app", "name")
                ],
                "journal_head_seq": journal.count(),
                "missing_files": missing,
                "members": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    journal.record(
        "backup.create",
        object_type="backup",
        object_repr=path.name,
        details={
            "file": path.name,
            "size": path.stat().st_size,
            "files": len(members) - 1,
            "files_bytes": sum(m["size"] for n, m in members.items() if n.startswith("files/")),
            "database_bytes": members[DB_MEMBERS[vendor]]["size"],
            "missing_files": missing,
        },
    )
    return path


# --- verify ------------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    if name in DB_MEMBERS.values():
        return True
    parts = PurePosixPath(name).parts
    return (
        len(parts) >= 2
        and parts[0] == "files"
        and not name.startswith("/")
        and all(p not in ("", ".", "..") for p in parts)
        and "\\" not in name
    )


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        return json.loads(tar.extractfile(member).read().decode("utf-8"))
    except (KeyError, AttributeError, ValueError) as exc:
        raise BackupError("Bản sao lưu không có manifest.json hợp lệ.") from exc


def verify_backup(path) -> list[str]:
    """Check the archive against its manifest. Returns problems (empty list = good)."""
    path = Path(path)
    if not path.is_file():
        return [f"Không tìm thấy tệp sao lưu {path}."]
    problems: list[str] = []
    try:
        with tarfile.open(path, "r:") as tar:
            manifest = read_manifest(tar)
            if manifest.get("format") != FORMAT:
                return [f"Định dạng bản sao lưu không được hỗ trợ: {manifest.get('format')!r}."]
            expected = manifest.get("members") or {}
            db_member = (manifest.get("database") or {}).get("member")
            if db_member not in expected:
                problems.append("Bản sao lưu không chứa cơ sở dữ liệu.")
            seen = set()
            for member in tar.getmembers():
                name = member.name
                if name == MANIFEST:
                    continue
                if name in seen:
                    problems.append(f"Thành phần {name} xuất hiện nhiều lần.")
                seen.add(name)
                if name not in expected:
                    problems.append(f"Thành phần lạ không có trong manifest: {name}.")
                    continue
                if not member.isfile() or not _safe_member(name):
                    problems.append(f"Thành phần không hợp lệ: {name}.")
                    continue
                digest, size = _hash_stream(tar.extractfile(member))
                if size != expected[name].get("size"):
                    problems.append(f"{name}: kích thước không khớp ({size} ≠ {expected[name].get('size')} byte).")
                elif digest != expected[name].get("sha256"):
                    problems.append(f"{name}: nội dung đã bị thay đổi (SHA-256 không khớp).")
            for name in sorted(set(expected) - seen):
                problems.append(f"Thiếu thành phần {name} trong bản sao lưu.")
    except BackupError as exc:
        problems.append(str(exc))
    except (tarfile.TarError, OSError, EOFError) as exc:
        problems.append(f"Không đọc được tệp sao lưu: {exc}")
    return problems


# --- restore -----------------------------------------------------------------------------------


def restore_backup(path, progress=None) -> RestoreResult:
    """Replace the database and stored files with the archive's content, then verify everything.

    Stop the web server and workers first. ``progress(done, total)`` is called per restored file.
    """
    from vpdt.journal import checkpoints
    from vpdt.journal import services as journal
    from vpdt.storage import services as storage
    from vpdt.storage.models import StoredFile

    path = Path(path)
    problems = verify_backup(path)
    if problems:
        raise BackupError("Bản sao lưu không toàn vẹn, không khôi phục: " + " ".join(problems))
    with tarfile.open(path, "r:") as tar:
        manifest = read_manifest(tar)
        vendor = _vendor()
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                f"Bản sao lưu dành cho cơ sở dữ liệu {manifest['database']['vendor']}, "
                f"nhưng hệ thống đang dùng {vendor}; không khôi phục."
            )
        result = RestoreResult()
        with tempfile.TemporaryDirectory(prefix="vpdt-restore-") as tmp:
            db_file = Path(tmp) / DB_MEMBERS[vendor]
            with tar.extractfile(manifest["database"]["member"]) as src, db_file.open("wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
            _restore_database(db_file)
        # Checkpoints signed after the backup describe the history this restore rolls back on purpose.
        set_aside = checkpoints.set_aside_beyond(journal.count())
        if set_aside:
            result.notes.append(
                f"{set_aside} điểm kiểm tra nhật ký ký sau thời điểm sao lưu đã được chuyển sang tệp "
                f"lưu riêng (lịch sử sau bản sao lưu không còn trong CSDL)."
            )
        names = sorted(n for n in manifest["members"] if n.startswith("files/"))
        for done, member in enumerate(names, start=1):
            name = member.removeprefix("files/")
            if default_storage.exists(name):
                default_storage.delete(name)
            with tar.extractfile(member) as src:
                saved = default_storage.save(name, File(src, name=PurePosixPath(name).name))
            if saved != name:
                raise BackupError(f"Kho lưu trữ đã lưu tệp {name} dưới tên khác ({saved}).")
            result.files_restored += 1
            if progress is not None:
                progress(done, len(names))

    for stored in StoredFile.objects.order_by("id").iterator():
        check = storage.verify(stored, save=False)
        result.stored_files_checked += 1
        if not check.ok:
            result.problems.append(f"Tệp {stored.pk} {stored.original_name}: {check.message}")
    chain = journal.verify()
    result.journal_checked = chain.checked
    result.problems += chain.problems
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        result.notes.append("Bản sao lưu cũ hơn phiên bản hiện tại: hãy chạy `vpdt migrate`.")
    journal.record(
        "backup.restore",
        object_type="backup",
        object_repr=path.name,
        details={
            "file": path.name,
            "created_at": manifest.get("created_at"),
            "files_restored": result.files_restored,
            "problems": len(result.problems),
            "checkpoints_set_aside": set_aside,
        },
    )
    return result


# --- prune -------------------------------------------------------------------------------------


def list_backups(dest_dir=None) -> list[Path]:
    """Archives in the backup folder, oldest first."""
    dest = Path(dest_dir or settings.VPDT_BACKUP_DIR)
    if not dest.is_dir():
        return []
    found = []
    for path in dest.iterdir():
        match = NAME_RE.match(path.name)
        if match and path.is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), path))
    return [p for _, p in sorted(found)]


def prune_backups(keep=None, dest_dir=None) -> list[str]:
    """Keep the newest ``keep`` archives (VPDT_BACKUP_KEEP; 0 = keep all), delete the rest.

    Returns the deleted names. Only files named like our archives are ever touched.
    """
    keep = settings.VPDT_BACKUP_KEEP if keep is None else keep
    if keep <= 0:
        return []
    doomed = list_backups(dest_dir)[:-keep]
    for path in doomed:
        path.unlink(missing_ok=True)
    return [p.name for p in doomed]
