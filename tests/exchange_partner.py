"""A protocol-faithful fake hub for the exchange tests: a real HTTP server on loopback, in a thread, with its own
in-memory queues. It checks each request's HMAC-SHA256 signature exactly as a hub does (its own code, not vpdt's),
answers with the hub API's JSON, and can be told to fail (down, 500s, refusals) to test retries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Stored:
    id: int
    kind: str
    organ: str
    data: bytes
    fetched: bool = False


@dataclass
class FakeHub:
    secrets: dict  # system code → shared secret
    received: list[Stored] = field(default_factory=list)  # what systems sent to the hub
    waiting: dict[str, list[Stored]] = field(default_factory=dict)  # what waits for each system
    organizations: list[dict] = field(default_factory=list)
    fail_with: int | None = None  # answer every call with this HTTP status
    refuse_next: str = ""  # refuse the next send with this reason (HTTP 400)
    seen_nonces: set = field(default_factory=set)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self):
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def offer(self, system: str, data: bytes, kind: str = "edoc") -> Stored:
        with self._lock:
            item = Stored(next(self._ids), kind, "", data)
            self.waiting.setdefault(system, []).append(item)
        return item

    # ------------------------------------------------------------------ the server

    def start(self, port: int = 0):
        """Serve on loopback (``port`` 0: any free port; give the old one to come back after :meth:`stop`)."""
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: dict | bytes, content_type="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authenticated(self, body: bytes) -> str | None:
                system = self.headers.get("X-Vpdt-System", "")
                timestamp = self.headers.get("X-Vpdt-Timestamp", "")
                nonce = self.headers.get("X-Vpdt-Nonce", "")
                given = self.headers.get("X-Vpdt-Signature", "")
                secret = hub.secrets.get(system)
                if secret is None or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
                    return None
                signed = f"{self.command}\n{self.path}\n{timestamp}\n{nonce}\n{hashlib.sha256(body).hexdigest()}"
                expected = base64.b64encode(hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest())
                if not hmac.compare_digest(expected, given.encode()) or (system, nonce) in hub.seen_nonces:
                    return None
                hub.seen_nonces.add((system, nonce))
                return system

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                hub.calls.append((self.command, self.path))
                if hub.fail_with:
                    return self._reply(hub.fail_with, {"detail": "Trục đang bảo trì."})
                system = self._authenticated(body)
                if system is None:
                    return self._reply(401, {"detail": "Sai chữ ký."})
                parts = urlsplit(self.path).path.strip("/").split("/")  # api/v1/hub/...
                route = parts[3:]
                if self.command == "POST" and route == ["send"]:
                    if hub.refuse_next:
                        reason, hub.refuse_next = hub.refuse_next, ""
                        return self._reply(400, {"detail": reason})
                    with hub._lock:
                        item = Stored(
                            next(hub._ids),
                            self.headers.get("X-Vpdt-Message-Type", "edoc"),
                            self.headers.get("X-Vpdt-Organ", ""),
                            body,
                        )
                        hub.received.append(item)
                    return self._reply(201, {"id": item.id, "duplicate": False})
                if self.command == "GET" and route == ["pending"]:
                    rows = [{"id": s.id, "type": s.kind} for s in hub.waiting.get(system, []) if not s.fetched]
                    return self._reply(200, {"results": rows})
                if len(route) >= 2 and route[0] == "messages":
                    item = next((s for s in hub.waiting.get(system, []) if str(s.id) == route[1]), None)
                    if item is None:
                        return self._reply(404, {"detail": "Không có."})
                    if self.command == "GET" and len(route) == 2:
                        return self._reply(200, item.data, "application/xml")
                    if self.command == "POST" and route[2:] == ["confirm"]:
                        item.fetched = True
                        return self._reply(200, {"id": item.id})
                if self.command == "GET" and route == ["organizations"]:
                    return self._reply(200, {"results": hub.organizations})
                return self._reply(404, {"detail": "Không có API này."})

            do_GET = do_POST = _handle

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
