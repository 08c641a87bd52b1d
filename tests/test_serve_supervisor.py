"""``vpdt serve`` keeps the web server and the worker running: one that stops by itself is started again and the
event is written to the log; one that keeps stopping stops everything with its exit code."""

from __future__ import annotations

import signal
import sys
import threading
import time

from vpdt.core.management.commands.serve import Supervisor


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _run(supervisor: Supervisor) -> dict:
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", supervisor.run_children()), daemon=True)
    thread.start()
    return {"thread": thread, "result": result}


def test_a_child_that_stops_by_itself_is_started_again_and_logged(tmp_path):
    starts = tmp_path / "starts"
    said: list[str] = []
    worker = _python(f"open({str(starts)!r}, 'a').write('x'); import sys; sys.exit(3)")
    web = _python("import time; time.sleep(60)")
    supervisor = Supervisor({"web": web, "worker": worker}, said.append, limit=2, window=60, every=0.05)
    running = _run(supervisor)
    running["thread"].join(timeout=30)
    assert not running["thread"].is_alive()
    # Started, restarted twice, then the third stop within the window stops everything with the child's code.
    assert starts.read_text() == "xxx"
    assert running["result"]["code"] == 3
    assert [line.split(" ", 2)[2] for line in said] == [
        "Tiến trình tiến trình nền (Celery) đã dừng bất thường (mã 3); khởi động lại (lần 1).",
        "Tiến trình tiến trình nền (Celery) đã dừng bất thường (mã 3); khởi động lại (lần 2).",
        "Tiến trình tiến trình nền (Celery) đã dừng (mã 3) 3 lần trong 1 phút; dừng toàn bộ.",
    ]
    assert all(proc.poll() is not None for proc in supervisor.procs.values())  # the web server was stopped too


def test_a_killed_child_is_back_and_a_stop_request_ends_both_cleanly(tmp_path):
    said: list[str] = []
    sleeper = _python("import time; time.sleep(60)")
    supervisor = Supervisor({"web": sleeper, "worker": sleeper}, said.append, every=0.05)
    running = _run(supervisor)
    deadline = time.monotonic() + 10
    while len(supervisor.procs) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    first = supervisor.procs["worker"]
    first.send_signal(signal.SIGKILL)
    while supervisor.procs["worker"] is first and time.monotonic() < deadline:
        time.sleep(0.05)
    again = supervisor.procs["worker"]
    assert again is not first and again.poll() is None
    assert "đã dừng bất thường (mã -9); khởi động lại (lần 1)" in said[0]
    supervisor.stop()
    running["thread"].join(timeout=30)
    assert running["result"]["code"] == 0
    assert all(proc.poll() is not None for proc in supervisor.procs.values())
