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
        procs = [("web", subprocess.Popen(web))]
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
            procs.append(("worker", subprocess.Popen(worker)))
        self.stdout.write(self.style.SUCCESS(f"vpdt đang chạy tại http://{options['bind']}/ (Ctrl+C để dừng)"))
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True
            for _name, proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while True:
                for name, proc in procs:
                    code = proc.poll()
                    if code is not None:
                        if not stopping:
                            self.stderr.write(f"Tiến trình {name} đã dừng (mã {code}); dừng toàn bộ.")
                            stop()
                        for _n, other in procs:
                            try:
                                other.wait(timeout=30)
                            except subprocess.TimeoutExpired:
                                other.kill()
                        sys.exit(0 if stopping and code in (0, -15) else code or 0)
                time.sleep(0.5)
        finally:
            stop()
