"""The open pages of a conversation's members, for bench/bench_chat.py: one process holding one live socket per
person (``/ws/su-kien/``, signed in by their session cookie, as a browser's page opens it), apart from the process
that sends, as browsers are.

Reads its orders as one JSON line on standard input (``url``, ``origin``, ``cookie``: the session cookie's name,
``people``: [[user id, session key], …]); prints ``ready <sockets open>`` once every socket is open, then one line
per nudge received, ``<user id> <time.time()> <nudge as JSON>``; stops when standard input closes."""

import asyncio
import json
import sys
import time

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

AT_ONCE = 20  # sockets opened together (a page's socket asks the server for its session)


async def _open(orders, uid, session):
    return uid, await connect(
        orders["url"],
        origin=orders["origin"],
        additional_headers={"Cookie": f"{orders['cookie']}={session}"},
        open_timeout=120,
        ping_interval=None,
        max_queue=None,
    )


async def _read(uid, ws, out):
    try:
        async for raw in ws:
            out.write(f"{uid} {time.time():.6f} {raw}\n")
            out.flush()
    except ConnectionClosed:
        pass


async def main():
    orders = json.loads(sys.stdin.readline())
    people = orders["people"]
    sockets = []
    for i in range(0, len(people), AT_ONCE):
        sockets += await asyncio.gather(*(_open(orders, uid, s) for uid, s in people[i : i + AT_ONCE]))
    readers = [asyncio.create_task(_read(uid, ws, sys.stdout)) for uid, ws in sockets]
    await asyncio.sleep(0.5)  # a socket the server refuses (no session) is closed at once: not counted as open
    print(f"ready {sum(1 for _uid, ws in sockets if ws.close_code is None)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await asyncio.gather(*(ws.close() for _uid, ws in sockets))
    for task in readers:
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
