"""The shape of list and search queries: lists walk an index in their order (keyset pages, no COUNT over the
table), their number of queries does not grow with the rows shown, and search applies its words inside every
branch of the visibility predicate (so the database never collects every visible entry before matching)."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.conftest import unbounded_counts
from tests.test_incoming_services import fields
from vpdt.incoming import services
from vpdt.incoming.models import IncomingDocument
from vpdt.notifications import services as notifications
from vpdt.search import services as search
from vpdt.search.services import Criteria

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL")


def register(org, n, agency=None, clerk=None):
    for i in range(n):
        services.register_document(
            clerk or org.sxd_clerk, agency=agency or org.sxd, **fields(code_number=str(7000 + i + n * 100))
        )


def index_named(model, fields_) -> str:
    return next(ix.name for ix in model._meta.indexes if list(ix.fields) == fields_)


def list_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_register_list_queries_do_not_grow_with_rows_and_never_count(org, login):
    register(org, 2)
    clerk = login(org.sxd_clerk)
    few = list_queries(clerk, "/van-ban-den/")
    register(org, 6)
    many = list_queries(clerk, "/van-ban-den/")
    assert len(many) == len(few)
    tables = ("incoming_incomingdocument", "incoming_assignment", "search_searchentry")
    counts = [q for q in unbounded_counts(many) if any(t in q for t in tables)]
    assert counts == []


def test_notification_list_queries_do_not_grow_with_rows(org, login):
    client = login(org.sxd_staff)
    notifications.notify([org.sxd_staff], "test.ping", text="Thông báo thử")
    few = list_queries(client, "/thong-bao/")
    for i in range(6):
        notifications.notify([org.sxd_staff], "test.ping", text=f"Thông báo thử {i}")
    many = list_queries(client, "/thong-bao/")
    assert len(many) == len(few)


def _plan(sql: str) -> str:
    """EXPLAIN of ``sql`` with sequential scans priced out (a test table is tiny): which index the planner takes
    when it has to read by index, and whether it still sorts."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


@postgres_only
def test_register_first_page_walks_the_agency_id_index(org, login):
    register(org, 3)
    page = [
        q
        for q in list_queries(login(org.sxd_clerk), "/van-ban-den/")
        if 'FROM "incoming_incomingdocument"' in q and "LIMIT 21" in q
    ]
    assert len(page) == 1
    plan = _plan(page[0])
    assert index_named(IncomingDocument, ["agency", "-id"]) in plan, plan
    assert "Sort" not in plan, plan


@postgres_only
def test_notification_list_walks_the_user_id_index(org, login):
    from vpdt.notifications.models import Notification

    notifications.notify([org.sxd_staff], "test.ping", text="Thông báo thử")
    page = [
        q
        for q in list_queries(login(org.sxd_staff), "/thong-bao/")
        if 'FROM "notifications_notification"' in q and "LIMIT 21" in q
    ]
    assert len(page) == 1
    plan = _plan(page[0])
    assert index_named(Notification, ["user", "-id"]) in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.parametrize("who", ["sxd_clerk", "sxd_leader", "sxd_staff"])
def test_search_matches_words_inside_every_visibility_branch(org, who):
    register(org, 2)
    marker = r"@@|ts_match_vq\(" if connection.vendor == "postgresql" else "MATCH"
    user = getattr(org, who)
    with CaptureQueriesContext(connection) as ctx:
        search.search(user, Criteria(q="kế hoạch"))
    if connection.vendor == "postgresql":  # the branches ranked inside a union (one branch: the union of one)
        main = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT DISTINCT u.entry")]
    else:
        main = [q["sql"] for q in ctx.captured_queries if "UNION ALL" in q["sql"]]
    assert len(main) == 1
    # Every branch of the visibility union reads the entry table and carries the words (PostgreSQL ranks inside
    # the branches; SQLite reads the entry table once more around them).
    entry_scans = len(re.findall(r'FROM "search_searchentry"', main[0]))
    assert entry_scans >= (1 if connection.vendor == "postgresql" else 2)
    assert len(re.findall(marker, main[0])) >= entry_scans, main[0]


def test_search_finds_the_same_entries_with_words_in_the_branches(org):
    register(org, 3)
    search.reindex()
    hits = search.search(org.sxd_clerk, Criteria(q="kế hoạch")).hits
    assert {h.entry.kind for h in hits} == {"incoming"} and len(hits) == 3
    assert search.search(org.sxd_staff, Criteria(q="kế hoạch")).hits == []
    assert search.search(org.ht_staff, Criteria(q="kế hoạch")).hits == []
