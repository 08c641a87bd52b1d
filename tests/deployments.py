"""Two real deployments on loopback, each with its own data folder and SQLite database, each served by ``vpdt
serve`` (gunicorn and the Celery worker with its scheduler) exactly as ``make run`` serves one:

* **Nghệ An** (the demo organisation) is the province's hub;
* **Hà Tĩnh** is another province's system connected to it: it fetches what waits for it at the hub and sends its
  packages and statuses there.

The exchange schedules run every second and a failed send is retried after 1, 2, 4… seconds (the production defaults
are minutes), so that minutes of outage take seconds of test. The databases are read directly (SQLite) to see what
each side holds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import urllib3

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bi-mat-chung-giua-truc-va-he-thong-ha-tinh"
HA_TINH = "000.00.00.H42"
HA_TINH_NAME = "Ủy ban nhân dân tỉnh Hà Tĩnh"
SXD = "000.00.12.H41"
SXD_NAME = "Sở Xây dựng tỉnh Nghệ An"
_DROPPED = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_TESTRUNUID")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Deployment:
    def __init__(self, name: str, folder: Path):
        self.name = name
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.live_port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = folder.parent / f"{name}.log"

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED and not k.startswith("PYTEST_")}
        env.update(
            VPDT_DATA_DIR=str(self.folder),
            VPDT_TESTING="1",
            VPDT_EXCHANGE_SEND_SECONDS="1",
            VPDT_EXCHANGE_POLL_SECONDS="1",
            VPDT_EXCHANGE_RETRY_SECONDS="1",
            VPDT_EXCHANGE_LEASE_SECONDS="5",
            VPDT_WEB_WORKERS="1",
            VPDT_WORKER_CONCURRENCY="1",
            VPDT_WORKER_QUEUES="exchange,celery",
            VPDT_REALTIME_BIND=f"127.0.0.1:{self.live_port}",
            PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        )
        env.pop("CELERY_BROKER_URL", None)
        return env

    def run(self, *args: str, timeout: int = 300) -> dict:
        """``vpdt <args>`` or, for ``setup …``, the setup module; the JSON it prints last, if any."""
        command = (
            [str(BIN / "python"), "-m", "tests.deployment_setup", *args[1:]]
            if args[0] == "setup"
            else [str(BIN / "vpdt"), *args]
        )
        done = subprocess.run(command, env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"{self.name}: {' '.join(args)} thất bại:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        last = done.stdout.strip().splitlines()[-1:] if done.stdout.strip() else []
        return json.loads(last[0]) if last and last[0].startswith("{") else {}

    def start(self) -> Deployment:
        log = open(self.log, "ab")
        self.process = subprocess.Popen(
            [str(BIN / "vpdt"), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_up()
        return self

    def _wait_up(self, timeout: float = 60) -> None:
        pool = urllib3.PoolManager(retries=False, timeout=2)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} đã dừng khi khởi động:\n{self.log.read_text()[-3000:]}")
            try:
                if pool.request("GET", self.url + "/healthz").status == 200:
                    return
            except urllib3.exceptions.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} không khởi động trong {timeout} giây:\n{self.log.read_text()[-3000:]}")

    def _signal(self, number: int) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, number)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        """Stopped as an operator stops it (SIGTERM to the web server and the worker)."""
        self._signal(signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(timeout=10)
        self._reap()

    def kill(self) -> None:
        """``kill -9`` of every process of the deployment, whatever it is doing."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)
        self._reap()

    def _reap(self) -> None:
        """Children left by a killed group leader (a gunicorn worker, the Celery pool) are killed too."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process = None

    def describe(self, lines: int = 40) -> str:
        """What an operator would look at first: whether it runs, and the end of its logs (the web server and
        supervisor's output, the worker's log, the application's log)."""
        if self.process is None:
            state = "đã dừng (bởi kiểm thử)"
        elif self.process.poll() is None:
            state = f"đang chạy (pid {self.process.pid})"
        else:
            state = f"ĐÃ TỰ DỪNG, mã {self.process.returncode}"
        parts = [f"== {self.name}: {state}, {self.url}"]
        for path in (self.log, self.folder / "logs" / "worker.log", self.folder / "logs" / "vpdt.log"):
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"-- {path.name} ({len(tail)} dòng cuối)\n" + "\n".join(tail))
        return "\n".join(parts)

    def rows(self, sql: str, params=()) -> list[tuple]:
        connection = sqlite3.connect(self.folder / "vpdt.sqlite3", timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def value(self, sql: str, params=()):
        found = self.rows(sql, params)
        return found[0][0] if found else None


def wait_for(check, *, timeout: float = 90, every: float = 0.25, what: str = ""):
    """Poll ``check()`` until it returns something true; that value."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"Hết {timeout} giây chờ {what or check} (giá trị cuối: {last!r}).")


def start_both(*deployments: Deployment) -> None:
    with ThreadPoolExecutor(len(deployments)) as pool:
        for started in [pool.submit(d.start) for d in deployments]:
            started.result()


def build(folder: Path) -> tuple[Deployment, Deployment]:
    """Both deployments, migrated and prepared (not started): one migration, copied, then each side in parallel."""
    template = folder / "template"
    template.mkdir(parents=True, exist_ok=True)
    base = Deployment("template", template)
    base.run("migrate", "--noinput")
    base.run("collectstatic", "--noinput", "-v0")
    nghe_an = Deployment("nghe-an", folder / "nghe-an")
    ha_tinh = Deployment("ha-tinh", folder / "ha-tinh")
    for side in (nghe_an, ha_tinh):
        shutil.copytree(template, side.folder, ignore=shutil.ignore_patterns("broker", "logs", "celerybeat-*"))

    def prepare_hub():
        nghe_an.run("load-demo", "--if-empty")
        return nghe_an.run("setup", "hub", "--secret", SECRET)

    with ThreadPoolExecutor(2) as pool:
        hub = pool.submit(prepare_hub)
        connected = pool.submit(ha_tinh.run, "setup", "connected", "--secret", SECRET, "--hub-url", nghe_an.url)
        trust = hub.result()["trust_pem"]
        connected.result()
    pem = folder / "nghe-an-ca.pem"
    pem.write_text(trust)
    ha_tinh.run("setup", "trust", "--pem", str(pem))
    return nghe_an, ha_tinh
