"""pyHanko's synchronous calls (signing, validation) start an asyncio loop of their own."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def outside_event_loop(work):
    """Run ``work``; in a thread that already runs a loop (an async server's, a browser driver's), where pyHanko
    could not start its own, on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
