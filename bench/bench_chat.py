"""Delay of a chat message's live nudge to every member of a 200-member group (vpdt.collab.chat, vpdt.core.realtime).

The live process runs as ``vpdt serve`` runs it: ``uvicorn vpdt.asgi:application`` (lifespan on, websockets-sansio),
its own process on a free port. The members' pages are another process (bench/chat_listeners.py) holding one
WebSocket per member on ``/ws/su-kien/``, each signed in by that member's session cookie. The group is made once in
the province's largest agency, by its leader, through the chat service.

Each message is posted as the conversation's page posts it (``POST /hoi-thoai/<id>/gui/`` with HTMX, through the
test client, signed in as the leader): the view, the service, its transaction and what it publishes on commit. A
recipient's delay is from just before that POST to the moment their socket receives the nudge (kind ``chat`` with
the conversation's id; the page then asks for the new messages through its ordinary URL). Messages are sent one
after the other, the next once every member has the previous one (or after ``--timeout``).

Two channel layers, with the same live process:

* ``redis`` — production (``VPDT_CHANNEL_REDIS_URL``): the post sends to each member's group through Redis.
* ``embedded`` — the default without Redis: the post writes one ``core.LiveEvent`` row per member; the live
  process reads the table four times a second and hands them to its in-memory layer.

Every nudge expected must arrive: delivered / expected is printed for each layer."""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import django
import redis

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

from common import report
from django.conf import settings
from django.db.models import Count
from django.test import Client, override_settings
from tqdm import tqdm

from vpdt.collab.chat import services
from vpdt.collab.chat.models import Conversation, Kind, Member
from vpdt.core import realtime
from vpdt.directory import members as directory
from vpdt.directory.models import Agency, Position, Role
from vpdt.sampledata import generator
from vpdt.settings import redis_channel_layer

TITLE = "Toàn thể cán bộ, công chức cơ quan"
LAYERS = {  # the settings' own: VPDT_CHANNEL_REDIS_URL set, or not
    "redis": redis_channel_layer,
    "embedded": lambda url: {"BACKEND": "channels.layers.InMemoryChannelLayer"},
}
LISTENERS = Path(__file__).resolve().parent / "chat_listeners.py"


def _largest_agency():
    root = Agency.objects.get(code=generator.ROOT_CODE)
    counts = (
        Position.objects.filter(agency__path__startswith=root.path, is_active=True, user__is_active=True)
        .values("agency_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by("-n", "agency_id")
    )
    top = counts.first()
    return Agency.objects.get(pk=top["agency_id"]), top["n"]


def _group(agency, size: int) -> Conversation:
    """The agency's all-hands group of ``size`` members (its leader and the first colleagues), made once."""
    leader = directory.members(agency.pk, roles=[Role.LEADER]).order_by("pk").first()
    for conversation in Conversation.objects.filter(agency=agency, kind=Kind.GROUP, title=TITLE, created_by=leader):
        if Member.objects.filter(conversation=conversation, left_at__isnull=True).count() == size:
            return conversation
    others = list(directory.members(agency.pk).exclude(pk=leader.pk).order_by("pk")[: size - 1])
    return services.create_group(leader, TITLE, others)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(layer: str, redis_url: str) -> dict:
    env = dict(os.environ)
    env.pop("VPDT_CHANNEL_REDIS_URL", None)
    if layer == "redis":
        env["VPDT_CHANNEL_REDIS_URL"] = redis_url
    return env


def _forget_groups(redis_url: str, user_ids) -> int:
    """Remove the members' groups from the bench's Redis (sockets of a live process killed earlier, which it could
    not take out of their groups): the nudges go to the open pages only. Returns how many were there."""
    client = redis.Redis.from_url(redis_url)
    try:
        keys = [f"asgi:group:{realtime.group(u)}" for u in user_ids]
        return client.delete(*keys) if keys else 0
    finally:
        client.close()


@contextmanager
def live_process(layer: str, redis_url: str, log):
    """``uvicorn vpdt.asgi:application`` as ``vpdt serve`` starts it, its output to ``log``; yields its port."""
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "vpdt.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--lifespan", "on", "--ws", "websockets-sansio", "--no-access-log", "--log-level", "warning"]
    proc = subprocess.Popen(command, env=_env(layer, redis_url), stdout=log, stderr=subprocess.STDOUT)
    try:
        end = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"Tiến trình trực tiếp (uvicorn) dừng với mã {proc.returncode}.")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > end:
                    raise SystemExit("Tiến trình trực tiếp (uvicorn) không mở cổng sau 60 giây.") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Pages:
    """The members' open pages (bench/chat_listeners.py): their sockets and the nudges they received."""

    def __init__(self, port: int, people: list[tuple[int, str]]):
        self.proc = subprocess.Popen(
            [sys.executable, str(LISTENERS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        orders = {
            "url": f"ws://127.0.0.1:{port}/ws/su-kien/",
            "origin": f"http://127.0.0.1:{port}",
            "cookie": settings.SESSION_COOKIE_NAME,
            "people": people,
        }
        self.proc.stdin.write(json.dumps(orders) + "\n")
        self.proc.stdin.flush()
        self.received: list[tuple[int, float, dict]] = []
        self.changed = threading.Condition()
        self.since, self.wanted, self.got = float("inf"), None, set()  # the message being waited for
        self.open = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            if line.startswith("ready "):
                with self.changed:
                    self.open = int(line.split()[1])
                    self.changed.notify_all()
                continue
            uid, at, raw = line.rstrip("\n").split(" ", 2)
            row = (int(uid), float(at), json.loads(raw))
            with self.changed:
                self.received.append(row)
                if row[1] >= self.since and self.wanted(row):
                    self.got.add(row[0])
                    self.changed.notify_all()
        with self.changed:
            self.open = self.open if self.open is not None else 0
            self.changed.notify_all()

    def wait_open(self, timeout: float = 300) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.open is not None, timeout)
        return self.open or 0

    def expect(self, since: float, wanted) -> None:
        """From now on, count the people who receive a nudge ``wanted(row)`` at or after ``since``."""
        with self.changed:
            self.since, self.wanted, self.got = since, wanted, set()

    def wait_for(self, people: set, timeout: float) -> bool:
        """Wait until each of ``people`` has the expected nudge (False after ``timeout`` seconds)."""
        with self.changed:
            return self.changed.wait_for(lambda: people <= self.got, timeout)

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _stats(samples: list[float], **extra) -> dict:
    samples = sorted(samples)
    if not samples:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "max": float("nan"), **extra}
    q = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else samples * 100
    return {"n": len(samples), "p50": statistics.median(samples), "p95": q[94], "max": samples[-1], **extra}


def run_layer(layer, args, conversation, sender_client, people) -> list[tuple[str, dict]]:
    url = f"/hoi-thoai/{conversation.pk}/gui/"
    ids = {uid for uid, _s in people}
    if layer == "redis":
        _forget_groups(args.redis_url, ids)
    log = tempfile.NamedTemporaryFile("w+", prefix=f"vpdt-bench-chat-{layer}-", suffix=".log", delete=False)
    with (
        live_process(layer, args.redis_url, log) as port,
        override_settings(CHANNEL_LAYERS={"default": LAYERS[layer](args.redis_url)}),
    ):
        pages = Pages(port, people)
        try:
            opened = pages.wait_open()
            if opened != len(people):
                raise SystemExit(f"Chỉ mở được {opened}/{len(people)} kết nối WebSocket.")
            time.sleep(1.0)  # the embedded relay has read where the table stands
            starts, posts = [], []
            mine = lambda row: row[2].get("kind") == "chat" and row[2].get("conversation") == conversation.pk  # noqa: E731
            for i in tqdm(range(args.messages), desc=f"Tin nhắn ({layer})", unit="tin"):
                start = time.time()
                pages.expect(start, mine)
                r = sender_client.post(url, {"text": f"Đo độ trễ: tin nhắn thứ {i + 1}."}, HTTP_HX_REQUEST="true")
                posts.append((time.time() - start) * 1000)
                assert r.status_code == 200 and r.headers.get("HX-Trigger"), (r.status_code, r.content[:300])
                starts.append(start)
                pages.wait_for(ids, args.timeout)
                time.sleep(args.gap)
            time.sleep(max(args.gap, 1.0))  # anything late still arrives before the count
        finally:
            pages.close()
    delays, lasts, delivered, duplicates = [], [], 0, 0
    bounds = starts[1:] + [float("inf")]
    for start, end in zip(starts, bounds):
        firsts = {}
        for uid, at, data in pages.received:
            if start <= at < end and mine((uid, at, data)):
                if uid in firsts:
                    duplicates += 1
                else:
                    firsts[uid] = at
        delivered += len(firsts.keys() & ids)
        delays += [(at - start) * 1000 for at in firsts.values()]
        if firsts:
            lasts.append((max(firsts.values()) - start) * 1000)
    log.seek(0)
    output = log.read()
    log.close()
    errors, dropped = output.count("Exception in ASGI application"), output.count("over capacity")
    if errors or dropped:
        print(f"{layer}: tiến trình trực tiếp ghi {errors} lỗi, {dropped} lần hàng đợi đầy (nhật ký: {log.name})")
    else:
        os.unlink(log.name)
    expected = len(ids) * len(starts)
    counts = {"delivered": delivered, "expected": expected, "duplicates": duplicates, "errors": errors}
    print(
        f"{layer}: {delivered}/{expected} lượt nhận đã đến ({len(starts)} tin × {len(ids)} người)"
        + (f", {duplicates} lượt trùng" if duplicates else "")
    )
    return [
        (f"{layer}: gửi → từng người nhận [{delivered}/{expected}]", _stats(delays, **counts)),
        (f"{layer}: gửi → người nhận cuối cùng của tin", _stats(lasts)),
        (f"{layer}: yêu cầu gửi tin (POST, người gửi chờ)", _stats(posts)),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--layers", default="redis,embedded", help="redis, embedded or both (comma-separated)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("VPDT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="the Redis the redis layer uses (production's VPDT_CHANNEL_REDIS_URL)",
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a message's nudges")
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between one message's arrival and the next")
    args, _unknown = parser.parse_known_args()
    layers = [name.strip() for name in args.layers.split(",") if name.strip()]
    if not set(layers) <= set(LAYERS):
        raise SystemExit(f"--layers: chọn trong {', '.join(LAYERS)}.")
    settings.ALLOWED_HOSTS = ["*"]
    agency, size = _largest_agency()
    if size < args.members:
        raise SystemExit(
            f"Cơ quan đông nhất ({agency.name}) có {size} người, ít hơn {args.members}: hãy giảm --members."
        )
    conversation = _group(agency, args.members)
    people = list(
        Member.objects.filter(conversation=conversation, left_at__isnull=True).select_related("user").order_by("pk")
    )
    sessions = []
    for member in tqdm(people, desc="Phiên đăng nhập", unit="người"):
        client = Client()
        client.force_login(member.user)
        sessions.append((member.user_id, client.cookies[settings.SESSION_COOKIE_NAME].value))
    sender = Client()
    sender.force_login(conversation.created_by)
    print(f"Nhóm “{conversation.title}” (#{conversation.pk}) của {agency.name}: {len(people)} thành viên")
    rows = []
    for layer in layers:
        rows += run_layer(layer, args, conversation, sender, sessions)
    report(f"Chat — độ trễ tin nhắn hội thoại tới {len(people)} thành viên nhóm (ms)", rows)


if __name__ == "__main__":
    main()
