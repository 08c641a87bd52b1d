"""Property-based run over the whole API (schemathesis): every operation of the OpenAPI schema never answers with
a server error, whatever the parameters and bodies, neither for a clerk nor for an administrator.

The schema is read from the app itself (``/api/v1/schema/``, authenticated) and requests go to Django's WSGI
handler directly, inside the test's transaction. Every generated case is sent twice, once with the clerk's token
and once with the administrator's. Generation is derandomized (the same cases on every run) and small (the
examples and fuzzing phases, a few cases per operation), so the whole run stays around a minute per database.
"""

import collections
import datetime as dt
import os
import time

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.checks import load_all_checks, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup, as_reported_failure
from schemathesis.pytest.lazy import get_all_tests

from tests.conftest import PASSWORD

# Operations left out, each with its reason. Everything else runs.
SKIPPED = {
    ("POST", "/api/v1/auth/logout/"): "ends the session: every later request of the run would be unauthenticated",
    ("POST", "/api/v1/backups/"): "a real backup (database dump and every stored file) takes seconds each",
}
# The coverage phase (every boundary of every field) sends about 8,000 requests per user: minutes, not a minute.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}})
MAX_EXAMPLES = int(os.environ.get("VPDT_SCHEMATHESIS_EXAMPLES", "5"))
SETTINGS = settings(
    max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def _token(user) -> str:
    response = APIClient().post("/api/v1/auth/login/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.data["token"]


@pytest.fixture
def known_ids(org):
    """Real objects the callers may see, one per kind: small generated ids are replaced with these, so the
    operations also run on existing objects (actions, edits, exports); huge, negative and non-numeric ids stay."""
    from tests.test_incoming_api import fields
    from tests.test_outgoing_api import approve_all, draft
    from vpdt.catalog.models import Urgency
    from vpdt.collab.chat import services as chat
    from vpdt.collab.mail import services as mail_services
    from vpdt.collab.polls import services as polls
    from vpdt.delegation import services as delegations
    from vpdt.dossiers import services as dossiers
    from vpdt.incoming import services as incoming
    from vpdt.journal.models import JournalEntry
    from vpdt.outgoing import chains
    from vpdt.outgoing.models import StepKind
    from vpdt.search import services as search

    document = incoming.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.FLASH)
    ).document  # urgent: submitted at once
    incoming.direct(
        org.sxd_leader,
        document,
        direction="Phòng Kế hoạch - Tài chính chủ trì, báo cáo trước hạn.",
        targets=[incoming.Target("lead", unit=org.sxd_khtc)],
    )
    outgoing = approve_all(org, draft(org))
    today = timezone.localdate()
    delegation = delegations.create(
        org.sxd_admin,
        delegator=org.sxd_leader,
        delegate=org.sxd_unit_leader,
        starts_on=today,
        ends_on=today + dt.timedelta(days=7),
        reason="Đi công tác",
    )
    chain = chains.create_chain(
        org.sxd_admin,
        org.sxd,
        name="Quy trình công văn",
        steps=[
            chains.StepSpec("Lãnh đạo phòng xem xét", StepKind.UNIT_LEADER),
            chains.StepSpec("Giám đốc ký", StepKind.SIGNER),
        ],
    )
    saved = search.save_search(org.sxd_clerk, name="Văn bản đầu tư công", query="q=đầu+tư+công")
    mail = mail_services.send(
        org.sxd_clerk,
        subject="Đề nghị tổng hợp số liệu giải ngân quý IV",
        units=[org.sxd_khtc],
        users=[org.sxd_admin],
        files=[SimpleUploadedFile("so-lieu.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")],
    )
    from vpdt.collab.orders import services as orders

    task = orders.create_task(
        org.sxd_leader,
        title="Tổng hợp số liệu giải ngân quý IV",
        deadline=today + dt.timedelta(days=10),
        lead_user=org.sxd_staff,
        incoming_id=document.pk,
    )
    grant = polls.grant(org.sxd_leader, org.sxd_clerk, valid_until=today + dt.timedelta(days=30))
    poll = polls.open_poll(
        org.sxd_clerk,
        title="Lấy ý kiến dự thảo nội quy cơ quan",
        question="Góp ý dự thảo nội quy.",
        deadline=today + dt.timedelta(days=7),
        upload=SimpleUploadedFile("noi-quy.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    more_time = polls.ask_more_time(
        org.sxd_staff, poll, until=today + dt.timedelta(days=10), reason="Đang tổng hợp ý kiến của phòng"
    )
    from vpdt.collab.calendar import calendars
    from vpdt.collab.calendar import services as calendar

    room = calendar.create_room(org.sxd_admin, name="Phòng họp số 1", capacity=30)
    (meeting,) = calendar.book(
        org.sxd_staff,
        calendars.agency_calendar(org.sxd),
        title="Giao ban công tác tuần",
        day=today + dt.timedelta(days=3),
        start=dt.time(8, 0),
        end=dt.time(10, 0),
        chair=org.sxd_leader,
        room=room,
    )
    calendar.approve(org.sxd_leader, meeting)
    from vpdt.collab.calendar import publishing as calendar_publishing

    week = calendar_publishing.publish(org.sxd_leader, org.sxd, today + dt.timedelta(days=3))
    return {
        "calendar-entries": meeting.pk,
        "calendar-weeks": week.pk,
        "calendar-rooms": room.pk,
        "calendar-grants": calendar.grant(org.sxd_leader, org.sxd_clerk, calendars.agency_calendar(org.sxd)).pk,
        "tasks": task.pk,
        "polls": poll.pk,
        "poll-grants": grant.pk,
        "poll-deadline-requests": more_time.pk,
        "mail-messages": mail.pk,
        "mail-entries": mail.entries.get(owner=org.sxd_clerk).pk,
        "mail-attachments": mail.attachments.get().pk,
        "mail-folders": mail_services.create_folder(org.sxd_clerk, "Giải ngân").pk,
        "incoming-documents": document.pk,
        "incoming-assignments": document.assignments.first().pk,
        "incoming-registers": document.register_id,
        "outgoing-documents": outgoing.pk,
        "dossiers": dossiers.create_dossier(org.sxd_clerk, title="Hồ sơ cải cách hành chính năm 2026").pk,
        "users": org.sxd_staff.pk,
        "agencies": org.sxd.pk,
        "units": org.sxd_khtc.pk,
        "positions": org.sxd_staff.positions.first().pk,
        "journal": JournalEntry.objects.order_by("seq").last().seq,
        "delegations": delegation.pk,
        "review-chains": chain.pk,
        "saved-searches": saved.pk,
        "chat-conversations": chat.create_group(
            org.sxd_clerk, "Tổ văn thư và quản trị", [org.sxd_admin, org.sxd_staff]
        ).pk,
    }


def _real_ids(known: dict[str, int]):
    def map_path_parameters(context, parameters):
        resource = context.operation.path.split("/")[3]
        for name, value in (parameters or {}).items():  # values come as text: "17", "-3", "abc"
            if resource in known and str(value).isascii() and str(value).isdigit() and int(value) < 1000:
                parameters[name] = "1" if name == "number" else str(known[resource])  # huge or odd ids stay
        return parameters

    return map_path_parameters


@pytest.fixture
def headers(org):
    """The clerk's and the administrator's token headers (logged in through the API)."""
    users = {"văn thư": org.sxd_clerk, "quản trị": org.sxd_admin}
    return {name: {"Authorization": f"Token {_token(user)}"} for name, user in users.items()}


@pytest.fixture
def wsgi_app(headers):
    """Django's WSGI handler inside the test transaction: like Django's test client, a request must not close the
    database connection when it starts and ends (after the logins: the test client connects the signal again)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_api_never_answers_with_a_server_error(known_ids, headers, wsgi_app, subtests):
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", wsgi_app, config=CONFIG, headers=headers["quản trị"]
    )
    schema = schema.exclude(func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in SKIPPED)
    schema.hook("map_path_parameters")(_real_ids(known_ids))
    answers = {name: collections.Counter() for name in headers}  # status codes per caller

    def call(case):
        for name, auth in headers.items():
            try:
                response = case.call_and_validate(headers=auth, checks=[not_a_server_error])
            except FailureGroup as exc:
                exc.add_note(f"Người gọi: {name}")
                raise
            answers[name][response.status_code] += 1

    load_all_checks()
    started = time.monotonic()
    operations = 0
    for result in get_all_tests(schema=schema, test_func=call, settings=SETTINGS, given_kwargs={}):
        operation, test = result.ok()
        operations += 1
        with subtests.test(operation.label):
            try:
                test()
            except FailureGroup as exc:
                raise as_reported_failure(exc) from None
    print(f"schemathesis: {operations} operations in {time.monotonic() - started:.0f} s, answers {answers}")
    assert operations == len(_all_operations(schema.raw_schema)) - len(SKIPPED) > 100
    for name, counts in answers.items():  # both stayed signed in and got real answers, not only refusals
        answered = sum(n for status, n in counts.items() if status < 300)
        assert counts.total() >= operations and counts[401] == 0 and answered > operations // 4, (name, counts)


def _all_operations(raw: dict):
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return [(method, path) for path, item in raw["paths"].items() for method in item if method in methods]
