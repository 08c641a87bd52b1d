"""Live updates (vpdt.core.realtime): the address a page opens, the Content-Security-Policy that lets it, the nudges
written on commit, and the socket itself through the whole ASGI application — session cookie, origin check, only
the person's own nudges — with the embedded relay handing them over."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.live import LiveProcess
from vpdt.core import realtime
from vpdt.core.models import LiveEvent
from vpdt.notifications import services as notifications


@pytest.fixture
def live(settings):
    settings.VPDT_REALTIME_BIND = "127.0.0.1:8001"
    settings.VPDT_REALTIME_URL = ""
    return settings


def _request(host="127.0.0.1:8000", secure=False):
    return RequestFactory().get("/", HTTP_HOST=host, secure=secure)


def test_the_page_opens_its_socket_on_the_live_port_of_its_own_host(live):
    assert realtime.url_for(_request()) == "ws://127.0.0.1:8001/ws/su-kien/"
    assert realtime.url_for(_request("localhost:8000")) == "ws://localhost:8001/ws/su-kien/"
    live.ALLOWED_HOSTS = [*live.ALLOWED_HOSTS, "[::1]"]
    assert realtime.url_for(_request("[::1]:8000")) == "ws://[::1]:8001/ws/su-kien/"


def test_behind_a_proxy_the_configured_address_is_used_and_off_means_no_socket(live):
    live.ALLOWED_HOSTS = ["vpdt.nghean.gov.vn"]
    live.VPDT_REALTIME_URL = "/ws/"
    assert realtime.url_for(_request("vpdt.nghean.gov.vn", secure=True)) == "wss://vpdt.nghean.gov.vn/ws/ws/su-kien/"
    live.VPDT_REALTIME_URL = "wss://song.nghean.gov.vn/"
    assert realtime.url_for(_request("vpdt.nghean.gov.vn")) == "wss://song.nghean.gov.vn/ws/su-kien/"
    live.VPDT_REALTIME_URL = ""
    live.VPDT_REALTIME_BIND = ""
    assert realtime.url_for(_request()) == ""
    assert realtime.url_for(_request("ke-la.example")) == ""  # a host not served: nothing, never an error


def test_a_signed_in_page_names_its_socket_and_its_policy_allows_it(org, live):
    client = Client()
    client.force_login(org.sxd_clerk)
    response = client.get("/", HTTP_HOST="127.0.0.1:8000")
    assert b'<meta name="vpdt-live" content="ws://127.0.0.1:8001/ws/su-kien/">' in response.content
    assert "ws://127.0.0.1:8001" in response.headers["Content-Security-Policy"].split("connect-src")[1].split(";")[0]
    anonymous = Client().get("/dang-nhap/", HTTP_HOST="127.0.0.1:8000")
    assert b"vpdt-live" not in anonymous.content
    assert "8001" not in anonymous.headers["Content-Security-Policy"]


def test_a_notification_writes_one_nudge_per_person_once_committed(org, live, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        notifications.notify(
            [org.sxd_leader, org.sxd_clerk, org.sxd_leader], "test.ping", text="Có văn bản mới chờ xử lý"
        )
        assert not LiveEvent.objects.exists()  # nothing before the commit
    for callback in pending:
        callback()
    assert sorted(LiveEvent.objects.values_list("user_id", "data")) == sorted(
        [(org.sxd_leader.pk, {"kind": "notification"}), (org.sxd_clerk.pk, {"kind": "notification"})]
    )


def test_nothing_is_published_when_live_updates_are_off(org, settings, django_capture_on_commit_callbacks):
    settings.VPDT_REALTIME_BIND = ""
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([org.sxd_leader], "test.ping", text="Có văn bản mới chờ xử lý")
    assert not LiveEvent.objects.exists()


def _cookie_of(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"


def _open(process, **headers):
    return connect(process.url, additional_headers={"Origin": "http://127.0.0.1:8000", **headers}, open_timeout=10)


@pytest.mark.django_db(transaction=True)
def test_the_socket_carries_the_persons_own_nudges_through_the_embedded_relay(org, live):
    process = LiveProcess().start()
    try:
        with (
            _open(process, Cookie=_cookie_of(org.sxd_leader)) as theirs,
            _open(process, Cookie=_cookie_of(org.sxd_clerk)) as mine,
        ):
            time.sleep(0.5)  # both sockets have joined their groups
            notifications.notify([org.sxd_leader], "test.ping", text="Văn bản 2105/UBND-KT chờ cho ý kiến")
            assert json.loads(theirs.recv(timeout=5)) == {"kind": "notification"}  # by the relay, within a second
            with pytest.raises(TimeoutError):
                mine.recv(timeout=1)  # the clerk hears nothing of the director's notices
            with pytest.raises(TimeoutError):
                theirs.recv(timeout=1)  # handed once

        with _open(process) as stranger:  # no session: told to stop trying
            with pytest.raises(ConnectionClosed) as closed:
                stranger.recv(timeout=5)
            assert closed.value.rcvd.code == 4401
        with pytest.raises(InvalidStatus):  # another site's page cannot open the director's socket
            _open(process, Cookie=_cookie_of(org.sxd_leader), Origin="http://ke-la.example")
    finally:
        process.stop()


def test_in_production_the_nudges_travel_through_redis_to_every_server(org, settings):
    """With VPDT_CHANNEL_REDIS_URL the nudges go to the Redis channel layer (what every live server listens on),
    and no row is written."""
    import os

    from asgiref.sync import async_to_sync
    from channels.layers import channel_layers

    settings.VPDT_REALTIME_BIND = "127.0.0.1:8001"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [os.environ.get("VPDT_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")],
                "prefix": f"vpdt-test-{os.getpid()}",
            },
        }
    }
    channel_layers.backends.clear()
    try:
        layer = channel_layers["default"]

        async def scenario():
            channel = await layer.new_channel()
            await layer.group_add(realtime.group(org.sxd_leader.pk), channel)
            await asyncio.to_thread(realtime._send, [org.sxd_leader.pk, org.sxd_clerk.pk], {"kind": "chat", "id": 7})
            message = await asyncio.wait_for(layer.receive(channel), timeout=10)
            await layer.group_discard(realtime.group(org.sxd_leader.pk), channel)
            await layer.flush()
            return message

        assert async_to_sync(scenario)() == {"type": realtime.EVENT, "data": {"kind": "chat", "id": 7}}
        assert not LiveEvent.objects.exists()
    finally:
        channel_layers.backends.clear()


def test_a_message_to_a_large_group_reaches_every_page_of_one_live_process(settings, monkeypatch):
    """All the pages of one live process share its Redis queue: a message to a 300-member group is 300 nudges waiting
    there at once, and all of them arrive. They are sent from one event loop (one Redis connection, not one per
    member), and the 300 pages closing at once leave their groups."""
    import os

    from asgiref.sync import async_to_sync
    from channels.layers import channel_layers

    from vpdt import settings as vpdt_settings

    layer_config = vpdt_settings.redis_channel_layer(os.environ.get("VPDT_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"))
    layer_config["CONFIG"]["prefix"] = f"vpdt-test-many-{os.getpid()}"
    settings.VPDT_REALTIME_BIND = "127.0.0.1:8001"
    settings.CHANNEL_LAYERS = {"default": layer_config}
    channel_layers.backends.clear()
    people = list(range(900001, 900301))
    try:
        layer = channel_layers["default"]
        sending_loops = []
        group_send = layer.group_send

        async def spy(*args, **kwargs):
            sending_loops.append(asyncio.get_running_loop())
            return await group_send(*args, **kwargs)

        monkeypatch.setattr(layer, "group_send", spy)

        async def scenario():
            pages = {}
            for person in people:
                pages[person] = await layer.new_channel()
                await layer.group_add(realtime.group(person), pages[person])
            await asyncio.to_thread(realtime._send, people, {"kind": "chat", "conversation": 9})
            got = [await asyncio.wait_for(layer.receive(pages[person]), timeout=10) for person in people]
            await asyncio.gather(*(layer.group_discard(realtime.group(p), pages[p]) for p in people))
            await layer.flush()
            return got

        got = async_to_sync(scenario)()
        assert got == [{"type": realtime.EVENT, "data": {"kind": "chat", "conversation": 9}}] * len(people)
        assert len(sending_loops) == len(people) and len(set(map(id, sending_loops))) == 1
    finally:
        channel_layers.backends.clear()


def test_a_live_process_with_nothing_to_hand_over_keeps_waiting_for_nudges(settings):
    """The live process waits for nudges in blocking reads of five seconds: a quiet spell longer than that is not an
    error that would end the pages' sockets."""
    import os

    from asgiref.sync import async_to_sync
    from channels.layers import channel_layers

    from vpdt import settings as vpdt_settings

    layer_config = vpdt_settings.redis_channel_layer(os.environ.get("VPDT_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"))
    layer_config["CONFIG"]["prefix"] = f"vpdt-test-quiet-{os.getpid()}"
    settings.CHANNEL_LAYERS = {"default": layer_config}
    channel_layers.backends.clear()
    try:
        layer = channel_layers["default"]

        async def scenario():
            page = await layer.new_channel()
            await layer.group_add(realtime.group(900001), page)
            try:
                with pytest.raises(asyncio.TimeoutError):  # still waiting when the test stops it, after 12 seconds
                    await asyncio.wait_for(layer.receive(page), timeout=12)
                await layer.group_send(realtime.group(900001), {"type": realtime.EVENT, "data": {"kind": "chat"}})
                return await asyncio.wait_for(layer.receive(page), timeout=10)
            finally:
                await layer.group_discard(realtime.group(900001), page)
                await layer.flush()

        assert async_to_sync(scenario)() == {"type": realtime.EVENT, "data": {"kind": "chat"}}
    finally:
        channel_layers.backends.clear()
