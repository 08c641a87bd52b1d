"""Values as edXML writes them: dates (``yyyy/MM/dd``, or ``dd/MM/yyyy`` as other systems write), times in Vietnam
time, flags and numbers; and the error every malformed package raises, with its reason in Vietnamese."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMATS = ("%Y/%m/%d", "%d/%m/%Y", "%Y-%m-%d")
DATETIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


class PackageError(ValueError):
    """A package or status message that cannot be taken: ``str(error)`` says why, in Vietnamese."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


def write_date(value: dt.date | None) -> str:
    return value.strftime("%Y/%m/%d") if value else ""


def write_datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM)
    return value.strftime("%Y/%m/%d %H:%M:%S")


def read_date(text: str, where: str) -> dt.date | None:
    """A date in either form (a time after it is ignored); None for an empty element."""
    text = text.strip()
    if not text:
        return None
    day = text.split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(day, fmt).date()
        except ValueError:
            continue
    raise PackageError(f"{where}: ngày “{text[:40]}” không đúng dạng yyyy/MM/dd hoặc dd/MM/yyyy.", "bad_date")


def read_datetime(text: str, where: str) -> dt.datetime:
    """A moment in either form, read as Vietnam time; a date alone is its midnight."""
    text = text.strip()
    for fmt in DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=VIETNAM)
        except ValueError:
            continue
    day = read_date(text, where) if text else None
    if day is None:
        raise PackageError(f"{where}: thiếu thời điểm.", "missing")
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM)


def read_int(text: str, where: str, allowed=None) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 9:
        raise PackageError(f"{where}: “{text[:20]}” không phải là số.", "bad_number")
    value = int(text)
    if allowed is not None and value not in allowed:
        raise PackageError(f"{where}: giá trị {value} không thuộc các giá trị cho phép.", "bad_value")
    return value


def read_flag(text: str, where: str) -> bool | None:
    text = text.strip().lower()
    if not text:
        return None
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise PackageError(f"{where}: “{text[:20]}” không phải 0/1.", "bad_flag")


def write_flag(value: bool) -> str:
    return "1" if value else "0"
