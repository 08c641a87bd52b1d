"""The embedded broker: kombu's filesystem transport (one file per message in the data folder), made safe for the
several processes of ``vpdt serve`` — the web workers and the scheduler write, the worker reads.

kombu creates a message's file, then writes it. The worker, listing the folder meanwhile, can take the file while it
is still empty or half written: the message is lost and the worker stops on the JSON error ("Unrecoverable
error"). Here a message is written under a name the worker does not look at, flushed to disk, then renamed into the
queue in one atomic step: the worker only ever sees whole messages. A file that is not a message (left by a
process that died while writing with kombu's own transport) is set aside with an error in the log, and the next
message is read."""

from __future__ import annotations

import logging
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

log = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")  # not "<queue>.msg": never read
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Không ghi được thông điệp vào hàng đợi {queue!r}: {exc}") from exc

    def _get(self, queue):
        while True:
            try:
                return super()._get(queue)
            except ValueError:  # json.JSONDecodeError: not a whole message
                log.error("Hàng đợi %s: bỏ qua một tệp không phải thông điệp hoàn chỉnh.", queue)


class Transport(filesystem.Transport):
    Channel = Channel
