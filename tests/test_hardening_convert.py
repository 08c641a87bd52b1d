"""DOCX/ODT conversion hardening: zip bombs are refused before LibreOffice runs, a conversion that overruns
its time leaves no process of its group behind, and LibreOffice runs under an address-space ceiling."""

import io
import os
import resource
import struct
import sys
import time
import zipfile

import pytest

from tests.test_digitize import _real_office, put, run
from vpdt.digitize import engine
from vpdt.digitize.models import Status
from vpdt.storage import services as storage

MB = 1024 * 1024


def _bomb_docx(parts: dict[str, int], many: int = 0) -> bytes:
    """A DOCX whose parts unpack to ``size`` bytes of zeros each (streamed: the test never holds them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>"
        )
        for name, size in parts.items():
            with z.open(name, "w", force_zip64=size > 1024 * MB) as part:
                for _ in range(size // MB):
                    part.write(bytes(MB))
        for i in range(many):
            z.writestr(f"word/media/anh-{i}.xml", "")
    return out.getvalue()


def _lying_sizes(data: bytes) -> bytes:
    """The same package with every part claiming to unpack to 1 KB (headers can lie; the bytes cannot)."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        start = 0
        while (at := raw.find(signature, start)) != -1:
            if struct.unpack_from("<I", raw, at + offset)[0] > 1024:
                struct.pack_into("<I", raw, at + offset, 1024)
            start = at + 4
    return bytes(raw)


@pytest.fixture
def office_spy(monkeypatch, tmp_path):
    """A stand-in LibreOffice that only notes it was started."""
    marker = tmp_path / "soffice-started"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(engine, "office_converter", lambda: str(fake))
    return marker


@pytest.mark.parametrize(
    "bomb, what",
    [
        (lambda: _bomb_docx({"word/document.xml": 260 * MB}), "hơn 200 MB"),
        (lambda: _lying_sizes(_bomb_docx({"word/document.xml": 260 * MB})), "bị hỏng"),
        (lambda: _bomb_docx({"word/document.xml": 30 * MB}), "gấp hơn 100 lần"),
        (lambda: _bomb_docx({}, many=6000), "6001 thành phần"),
    ],
    ids=["big", "lying-headers", "ratio", "many-parts"],
)
def test_zip_bomb_docx_is_refused_before_libreoffice_runs(
    org, django_capture_on_commit_callbacks, office_spy, bomb, what
):
    data = bomb()
    assert len(data) < 2 * MB
    stored = put(org, data, "cong-van-dinh-kem.docx", engine.OFFICE["docx"])
    item = run(org, stored, django_capture_on_commit_callbacks)
    assert item.status == Status.FAILED and item.method == "", (item.status, item.error)
    assert what in item.error and "DOCX/ODT" in item.error
    assert not office_spy.exists(), "LibreOffice không được chạy với một bom nén"
    assert storage.read_stored(stored) == data


def test_unpacked_size_limit_is_a_setting(org, settings, office_spy):
    settings.VPDT_OFFICE_MAX_UNPACKED_MB = 4
    with pytest.raises(engine.EngineError, match="hơn 4 MB"):
        engine.convert_to_pdf(_bomb_docx({"word/document.xml": 5 * MB}), "docx")
    assert not office_spy.exists()
    with pytest.raises(engine.EngineError, match="LibreOffice không chuyển được"):  # a normal file does reach it
        engine.convert_to_pdf(_real_office("docx"), "docx")
    assert office_spy.exists()


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as proc:
                stat = proc.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry))
    return members


def test_conversion_overrunning_its_time_leaves_no_process_of_its_group(monkeypatch, tmp_path, settings):
    """A stand-in LibreOffice that starts a helper and hangs, as soffice.bin does on a hostile file."""
    settings.VPDT_OFFICE_TIMEOUT_SECONDS = 2
    pid_file = tmp_path / "soffice.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nsleep 300 &\nsleep 300\n")
    fake.chmod(0o755)
    monkeypatch.setattr(engine, "office_converter", lambda: str(fake))
    started = time.monotonic()
    with pytest.raises(engine.EngineError) as caught:
        engine.convert_to_pdf(_real_office("docx"), "docx")
    assert caught.value.message == engine.CONVERT_TIMEOUT
    assert time.monotonic() - started < 30
    pgid = int(pid_file.read_text())
    assert os.getpgid(0) != pgid  # LibreOffice ran in a group of its own, not in ours
    for _ in range(50):
        if not _group_members(pgid):
            break
        time.sleep(0.1)
    assert _group_members(pgid) == []


def test_libreoffice_runs_under_the_memory_ceiling(monkeypatch, tmp_path, settings):
    settings.VPDT_OFFICE_MEMORY_MB = 900
    seen = tmp_path / "limit"
    fake = tmp_path / "soffice"
    fake.write_text(
        f"#!{sys.executable}\nimport pathlib, resource, sys\n"
        f"pathlib.Path({str(seen)!r}).write_text(str(resource.getrlimit(resource.RLIMIT_AS)[0]))\n"
        "out = pathlib.Path(sys.argv[sys.argv.index('--outdir') + 1])\n"
        "(out / 'input.pdf').write_bytes(b'%PDF-1.4 stand-in')\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr(engine, "office_converter", lambda: str(fake))
    assert engine.convert_to_pdf(_real_office("odt"), "odt") == b"%PDF-1.4 stand-in"
    assert int(seen.read_text()) == 900 * MB
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != 900 * MB  # the worker itself is not limited
