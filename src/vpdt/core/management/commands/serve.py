"""Run the web application (gunicorn) and the background worker with its scheduler (Celery)."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy ứng dụng web (gunicorn) và tiến trình nền (Celery worker + beat)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("VPDT_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("VPDT_WEB_WORKERS", "3")))
        parser.add_argument("--no-worker", action="store_true", help="Không chạy Celery trong cùng lệnh.")
        parser.add_argument(
            "--no-realtime", action="store_true", help="Không chạy tiến trình cập nhật trực tiếp (WebSocket)."
        )

    def handle(self, *args, **options):
        bin_dir = os.path.dirname(sys.executable)
        log_dir = str(settings.LOG_DIR)
        web = [
            os.path.join(bin_dir, "gunicorn"),
            "vpdt.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--timeout",
            "120",
            "--graceful-timeout",
            "20",
            "--access-logfile",
            os.path.join(log_dir, "access.log"),
            "--error-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("VPDT_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        commands = {"web": web}
        if not options["no_worker"]:
            worker = [
                os.path.join(bin_dir, "celery"),
                "-A",
                "vpdt",
                "worker",
                "--beat",
                "--loglevel",
                "INFO",
                "-Q",
                os.environ.get("VPDT_WORKER_QUEUES", "celery,ocr,exchange"),  # default queue, OCR, exchange
                "--concurrency",
                os.environ.get("VPDT_WORKER_CONCURRENCY", "2"),
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
                "--logfile",
                os.path.join(log_dir, "worker.log"),
            ]
            commands["worker"] = worker
        if settings.VPDT_REALTIME_BIND and not options["no_realtime"]:
            host, _, port = settings.VPDT_REALTIME_BIND.rpartition(":")
            commands["realtime"] = [
                os.path.join(bin_dir, "uvicorn"),
                "vpdt.asgi:application",
                "--host",
                host.strip("[]") or "127.0.0.1",
                "--port",
                port,
                "--lifespan",
                "on",
                "--ws",
                "websockets-sansio",
                "--no-access-log",
                "--log-level",
                "warning",
                "--proxy-headers",
                "--forwarded-allow-ips",
                os.environ.get("VPDT_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            ]
        self.stdout.write(self.style.SUCCESS(f"vpdt đang chạy tại http://{options['bind']}/ (Ctrl+C để dừng)"))
        sys.exit(Supervisor(commands, self.stderr.write, optional={"realtime"}).run())


class Supervisor:
    """Keeps the web server, the worker and the live process running: one that stops by itself is started again and
    the event written to the error output (the deployment's log); one that keeps stopping (``limit`` times within
    ``window`` seconds) stops everything, with its exit code, for the service manager to see — except an
    ``optional`` one (the live process: pages then only ask at their pace), which is left stopped. SIGTERM or Ctrl+C
    stops them all."""

    def __init__(
        self, commands: dict[str, list[str]], say, *, optional=(), limit: int = 5, window: float = 600, every=0.5
    ):
        self.commands = commands
        self.optional = set(optional)
        self.say = say
        self.limit = limit
        self.window = window
        self.every = every
        self.stopping = False
        self.procs: dict[str, subprocess.Popen] = {}
        self.restarts: dict[str, list[float]] = {name: [] for name in commands}

    def stop(self, *_):
        self.stopping = True
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    def _wait_all(self) -> None:
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        return self.run_children()

    def run_children(self) -> int:
        self.procs = {name: subprocess.Popen(command) for name, command in self.commands.items()}
        try:
            while True:
                for name, proc in list(self.procs.items()):
                    code = proc.poll()
                    if code is None:
                        continue
                    if self.stopping:
                        self._wait_all()
                        return 0 if code in (0, -signal.SIGTERM) else code
                    now = time.monotonic()
                    recent = [t for t in self.restarts[name] if now - t < self.window]
                    when = time.strftime("%d/%m/%Y %H:%M:%S")
                    if len(recent) >= self.limit and name in self.optional:
                        self.say(
                            f"{when} Tiến trình {LABELS.get(name, name)} đã dừng (mã {code}) {len(recent) + 1} lần "
                            f"trong {int(self.window // 60)} phút; để dừng, các phần khác vẫn chạy."
                        )
                        del self.procs[name]
                        continue
                    if len(recent) >= self.limit:
                        self.say(
                            f"{when} Tiến trình {LABELS.get(name, name)} đã dừng (mã {code}) {len(recent) + 1} lần "
                            f"trong {int(self.window // 60)} phút; dừng toàn bộ."
                        )
                        self.stop()
                        self._wait_all()
                        return code or 1
                    recent.append(now)
                    self.restarts[name] = recent
                    self.say(
                        f"{when} Tiến trình {LABELS.get(name, name)} đã dừng bất thường (mã {code}); "
                        f"khởi động lại (lần {len(recent)})."
                    )
                    self.procs[name] = subprocess.Popen(self.commands[name])
                time.sleep(self.every)
        finally:
            self.stop()


LABELS = {
    "web": "máy chủ web (gunicorn)",
    "worker": "tiến trình nền (Celery)",
    "realtime": "cập nhật trực tiếp (WebSocket, uvicorn)",
}
