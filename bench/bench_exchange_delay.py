"""Delay from issuing a document to its arrival at another deployment, through the hub.

Two deployments run on loopback exactly as ``make run`` runs one (gunicorn, Celery worker and scheduler, SQLite each):
Nghệ An (the demo) is the province's hub, Hà Tĩnh a system connected to it. The exchange jobs run every second
(``VPDT_EXCHANGE_SEND_SECONDS`` / ``VPDT_EXCHANGE_POLL_SECONDS``; the defaults are every minute and every five
minutes). Each document is issued by its clerk's service in one process, one after the other; its delay is the time
from the issue (``issued_at`` at the sender) to the package being taken at the other side (the inbox row there).

* Nghệ An → Hà Tĩnh: the hub keeps the package, Hà Tĩnh fetches it on its next poll.
* Hà Tĩnh → Nghệ An: Hà Tĩnh's worker pushes it to the hub on its next send; urgent documents are pushed at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from common import report

from tests.deployments import HA_TINH, HA_TINH_NAME, SXD, SXD_NAME, build, start_both, wait_for


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=None)


def _delays(sender, receiver, result: dict, timeout: float) -> list[float]:
    ids = [d["id"] for d in result["documents"]]
    marks = ",".join("?" * len(ids))
    issued = dict(
        sender.rows(
            f"select m.document_id, o.issued_at from exchange_message m join outgoing_outgoingdocument o "
            f"on o.id = m.outgoing_id where m.direction = 'out' and m.kind = 'edoc' and o.id in ({marks})",
            ids,
        )
    )
    keys = list(issued)
    marks = ",".join("?" * len(keys))

    def arrived():
        rows = receiver.rows(
            f"select document_id, min(created_at) from exchange_message where direction = 'in' and kind = 'edoc' "
            f"and document_id in ({marks}) group by document_id",
            keys,
        )
        return dict(rows) if len(rows) == len(keys) else None

    taken = wait_for(arrived, timeout=timeout, every=0.5, what="every arrival")
    return sorted((_when(taken[k]) - _when(issued[k])).total_seconds() * 1000 for k in keys)


def _stats(samples: list[float]) -> dict:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"n": len(samples), "p50": statistics.median(samples), "p95": q[94], "max": samples[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--quick", action="store_true")
    args, _rest = parser.parse_known_args()
    count = 20 if args.quick else args.documents
    with tempfile.TemporaryDirectory(prefix="vpdt-deployments-") as folder:
        started = time.monotonic()
        print("Dựng hai hệ thống (di trú, tổ chức mẫu, kết nối trục)…", flush=True)
        nghe_an, ha_tinh = build(Path(folder))
        start_both(nghe_an, ha_tinh)
        print(f"…sẵn sàng sau {time.monotonic() - started:.0f} giây", flush=True)
        try:
            rows = []
            for label, sender, receiver, agency, to, to_name, urgency in (
                ("Nghệ An (trục) → Hà Tĩnh", nghe_an, ha_tinh, SXD, HA_TINH, HA_TINH_NAME, "0"),
                ("Hà Tĩnh → Nghệ An (trục)", ha_tinh, nghe_an, HA_TINH, SXD, SXD_NAME, "0"),
                ("Hà Tĩnh → Nghệ An (trục), văn bản khẩn", ha_tinh, nghe_an, HA_TINH, SXD, SXD_NAME, "1"),
            ):
                print(f"{label}: phát hành {count} văn bản…", flush=True)
                result = sender.run(
                    "setup",
                    "issue",
                    "--agency",
                    agency,
                    "--to",
                    to,
                    "--to-name",
                    to_name,
                    "--count",
                    str(count),
                    "--urgency",
                    urgency,
                    "--subject",
                    f"V/v đo độ trễ liên thông {label}",
                    timeout=1800,
                )
                rows.append((f"{label}: phát hành → đến", _stats(_delays(sender, receiver, result, 300))))
        finally:
            ha_tinh.kill()
            nghe_an.kill()
    report("Exchange-delay — độ trễ liên thông giữa hai hệ thống (lịch gửi/nhận mỗi 1 giây)", rows)


if __name__ == "__main__":
    main()
