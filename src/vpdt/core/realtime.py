"""Live updates to open pages, over WebSockets (Django Channels).

* A page opens one socket, ``/ws/su-kien/`` (:mod:`vpdt.core.consumers`), served by the ASGI process that
  ``vpdt serve`` starts beside the web server (``vpdt.asgi``, uvicorn, ``VPDT_REALTIME_BIND``). The socket belongs to
  the person signed in (the session cookie); it joins that person's group.
* Any process (a web request, the worker) calls :func:`publish` with the people concerned and a *kind*
  (``"notification"``, ``"chat"``…). What travels is only a nudge: the kind and a few ids, never a document's
  content. The page then asks the server again through its ordinary, authorized URLs (the bell's count, a
  conversation's new messages), so the channel cannot leak what the person may not see.
* In production the channel layer is Redis (``VPDT_CHANNEL_REDIS_URL``): :func:`publish` sends to the groups
  directly. The embedded default needs no server: the nudges are written to a table (:class:`.models.LiveEvent`),
  which the ASGI process reads a few times a second and hands to its in-memory layer (:func:`relay`); rows older
  than a few minutes are removed.
* Pages keep asking at their usual pace when the socket cannot open (a proxy that blocks WebSockets): the live
  channel only makes them faster.
* Apps add their own sockets with :func:`route` in their ``AppConfig.ready()``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Iterable
from functools import partial
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, close_old_connections, transaction
from django.urls import path
from django.utils import timezone

log = logging.getLogger(__name__)
EVENT = "vpdt.event"  # the message type: handled by the consumers' ``vpdt_event``
KEEP = dt.timedelta(minutes=5)  # how long the embedded relay keeps a nudge
SEND_AT_ONCE = 20  # groups sent to together through Redis
_routes: list = []


def group(user_id: int) -> str:
    return f"u{user_id}"


def route(pattern: str, consumer) -> None:
    """Serve ``consumer`` (a Channels consumer class) at ``pattern`` (``"ws/…/"``)."""
    _routes.append(path(pattern, consumer.as_asgi()))


def routes() -> list:
    return list(_routes)


def embedded() -> bool:
    return settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")


def enabled() -> bool:
    return bool(settings.VPDT_REALTIME_URL or settings.VPDT_REALTIME_BIND)


def url_for(request, pattern: str = "ws/su-kien/") -> str:
    """The address a page opens its socket at: VPDT_REALTIME_URL (absolute, or a path on the page's own host
    behind a proxy), else the page's host at the port of VPDT_REALTIME_BIND. Empty when live updates are off."""
    scheme = "wss" if request.is_secure() else "ws"
    configured = settings.VPDT_REALTIME_URL
    try:
        page_host = request.get_host()
    except DisallowedHost:
        return ""
    if configured:
        base = configured if "://" in configured else f"{scheme}://{page_host}{configured}"
    elif settings.VPDT_REALTIME_BIND:
        port = settings.VPDT_REALTIME_BIND.rsplit(":", 1)[-1]
        host = urlsplit("//" + page_host).hostname or "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        base = f"{scheme}://{host}:{port}/"
    else:
        return ""
    return base.rstrip("/") + "/" + pattern


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def publish(user_ids: Iterable[int], kind: str, **data) -> None:
    """Nudge the open pages of ``user_ids`` that ``kind`` changed for them, once the current transaction commits."""
    ids = sorted({int(u) for u in user_ids if u is not None})
    if ids and enabled():
        transaction.on_commit(partial(_send, ids, {"kind": kind, **data}), robust=True)


def _send(user_ids: list[int], message: dict) -> None:
    if embedded():
        from .models import LiveEvent

        LiveEvent.objects.bulk_create([LiveEvent(user_id=u, data=message) for u in user_ids])
        return
    from channels.layers import get_channel_layer

    async_to_sync(_send_all)(get_channel_layer(), user_ids, message)


async def _send_all(layer, user_ids: list[int], message: dict) -> None:
    """Every group from one event loop (an event loop per group opens a Redis connection per group: a second for a
    200-member conversation), ``SEND_AT_ONCE`` groups at a time (their round trips overlap, on as many
    connections)."""
    for i in range(0, len(user_ids), SEND_AT_ONCE):
        await asyncio.gather(
            *(layer.group_send(group(u), {"type": EVENT, "data": message}) for u in user_ids[i : i + SEND_AT_ONCE])
        )


def _last_id() -> int:
    from .models import LiveEvent

    close_old_connections()
    return LiveEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _after(last: int, limit: int = 500) -> list[tuple[int, int, dict]]:
    from .models import LiveEvent

    close_old_connections()
    return list(LiveEvent.objects.filter(id__gt=last).order_by("id").values_list("id", "user_id", "data")[:limit])


def _prune() -> int:
    from .models import LiveEvent

    return LiveEvent.objects.filter(created_at__lt=timezone.now() - KEEP).delete()[0]


async def relay_once(layer, last: int) -> int:
    """Hand the nudges written after ``last`` to ``layer``; the id of the last one handed."""
    for event_id, user_id, data in await sync_to_async(_after)(last):
        await layer.group_send(group(user_id), {"type": EVENT, "data": data})
        last = event_id
    return last


async def relay(layer, every: float = 0.25) -> None:
    """The embedded relay: runs in the ASGI process for as long as it serves."""
    last = None
    pruned = 0.0
    while True:
        try:
            if last is None:
                last = await sync_to_async(_last_id)()
            last = await relay_once(layer, last)
            if time.monotonic() - pruned > 60:
                await sync_to_async(_prune)()
                pruned = time.monotonic()
        except DatabaseError:
            log.warning("Không đọc được bảng sự kiện trực tiếp; thử lại sau.", exc_info=True)
            await asyncio.sleep(5)
        await asyncio.sleep(every)


async def lifespan(receive, send) -> None:
    """The ASGI lifespan of the live process: the embedded relay starts with it and stops with it."""
    task = None
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if embedded():
                from channels.layers import get_channel_layer

                task = asyncio.create_task(relay(get_channel_layer()))
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if task is not None:
                task.cancel()
            await send({"type": "lifespan.shutdown.complete"})
            return
