"""The embedded broker (vpdt.core.broker): the worker only ever takes whole messages, however busy the writers are,
and a file that is not a whole message is set aside without stopping it."""

from __future__ import annotations

import threading

import pytest
from kombu import Connection
from kombu.transport import filesystem

from vpdt.celery import app
from vpdt.core import broker

QUEUE = "celery"


def _connection(folder, transport=broker.Transport) -> Connection:
    for sub in ("out", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(folder / "out"),
        "data_folder_out": str(folder / "out"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
    return Connection("filesystem://", transport=transport, transport_options=options)


def test_the_application_uses_it_for_the_embedded_broker():
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, broker.Transport)


def _race(folder, transport) -> tuple[int, list[Exception]]:
    """One thread writes 40 large messages while another reads as fast as it can; what the reader got."""
    body = "Công văn số 1234/UBND-KT " * 40_000  # about 1 MB: writing takes long enough for the reader to look
    sent, got, errors = 40, [], []
    done = threading.Event()

    def write():
        with _connection(folder, transport) as connection:
            channel = connection.channel()
            for i in range(sent):
                channel._put(QUEUE, {"n": i, "body": body})
        done.set()

    def read():
        with _connection(folder, transport) as connection:
            channel = connection.channel()
            while len(got) < sent and not (done.is_set() and errors):
                try:
                    got.append(channel._get(QUEUE)["n"])
                except filesystem.Empty:
                    if done.is_set() and len(got) < sent and not list((folder / "out").glob("*.msg")):
                        break
                except Exception as exc:  # the worker would stop here
                    errors.append(exc)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return len(got), errors


def test_a_message_is_never_taken_half_written(tmp_path):
    got, errors = _race(tmp_path, broker.Transport)
    assert errors == [] and got == 40


def test_a_file_that_is_not_a_whole_message_is_set_aside_and_the_next_is_read(tmp_path, caplog):
    with _connection(tmp_path) as connection:
        channel = connection.channel()
        (tmp_path / "out" / f"1_dang-ghi-do.{QUEUE}.msg").write_bytes(b'{"n": 1, "bo')  # left by a killed writer
        channel._put(QUEUE, {"n": 2})
        assert channel._get(QUEUE) == {"n": 2}
        with pytest.raises(filesystem.Empty):
            channel._get(QUEUE)
    assert "không phải thông điệp hoàn chỉnh" in caplog.text
