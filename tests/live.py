"""The live process (``vpdt.asgi`` under uvicorn) in a thread of the test process, on a free port: the same
application ``vpdt serve`` runs.

With the in-memory SQLite test database, a second connection would meet "database table is locked" (shared cache):
the live process then uses the test's own connection, as Django's live server thread does."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from asgiref.sync import sync_to_async
from django.db import connections


def _in_memory() -> dict:
    return {conn.alias: conn for conn in connections.all() if conn.vendor == "sqlite" and conn.is_in_memory_db()}


class LiveProcess:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.shared = _in_memory()
        config = uvicorn.Config(
            self._application,
            host="127.0.0.1",
            port=self.port,
            interface="asgi3",
            lifespan="on",
            ws="websockets-sansio",
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def _share(self) -> None:
        for alias, conn in self.shared.items():
            connections[alias] = conn

    async def _application(self, scope, receive, send):
        from vpdt.asgi import application

        if scope["type"] == "lifespan" and self.shared:
            await sync_to_async(self._share)()  # the thread every database call of the process runs in
        await application(scope, receive, send)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/su-kien/"

    def start(self) -> LiveProcess:
        for conn in self.shared.values():
            conn.inc_thread_sharing()
        self.thread.start()
        end = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > end or not self.thread.is_alive():
                raise RuntimeError("Tiến trình cập nhật trực tiếp không khởi động được.")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        for conn in self.shared.values():
            conn.dec_thread_sharing()
