"""How packages travel: one small interface, and its HTTP implementation for a hub (the provincial hub, the national
axis, or another vpdt acting as hub).

The calls are those every hub offers under one name or another: send a message, list what waits for us, get one,
confirm we have it, and read the directory of agencies. Paths and header names are settings of the partner
(``Partner.settings = {"paths": {...}, "headers": {...}}``) so the client speaks to a hub that names them otherwise;
the defaults are vpdt's own hub API (:mod:`vpdt.exchange.hub_views`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

import urllib3

from . import auth

DEFAULT_PATHS = {
    "send": "/api/v1/hub/send/",
    "pending": "/api/v1/hub/pending/",
    "get": "/api/v1/hub/messages/{id}/",
    "confirm": "/api/v1/hub/messages/{id}/confirm/",
    "organizations": "/api/v1/hub/organizations/",
}
TIMEOUT = urllib3.Timeout(connect=5.0, read=60.0)


class TransportError(Exception):
    """The other side could not be reached or refused the call; the message says why, in Vietnamese.
    ``permanent``: sending again will not help (the package itself was refused)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass
class Pending:
    id: str
    kind: str  # edoc | status


class Transport(Protocol):
    def send(self, data: bytes, *, kind: str, organ: str) -> str: ...

    def pending(self) -> list[Pending]: ...

    def get(self, message_id: str) -> bytes: ...

    def confirm(self, message_id: str) -> None: ...

    def organizations(self) -> list[dict]: ...


_pool = urllib3.PoolManager(num_pools=20, maxsize=10, retries=False, timeout=TIMEOUT)


class HubClient:
    """A hub reached over HTTP with HMAC-SHA256 signed requests."""

    def __init__(self, partner):
        self.partner = partner
        self.base = partner.base_url.rstrip("/")
        self.paths = {**DEFAULT_PATHS, **(partner.settings or {}).get("paths", {})}
        self.names = {**auth.DEFAULT_HEADERS, **(partner.settings or {}).get("headers", {})}
        self.secret = auth.open_secret(partner.secret)

    def _call(self, method: str, path: str, body: bytes = b"", extra: dict | None = None):
        headers = auth.sign_headers(self.partner.own_code, self.secret, method, path, body, self.names)
        headers.update(extra or {})
        try:
            response = _pool.request(method, self.base + path, body=body or None, headers=headers)
        except urllib3.exceptions.HTTPError as err:
            raise TransportError(f"Không kết nối được {self.partner.name}: {type(err).__name__}.") from None
        if response.status >= 500:
            raise TransportError(f"{self.partner.name} trả lỗi máy chủ (HTTP {response.status}).")
        if response.status in (401, 403):
            raise TransportError(f"{self.partner.name} từ chối xác thực: {_detail(response)}")
        if response.status >= 400:
            raise TransportError(f"{self.partner.name} từ chối gói tin: {_detail(response)}", permanent=True)
        return response

    def send(self, data: bytes, *, kind: str, organ: str) -> str:
        extra = {self.names["message_type"]: kind, self.names["organ"]: organ, "Content-Type": "application/xml"}
        response = self._call("POST", self.paths["send"], data, extra)
        return str(_json(response).get("id", ""))

    def pending(self) -> list[Pending]:
        rows = _json(self._call("GET", self.paths["pending"])).get("results", [])
        return [Pending(str(row["id"]), row.get("type", "edoc")) for row in rows]

    def get(self, message_id: str) -> bytes:
        return self._call("GET", self.paths["get"].format(id=message_id)).data

    def confirm(self, message_id: str) -> None:
        self._call("POST", self.paths["confirm"].format(id=message_id))

    def organizations(self) -> list[dict]:
        return _json(self._call("GET", self.paths["organizations"])).get("results", [])


def _json(response) -> dict:
    try:
        return json.loads(response.data or b"{}")
    except ValueError:
        raise TransportError("Trục trả về dữ liệu không phải JSON.") from None


def _detail(response) -> str:
    try:
        return str(json.loads(response.data).get("detail", ""))[:500]
    except (ValueError, AttributeError):
        return f"HTTP {response.status}"


def transport_for(partner) -> Transport:
    return HubClient(partner)
