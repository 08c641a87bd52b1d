"""Signed checkpoints of the journal's head, kept outside the database.

A checkpoint is one line of JSON: ``{"seq", "hash", "at", "kid", "sig"}`` — the head's sequence number and seal,
the time (UTC), the id of the key and an Ed25519 signature (hex) of ``vpdt-journal-checkpoint/1`` + newline + the
canonical JSON of the first four (sorted keys, no spaces). They are appended to ``VPDT_JOURNAL_CHECKPOINTS``
(default ``<data dir>/journal-checkpoints.jsonl``) and logged by the ``vpdt.journal`` logger, by the Celery beat
task every ten minutes when the head has moved, after the entries since the previous checkpoint were verified.

``vpdt verify-journal`` checks the database against them; ``vpdt verify-journal --export FILE`` signs the current
head and writes every checkpoint to FILE; ``vpdt verify-journal --offline FILE --public-key HEX`` verifies such a
file without the database (and without the secret: the public key is printed by ``vpdt journal-key``).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

from . import keys

logger = logging.getLogger("vpdt.journal")

DOMAIN = b"vpdt-journal-checkpoint/1\n"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    kid: str
    sig: str = ""

    def message(self) -> bytes:
        body = {"seq": self.seq, "hash": self.hash, "at": self.at, "kid": self.kid}
        return DOMAIN + json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def describe(cp: Checkpoint) -> str:
    try:
        when = datetime.fromisoformat(cp.at).astimezone(VN).strftime("%H:%M:%S %d/%m/%Y")
    except ValueError:
        when = cp.at
    return f"Điểm kiểm tra lúc {when}"


def sign(seq: int, seal: str, key: keys.Key | None = None, at: datetime | None = None) -> Checkpoint:
    key = key or keys.current()
    moment = (at or timezone.now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    unsigned = Checkpoint(seq=seq, hash=seal, at=moment, kid=key.kid)
    return Checkpoint(seq=seq, hash=seal, at=moment, kid=key.kid, sig=key.signer.sign(unsigned.message()).hex())


def path() -> Path:
    return Path(settings.VPDT_JOURNAL_CHECKPOINTS)


def parse(lines, public_keys: dict[str, Ed25519PublicKey], origin: str) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints of ``lines`` whose signature verifies with ``public_keys``, and what is wrong with the rest."""
    found: list[Checkpoint] = []
    problems: list[str] = []
    for number, raw in enumerate(lines, start=1):
        raw = raw.strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
            cp = Checkpoint(
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                at=str(data["at"]),
                kid=str(data["kid"]),
                sig=str(data["sig"]),
            )
        except (ValueError, TypeError, KeyError):
            problems.append(f"{origin}, dòng {number}: không đọc được điểm kiểm tra.")
            continue
        public = public_keys.get(cp.kid)
        if public is None:
            problems.append(f"{origin}, dòng {number}: ký bằng khóa “{cp.kid}” không có trong các khóa đã biết.")
            continue
        try:
            public.verify(bytes.fromhex(cp.sig), cp.message())
        except (InvalidSignature, ValueError):
            problems.append(f"{origin}, dòng {number}: chữ ký không hợp lệ (điểm kiểm tra bị sửa hoặc giả mạo).")
            continue
        if found and (cp.seq < found[-1].seq or cp.at < found[-1].at):
            problems.append(f"{origin}, dòng {number}: điểm kiểm tra #{cp.seq} lùi so với điểm trước #{found[-1].seq}.")
        found.append(cp)
    return found, problems


def read(file: Path, public_keys: dict[str, Ed25519PublicKey] | None = None) -> tuple[list[Checkpoint], list[str]]:
    if public_keys is None:
        public_keys = {k.kid: k.public for k in keys.keyring()}
    try:
        text = Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"Không đọc được tệp điểm kiểm tra {file}: {exc}."]
    return parse(text.splitlines(), public_keys, f"Tệp {Path(file).name}")


def read_all(extra=()) -> tuple[list[Checkpoint], list[str]]:
    """This installation's checkpoints and those of ``extra`` files."""
    found, problems = read(path())
    for file in extra:
        if not Path(file).is_file():
            problems.append(f"Không tìm thấy tệp điểm kiểm tra {file}.")
            continue
        more, more_problems = read(Path(file))
        found += more
        problems += more_problems
    return found, problems


def append(cp: Checkpoint, file: Path | None = None) -> None:
    file = Path(file or path())
    file.parent.mkdir(parents=True, exist_ok=True)
    with open(file, "a", encoding="utf-8") as fh:
        fh.write(cp.line() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    logger.info("Điểm kiểm tra nhật ký: %s", cp.line())


def export(dest: Path) -> list[Checkpoint]:
    """Write this installation's checkpoints to ``dest``, and last the current head, signed now (and appended to
    the installation's file as well). Call after :func:`vpdt.journal.services.verify` found the journal sound."""
    from .models import JournalHead

    found, problems = read(path())
    if problems:
        raise ValueError(" ".join(problems))
    head = JournalHead.objects.filter(pk=1).first()
    if head is not None and head.seq and not (found and (found[-1].seq, found[-1].hash) == (head.seq, head.hash)):
        found.append(sign(head.seq, head.hash))
        append(found[-1])
    Path(dest).write_text("".join(cp.line() + "\n" for cp in found), encoding="utf-8")
    return found


def set_aside_beyond(seq: int) -> int:
    """After a restore: move the checkpoints past ``seq`` (a history rolled back on purpose) to a dated file.

    Those at or before ``seq`` stay and are checked against the restored journal. Returns how many moved.
    """
    file = path()
    if not file.exists():
        return 0
    lines = file.read_text(encoding="utf-8").splitlines()
    keep, moved = [], []
    for line in lines:
        try:
            beyond = int(json.loads(line)["seq"]) > seq
        except (ValueError, TypeError, KeyError):
            beyond = False
        (moved if beyond else keep).append(line)
    if not moved:
        return 0
    stamp = timezone.now().astimezone(VN).strftime("%Y%m%d-%H%M%S")
    aside = file.with_name(f"{file.stem}.truoc-khoi-phuc-{stamp}{file.suffix}")
    aside.write_text("\n".join(moved) + "\n", encoding="utf-8")
    tmp = file.with_name(file.name + ".tmp")
    tmp.write_text("".join(line + "\n" for line in keep), encoding="utf-8")
    os.replace(tmp, file)
    logger.warning("Khôi phục sao lưu: %d điểm kiểm tra sau mục #%d chuyển sang %s.", len(moved), seq, aside.name)
    return len(moved)
