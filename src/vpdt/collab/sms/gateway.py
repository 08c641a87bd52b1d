"""The SMS gateway adapter: how a message leaves vpdt (``VPDT_SMS_GATEWAY``).

* ``outbox`` (default, needs no contract): the message is appended as one JSON line to ``VPDT_SMS_OUTBOX``
  (``<data dir>/sms-outbox.jsonl``) and written to the log; it counts as accepted.
* ``http``: an SMS-brandname API (VNPT, Viettel, a reseller…). vpdt posts the JSON body ``VPDT_SMS_TEMPLATE`` to
  ``VPDT_SMS_URL``; in every string of the template the placeholders ``{phone}`` (0912345678), ``{phone_intl}``
  (84912345678), ``{text}``, ``{id}`` (the message's number), ``{brandname}``, ``{username}`` and ``{password}``
  are replaced (after the template is parsed, so no value can break the JSON). The credentials come from the
  environment (``VPDT_SMS_USERNAME``, ``VPDT_SMS_PASSWORD``) or from the file ``VPDT_SMS_PASSWORD_FILE``; they are
  never logged, nor is the body. The message is accepted only when the API answers 2xx and, when
  ``VPDT_SMS_ACCEPT_FIELD`` is set, the JSON answer's field has one of ``VPDT_SMS_ACCEPT_VALUES``; the gateway's
  message id is read from ``VPDT_SMS_REF_FIELD``. No answer within ``VPDT_SMS_TIMEOUT`` seconds, a connection
  error, HTTP 429 or 5xx are transient (the task tries again); any other answer is a refusal.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .text import international, masked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    transient: bool = False
    ref: str = ""
    error: str = ""


def accepted(ref: str = "") -> Outcome:
    return Outcome(True, ref=str(ref or "")[:100])


def refused(error: str) -> Outcome:
    return Outcome(False, error=error[:300])


def transient(error: str) -> Outcome:
    return Outcome(False, transient=True, error=error[:300])


def send(message) -> Outcome:
    """Hand ``message`` (an :class:`~.models.SmsMessage`) to the configured gateway."""
    kind = settings.VPDT_SMS_GATEWAY
    if kind == "outbox":
        return _outbox(message)
    if kind == "http":
        return _http(message)
    raise ImproperlyConfigured(f"VPDT_SMS_GATEWAY={kind!r} không hợp lệ: dùng outbox hoặc http.")


# ------------------------------------------------------------------------------------------------ outbox


def _outbox(message) -> Outcome:
    path = Path(settings.VPDT_SMS_OUTBOX)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {"at": timezone.now().isoformat(), "id": message.pk, "phone": message.phone, "text": message.text},
        ensure_ascii=True,
    )
    with path.open("a", encoding="ascii") as out:  # one write of one line: lines of two workers never mix
        out.write(line + "\n")
    log.info("SMS số %s tới %s (hộp thư đi %s): %s", message.pk, masked(message.phone), path, message.text)
    return accepted(f"outbox-{message.pk}")


# ------------------------------------------------------------------------------------------------ HTTP API


def _password() -> str:
    if settings.VPDT_SMS_PASSWORD_FILE:
        try:
            return Path(settings.VPDT_SMS_PASSWORD_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            raise ImproperlyConfigured("Không đọc được tệp mật khẩu cổng SMS (VPDT_SMS_PASSWORD_FILE).") from None
    return os.environ.get("VPDT_SMS_PASSWORD", "")


def _fill(value, values: dict):
    if isinstance(value, str):
        for name, replacement in values.items():
            value = value.replace("{" + name + "}", replacement)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    return value


def body(message) -> dict:
    """The JSON body posted for ``message`` (credentials included: never log it)."""
    try:
        template = json.loads(settings.VPDT_SMS_TEMPLATE)
    except ValueError:
        raise ImproperlyConfigured("VPDT_SMS_TEMPLATE phải là một đối tượng JSON.") from None
    values = {
        "phone": message.phone,
        "phone_intl": international(message.phone),
        "text": message.text,
        "id": str(message.pk),
        "brandname": settings.VPDT_SMS_BRANDNAME,
        "username": os.environ.get("VPDT_SMS_USERNAME", settings.VPDT_SMS_USERNAME),
        "password": _password(),
    }
    return _fill(template, values)


def _http(message) -> Outcome:
    url, timeout = settings.VPDT_SMS_URL, settings.VPDT_SMS_TIMEOUT
    if not url:
        raise ImproperlyConfigured("Chưa khai báo địa chỉ cổng SMS (VPDT_SMS_URL).")
    try:
        answer = requests.post(url, json=body(message), timeout=(timeout, timeout), allow_redirects=False)
    except requests.Timeout:
        log.warning("Cổng SMS không trả lời trong %s giây (tin nhắn số %s).", timeout, message.pk)
        return transient(f"Cổng SMS không trả lời trong {timeout} giây.")
    except requests.RequestException as exc:
        log.warning("Không kết nối được cổng SMS (tin nhắn số %s): %s", message.pk, type(exc).__name__)
        return transient("Không kết nối được cổng SMS.")
    code = answer.status_code
    if code == 429 or code >= 500:
        log.warning("Cổng SMS báo lỗi HTTP %s (tin nhắn số %s).", code, message.pk)
        return transient(f"Cổng SMS báo lỗi HTTP {code}.")
    if not 200 <= code < 300:
        log.warning("Cổng SMS từ chối tin nhắn số %s: HTTP %s.", message.pk, code)
        return refused(f"Cổng SMS từ chối tin nhắn (HTTP {code}).")
    try:
        data = answer.json()
    except ValueError:
        data = None
    field = settings.VPDT_SMS_ACCEPT_FIELD
    if field:
        value = data.get(field) if isinstance(data, dict) else None
        if str(value).strip().lower() not in {v.lower() for v in settings.VPDT_SMS_ACCEPT_VALUES}:
            log.warning("Cổng SMS từ chối tin nhắn số %s: %s=%r.", message.pk, field, value)
            detail = data.get(settings.VPDT_SMS_ERROR_FIELD) if isinstance(data, dict) else None
            return refused(f"Cổng SMS từ chối tin nhắn (mã {value}{f': {detail}' if detail else ''}).")
    ref = data.get(settings.VPDT_SMS_REF_FIELD, "") if isinstance(data, dict) else ""
    log.info("Cổng SMS nhận tin nhắn số %s tới %s (mã %s).", message.pk, masked(message.phone), ref)
    return accepted(ref)
