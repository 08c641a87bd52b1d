"""An ocrmypdf plugin that reports OCR progress page by page to the running digitization (no console output).

:func:`reporting` sets the callback for the current thread; the plugin's progress bar calls it with the share
of pages done in the "OCR" stage."""

from __future__ import annotations

import contextlib
import threading

from ocrmypdf import hookimpl

_local = threading.local()


@contextlib.contextmanager
def reporting(callback):
    _local.callback = callback
    try:
        yield
    finally:
        _local.callback = None


class PageProgress:
    def __init__(self, *, total=None, desc=None, unit=None, disable=False, **kwargs):
        self.total, self.desc, self.done = total, desc or "", 0
        self.callback = getattr(_local, "callback", None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1, *, completed=None):
        self.done = completed if completed is not None else self.done + n
        if self.callback is not None and self.total and self.desc == "OCR":
            with contextlib.suppress(Exception):  # progress is informative only: never break the OCR for it
                self.callback(min(1.0, self.done / self.total))


@hookimpl
def get_progressbar_class():
    return PageProgress
