"""Search: diacritics, phrases, exact mode, number/symbol spellings, filters, snippets, permissions,
indexing after commit, reconciliation, saved searches, API — on SQLite (FTS5) and PostgreSQL (tsvector, trigram)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import shared_data
from tests.conftest import make_person, unbounded_counts
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.directory.models import Role
from vpdt.dossiers import services as dossiers
from vpdt.incoming import services as incoming
from vpdt.outgoing import services as out
from vpdt.search import services
from vpdt.search.models import SavedSearch, SearchEntry
from vpdt.search.services import Criteria


def dtype(name):
    return DocumentType.objects.get(name=name)


def register(org, clerk=None, agency=None, **over):
    data = dict(
        issuer_name="Ban Dân tộc tỉnh Nghệ An",
        issuer_code="000.00.20.H41",
        code_number="171",
        code_notation="QĐ-BDT",
        issued_date=dt.date(2026, 11, 15),
        doc_type=dtype("Quyết định"),
        subject="Quyết định phê duyệt kế hoạch đào tạo cán bộ người dân tộc thiểu số năm 2027",
        signer_name="Lữ Thị Hoa",
        signer_position="Trưởng ban",
        urgency=Urgency.URGENT,
        description="Đề nghị các sở, ngành phối hợp triển khai",
    )
    data.update(over)
    return incoming.register_document(
        clerk or org.sxd_clerk, agency=agency or org.sxd, confirm_duplicate=True, **data
    ).document


@shared_data.over("org", run_on_commit=True)  # search indexing runs after commit
def world(org):
    org.stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    org.qd = register(org)
    org.cv = register(
        org,
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        issuer_code="000.00.00.H41",
        code_number="1234",
        code_notation="UBND-KT",
        issued_date=dt.date(2026, 11, 20),
        doc_type=dtype("Công văn"),
        urgency=Urgency.NORMAL,
        signer_name="Nguyễn Đức Trung",
        subject="V/v triển khai kế hoạch cải cách hành chính năm 2027",
        description="Báo cáo kết quả về Sở Nội vụ trước ngày 15/12/2026 <b>gấp</b>",
    )
    org.dinh = register(
        org,
        issuer_name="Ủy ban nhân dân huyện Nghi Lộc",
        issuer_code="000.00.31.H41",
        code_number="88",
        code_notation="UBND-VP",
        issued_date=dt.date(2026, 10, 2),
        doc_type=dtype("Công văn"),
        urgency=Urgency.NORMAL,
        subject="V/v tu bổ đình làng Xuân Hòa",
        description="Đình làng xuống cấp",
    )
    org.stttt_doc = register(
        org,
        clerk=org.stttt_clerk,
        agency=org.stttt,
        code_number="45",
        code_notation="QĐ-UBND",
        subject="Quyết định giao đất đai cho dự án hạ tầng số",
    )
    org.draft = out.create_draft(
        org.sxd_staff,
        doc_type=dtype("Công văn"),
        signer=org.sxd_leader,
        subject="V/v báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2026",
        text="Kính gửi: Ủy ban nhân dân tỉnh\nSở Xây dựng báo cáo tiến độ giải ngân "
        "vốn đầu tư công các công trình trọng điểm.",
    )
    org.dossier = dossiers.create_dossier(
        org.sxd_clerk,
        title="Hồ sơ về công tác đào tạo, bồi dưỡng năm 2026",
        description="Tập hợp quyết định cử cán bộ đi học",
    )
    return org


def find(user, q="", **kw):
    return services.search(user, Criteria(q=q, **kw))


def ids(results, kind=None):
    return {h.entry.object_id for h in results.hits if kind is None or h.entry.kind == kind}


def test_everything_is_indexed_after_commit(world):
    kinds = set(SearchEntry.objects.values_list("kind", "object_id"))
    assert ("incoming", world.qd.pk) in kinds and ("outgoing", world.draft.pk) in kinds
    assert ("dossier", world.dossier.pk) in kinds


@pytest.mark.parametrize("q", ["quyet dinh", "Quyết định", "QUYẾT ĐỊNH", "quyết dinh"])
def test_diacritics_are_folded_both_ways(world, q):
    assert world.qd.pk in ids(find(world.sxd_leader, q), "incoming")


def test_d_and_dj_match_each_other(world):
    assert world.dinh.pk in ids(find(world.sxd_leader, "dinh lang"))
    assert world.dinh.pk in ids(find(world.sxd_leader, "đình làng"))
    assert world.qd.pk in ids(find(world.sxd_leader, "đao tao"))  # "đào tạo" written half-folded


def test_phrase_versus_words(world):
    words = ids(find(world.sxd_leader, "kế hoạch năm 2027"), "incoming")
    assert {world.qd.pk, world.cv.pk} <= words
    phrase = ids(find(world.sxd_leader, '"cải cách hành chính"'), "incoming")
    assert phrase == {world.cv.pk}
    assert not ids(find(world.sxd_leader, '"hành chính cải cách"'))
    # All words must appear.
    assert not ids(find(world.sxd_leader, "đình làng 2027"))


def test_exact_mode_is_diacritic_sensitive(world):
    assert world.dinh.pk in ids(find(world.sxd_leader, "đình", exact=True))
    # "định" (decision) and "đình" (temple) fold to the same word; exact mode tells them apart.
    folded = ids(find(world.sxd_leader, "định"), "incoming")
    assert {world.qd.pk, world.dinh.pk} <= folded
    exact = ids(find(world.sxd_leader, "định", exact=True), "incoming")
    assert world.qd.pk in exact and world.dinh.pk not in exact
    assert not ids(find(world.sxd_leader, "dinh lang", exact=True))


@pytest.mark.parametrize("q", ["171/QĐ-BDT", "171 QĐ BDT", "171/qd-bdt", "171qdbdt", "171 / QD - BDT"])
def test_number_and_symbol_in_any_spelling(world, q):
    results = find(world.sxd_leader, q)
    assert results.hits and results.hits[0].entry.object_id == world.qd.pk
    assert results.hits[0].entry.number == "171/QĐ-BDT"


def test_number_prefix(world):
    assert world.cv.pk in ids(find(world.sxd_leader, "1234/UBND"))
    assert world.qd.pk not in ids(find(world.sxd_leader, "1234/UBND"))


def test_filters(world):
    leader = world.sxd_leader
    assert ids(find(leader, kinds=["incoming"], doc_type_id=dtype("Quyết định").pk)) == {world.qd.pk}
    assert ids(find(leader, kinds=["incoming"], issuer="uy ban nhan dan tinh")) == {world.cv.pk}
    assert ids(find(leader, kinds=["incoming"], issuer="000.00.31.H41")) == {world.dinh.pk}
    assert ids(find(leader, kinds=["incoming"], date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 16))) == {
        world.qd.pk
    }
    assert ids(find(leader, urgency=Urgency.URGENT)) == {world.qd.pk}
    assert ids(find(leader, kinds=["outgoing"], status="drafting")) == {world.draft.pk}
    assert ids(find(leader, kinds=["dossier"])) == {world.dossier.pk}
    assert ids(find(leader, "kế hoạch", kinds=["outgoing"])) == {world.draft.pk}
    # Unit and handler: the draft belongs to KHTC and is drafted by the staff member.
    assert ids(find(leader, unit_id=world.sxd_khtc.pk)) == {world.draft.pk}
    assert ids(find(leader, handler_id=world.sxd_staff.pk)) == {world.draft.pk}
    assert ids(find(leader, handler_id=world.sxd_clerk.pk)) == {world.dossier.pk}


def test_handler_filter_follows_assignments(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = incoming.submit(world.sxd_clerk, world.cv, world.sxd_leader)
        incoming.direct(
            world.sxd_leader,
            doc,
            direction="Giao phòng KHTC chủ trì tham mưu.",
            targets=[incoming.Target(role="lead", user=world.sxd_staff)],
        )
    assert world.cv.pk in ids(find(world.sxd_leader, handler_id=world.sxd_staff.pk), "incoming")
    # The staff member now finds the document, and the leader's direction is searchable.
    assert world.cv.pk in ids(find(world.sxd_staff, "tham mưu"), "incoming")


def test_filters_only_search_is_ordered_by_date(world):
    results = find(world.sxd_leader, kinds=["incoming"])
    dates = [h.entry.doc_date for h in results.hits]
    assert dates == sorted(dates, reverse=True) and len(dates) == 3


def test_snippet_highlights_on_original_text_and_escapes_html(world):
    hit = next(h for h in find(world.sxd_leader, "bao cao gap").hits if h.entry.object_id == world.cv.pk)
    assert "<mark>Báo cáo</mark>" in hit.snippet or "<mark>Báo</mark>" in hit.snippet
    assert "<mark>gấp</mark>" in hit.snippet and "&lt;b&gt;" in hit.snippet and "<b>" not in hit.snippet
    hit = find(world.sxd_leader, '"cải cách hành chính"').hits[0]
    assert "<mark>cải cách hành chính</mark>" in hit.snippet


def test_permission_trimming(world):
    leader_ids = ids(find(world.sxd_leader, "quyết định"))
    assert world.stttt_doc.pk not in ids(find(world.sxd_leader, "quyết định"), "incoming")
    assert world.qd.pk in leader_ids
    for outsider in (world.stttt_staff, world.ht_staff, world.ht_admin, world.province_admin):
        assert not find(outsider, "quyết định").hits
        assert not find(outsider, "171/QĐ-BDT").hits
        assert not find(outsider, kinds=["incoming"]).hits
    # The other agency's clerk finds their own document only.
    assert ids(find(world.stttt_clerk, "quyết định")) == {world.stttt_doc.pk}
    # A staff member finds only what they can open: their own draft, not the agency's incoming documents.
    staff = find(world.sxd_staff, "kế hoạch")
    assert ids(staff, "outgoing") == {world.draft.pk} and not ids(staff, "incoming")


def test_edit_after_commit_updates_the_index(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out.revise(world.sxd_staff, world.draft, text="Nội dung mới: xây dựng nhà ở xã hội cho công nhân.")
    assert len(callbacks) == 1  # one indexing per object and transaction
    assert world.draft.pk in ids(find(world.sxd_staff, "nha o xa hoi"))


@pytest.mark.django_db(transaction=True)
def test_indexing_happens_on_commit_not_before(org):
    from django.db import transaction

    with transaction.atomic():
        doc = register(org, subject="Kế hoạch phòng chống lụt bão năm 2027")
        assert not SearchEntry.objects.filter(kind="incoming", object_id=doc.pk).exists()
    assert SearchEntry.objects.filter(kind="incoming", object_id=doc.pk).exists()
    assert doc.pk in ids(find(org.sxd_leader, "lut bao"))
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled = register(org, code_number="999", subject="Văn bản bị hủy giao dịch")
        raise RuntimeError
    assert not SearchEntry.objects.filter(kind="incoming", object_id=rolled.pk).exists()


def test_index_text_hook_for_ocr(world):
    services.index_text("incoming", world.dinh.pk, "Trang 2: kinh phí trùng tu di tích cấp tỉnh 500 triệu đồng")
    hit = find(world.sxd_leader, "trung tu di tich").hits[0]
    assert hit.entry.object_id == world.dinh.pk and "<mark>trùng tu di tích</mark>" in hit.snippet
    assert "<mark>đì</mark>" not in hit.snippet.lower()
    assert world.dinh.pk in ids(find(world.sxd_leader, "kinh phí", exact=True))
    # A later save of the document keeps the OCR text.
    services.index_object("incoming", world.dinh.pk)
    assert world.dinh.pk in ids(find(world.sxd_leader, "di tich"))


def test_filing_into_a_dossier_updates_its_dates(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = incoming.submit(world.sxd_clerk, world.qd, world.sxd_leader)
        doc = incoming.direct(
            world.sxd_leader,
            doc,
            direction="Giao Văn phòng theo dõi.",
            targets=[incoming.Target(role="lead", user=world.sxd_clerk)],
        )
        assignment = doc.assignments.get(user=world.sxd_clerk)
        incoming.complete(world.sxd_clerk, assignment, result="Đã tham mưu cử cán bộ tham gia.")
        dossiers.file_document(world.sxd_clerk, doc, [world.dossier])
    entry = SearchEntry.objects.get(kind="dossier", object_id=world.dossier.pk)
    assert entry.doc_date == dt.date(2026, 11, 15)


def test_reindex_command_fills_and_rebuilds(world, capsys):
    SearchEntry.objects.filter(kind="incoming").delete()
    assert not find(world.sxd_leader, "quyết định", kinds=["incoming"]).hits
    call_command("reindex_search", "--kind", "incoming")
    out_text = capsys.readouterr().out
    assert "4 mục" in out_text
    assert world.qd.pk in ids(find(world.sxd_leader, "quyết định"))
    call_command("reindex_search", "--full")
    assert "6 mục" in capsys.readouterr().out
    assert world.qd.pk in ids(find(world.sxd_leader, "171 QĐ BDT"))
    call_command("reindex_search")
    assert "0 mục" in capsys.readouterr().out


def test_saved_searches_service(world):
    saved = services.save_search(
        world.sxd_leader, name="Quyết định khẩn", query="?q=quyet+dinh&urgency=1&page=3&evil=1"
    )
    assert saved.query == "q=quyet+dinh&urgency=1"
    with pytest.raises(ValidationError, match="đã có một tìm kiếm đã lưu với tên này"):
        services.save_search(world.sxd_leader, name="Quyết định khẩn", query="q=x")
    assert list(services.saved_searches(world.sxd_staff)) == []


# ------------------------------------------------------------------------------------------------ web


def test_search_screen(world, login):
    client = login(world.sxd_leader)
    page = client.get("/tim-kiem/", {"q": "quyet dinh"}).content.decode()
    assert "171/QĐ-BDT" in page and f"/van-ban-den/{world.qd.pk}/" in page and "<mark>Quyết định</mark>" in page
    assert "15/11/2026" in page and "Văn bản đến" in page
    page = client.get(
        "/tim-kiem/", {"date_from": "01/11/2026", "date_to": "16/11/2026", "kind": "incoming"}
    ).content.decode()
    assert "171/QĐ-BDT" in page and "1234/UBND-KT" not in page
    bad = client.get("/tim-kiem/", {"date_from": "31/02/2026", "page": "abc", "doc_type": "x"})
    assert bad.status_code == 200 and "ngày không hợp lệ" in bad.content.decode()
    # Saved search: save, list, run, delete.
    response = client.post("/tim-kiem/luu/", {"name": "Quyết định của Ban Dân tộc", "query": "q=171%2FQĐ-BDT"})
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=world.sxd_leader)
    page = client.get("/tim-kiem/").content.decode()
    assert "Quyết định của Ban Dân tộc" in page
    assert client.get(f"/tim-kiem/da-luu/{saved.pk}/")["Location"].startswith("/tim-kiem/?q=171")
    other = login(world.sxd_staff)
    assert other.get(f"/tim-kiem/da-luu/{saved.pk}/").status_code == 404
    assert other.post(f"/tim-kiem/da-luu/{saved.pk}/xoa/").status_code == 404
    assert client.post(f"/tim-kiem/da-luu/{saved.pk}/xoa/").status_code == 302
    assert not SavedSearch.objects.exists()
    assert client.post("/tim-kiem/luu/", {"name": "", "query": ""}).status_code == 302
    # The top bar has the search box.
    assert 'action="/tim-kiem/"' in client.get("/").content.decode()


def test_result_page_query_count_is_constant(world, login, django_capture_on_commit_callbacks):
    client = login(world.sxd_leader)
    client.get("/tim-kiem/", {"q": "quyết định"})
    with CaptureQueriesContext(connection) as few:
        client.get("/tim-kiem/", {"q": "kế hoạch"})
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(25):
            register(world, code_number=str(500 + i), subject=f"Kế hoạch số {i} về đào tạo cán bộ")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/tim-kiem/", {"q": "kế hoạch"})
    assert len(many) == len(few)
    assert "Hơn 20 kết quả" in response.content.decode()
    assert not unbounded_counts(many.captured_queries)
    assert "page=2" in response.content.decode()
    assert client.get("/tim-kiem/", {"q": "kế hoạch", "page": 2}).status_code == 200


# ------------------------------------------------------------------------------------------------ API


def test_api_search_and_saved_searches(world, api):
    client = api(world.sxd_leader)
    body = client.get("/api/v1/search/", {"q": "171 QĐ BDT"}).json()
    first = body["results"][0]
    assert first["kind"] == "incoming" and first["id"] == world.qd.pk and first["number"] == "171/QĐ-BDT"
    assert "body" not in first and body["has_more"] is False
    body = client.get("/api/v1/search/", {"kind": "incoming", "date_from": "2026-11-18"}).json()
    assert [r["id"] for r in body["results"]] == [world.cv.pk]
    for params, field in [
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"kind": "nope"}, "kind"),
        ({"q": "x", "doc_type": "abc"}, "doc_type"),
        ({}, "q"),
        ({"q": "x", "page": "999"}, "page"),
        ({"q": "x", "urgency": "9"}, "urgency"),
        ({"q": "x", "unit": str(world.ht_vp.pk)}, "unit"),
    ]:
        response = client.get("/api/v1/search/", params)
        assert response.status_code == 400, params
        assert field in response.json()
    assert not api(world.ht_staff).get("/api/v1/search/", {"q": "quyết định"}).json()["results"]
    created = client.post("/api/v1/saved-searches/", {"name": "Văn bản khẩn", "query": "urgency=1"}, format="json")
    assert created.status_code == 201, created.content
    assert (
        client.post(
            "/api/v1/saved-searches/", {"name": "Văn bản khẩn", "query": "urgency=1"}, format="json"
        ).status_code
        == 400
    )
    assert client.post("/api/v1/saved-searches/", {"name": ""}, format="json").status_code == 400
    run = client.get(f"/api/v1/saved-searches/{created.json()['id']}/run/").json()
    assert [r["id"] for r in run["results"]] == [world.qd.pk]
    listed = client.get("/api/v1/saved-searches/").json()
    assert [s["name"] for s in listed["results"]] == ["Văn bản khẩn"]
    pk = created.json()["id"]
    assert api(world.sxd_staff).delete(f"/api/v1/saved-searches/{pk}/").status_code == 404
    assert client.delete(f"/api/v1/saved-searches/{pk}/").status_code == 204
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/search/" in schema and "/api/v1/saved-searches/" in schema


# ------------------------------------------------------------------------------------------------ bad input, engines

GARBAGE = [
    {"q": '"'},
    {"q": '"""'},
    {"q": "AND OR NOT"},
    {"q": "NEAR(a b"},
    {"q": "*"},
    {"q": "a:*&|!()'"},
    {"q": "title:x"},
    {"q": "\x00"},
    {"q": "x" * 5000},
    {"q": "///"},
    {"q": "' OR 1=1 --"},
    {"q": "quyết", "page": "-1"},
    {"q": "quyết", "page": "abc"},
    {"q": "quyết", "page": "99999999999999999999"},
    {"kind": "x"},
    {"date_from": "2026-02-30"},
    {"date_from": "31/12/2026", "date_to": "01/01/2026"},
    {"doc_type": "999999999999999999999"},
    {"urgency": "abc"},
    {"status": "<script>"},
    {"unit": "-5"},
    {"handler": "1e9"},
    {"issuer": "\x00"},
    {"q": "😀 ǅ İ ß ﬁ"},
    {"q": "171/", "exact": "on"},
    {"q": "_ __ quyết_định"},
    {"q": "ký tự " * 400},
]


@pytest.mark.parametrize("params", GARBAGE, ids=range(len(GARBAGE)))
def test_bad_input_never_500(world, login, api, params):
    web = login(world.sxd_leader).get("/tim-kiem/", params)
    assert web.status_code in (200, 400)  # NUL bytes are refused by the site-wide guard with a 400 page
    response = api(world.sxd_leader).get("/api/v1/search/", params)
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        messages = [m for v in response.json().values() for m in (v if isinstance(v, list) else [v])]
        assert messages and all(any(ch in m for ch in "àáảãạâăđêôơưạếểễệềốồổỗộớờởỡợíìỉĩịúùủũụýỳỷỹỵ") for m in messages)


def test_full_text_engine_objects_exist(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
            assert "remove_diacritics 2" in cursor.fetchone()[0]
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchentry'")
            indexes = dict(cursor.fetchall())
            assert "search_entry_fts" not in indexes  # replaced by the stored column (migration 0003)
            assert "gin (search_vector)" in indexes["search_entry_vector"]
            cursor.execute(
                "SELECT generation_expression FROM information_schema.columns "
                "WHERE table_name = 'search_searchentry' AND column_name = 'search_vector'"
            )
            generated = cursor.fetchone()[0]
            assert "vpdt_unaccent(lower((title)::text))" in generated and "vpdt_unaccent(lower(folded))" in generated
            assert "gin_trgm_ops" in indexes["search_entry_number_trgm"]
            assert "gin_trgm_ops" in indexes["search_entry_title_trgm"]
            cursor.execute("SELECT vpdt_unaccent(lower('Quyết Định ĐẤT đai'))")
            assert cursor.fetchone()[0] == "quyet dinh dat dai"
            cursor.execute("SELECT provolatile FROM pg_proc WHERE proname = 'vpdt_unaccent'")
            assert cursor.fetchone()[0] == "i"


def test_subject_matches_rank_before_body_matches(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        in_subject = register(
            world,
            code_number="301",
            issued_date=dt.date(2026, 9, 1),
            subject="Kế hoạch phòng chống lụt bão và tìm kiếm cứu nạn năm 2027",
        )
        in_body = register(
            world,
            code_number="302",
            issued_date=dt.date(2026, 11, 25),
            subject="V/v kiểm tra công trình xây dựng",
            description="Lưu ý kiểm tra phương án phòng chống lụt bão của nhà thầu",
        )
    found = [h.entry.object_id for h in find(world.sxd_leader, "lụt bão").hits]
    assert found == [in_subject.pk, in_body.pk]
    # Without words the newest comes first.
    assert [h.entry.object_id for h in find(world.sxd_leader, kinds=["incoming"]).hits][0] == in_body.pk


def test_reindex_runs_in_batches(world, django_capture_on_commit_callbacks):
    with CaptureQueriesContext(connection) as few:
        services.reindex(full=True)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            out.create_draft(
                world.sxd_staff,
                doc_type=dtype("Kế hoạch"),
                subject=f"Kế hoạch số {i}",
                text=f"Nội dung kế hoạch số {i}",
                signer=world.sxd_leader,
            )
    SearchEntry.objects.filter(kind="outgoing").update(title="cũ", folded="cu")
    with CaptureQueriesContext(connection) as many:
        assert services.reindex(full=True) == 11
    assert len(many) <= len(few) + 2  # bulk update batches, not one query per object
    assert ids(find(world.sxd_staff, "kế hoạch số 3")) >= {SearchEntry.objects.get(title="Kế hoạch số 3").object_id}


@pytest.mark.parametrize("q", ["quyết định", "kế hoạch", "171/QĐ-BDT", '"cải cách hành chính"', "đình"])
def test_agency_branches_read_through_the_agency_find_the_same(world, monkeypatch, q):
    """A branch under an agency condition may test the words row by row (PostgreSQL, for common words) instead of
    asking the text index: what each viewer finds, and in which order, does not change."""
    from vpdt.search.backends.base import Backend

    viewers = ("sxd_clerk", "sxd_leader", "sxd_staff", "stttt_clerk", "stttt_staff", "ht_staff", "province_admin")
    found = {}
    for scan in (False, True):
        monkeypatch.setattr(Backend, "scans", lambda self, agency, parsed, scan=scan: scan)
        if connection.vendor == "postgresql":
            from vpdt.search.backends.postgres import PostgresBackend

            monkeypatch.setattr(PostgresBackend, "scans", lambda self, agency, parsed, scan=scan: scan)
        found[scan] = {
            who: [(h.entry.kind, h.entry.object_id) for h in find(getattr(world, who), q).hits] for who in viewers
        }
    assert found[True] == found[False]
    assert any(found[True].values())
    assert not found[True]["ht_staff"] and not found[True]["province_admin"]


def test_a_persons_objects_found_through_their_agency_are_the_same(world):
    """A person with positions in their own agency only works on that agency's objects: their objects' branches
    may carry the agency condition (so that a rare word is read through the text index under the agency) without
    changing what they find."""
    from vpdt.search.services import agency_branches

    def visible(user, through):
        ids = set()
        for _agency, entries in agency_branches(user, through_agency=through):
            ids |= set(entries.values_list("pk", flat=True))
        return ids

    viewers = ("sxd_staff", "sxd_unit_leader", "sxd_leader", "sxd_clerk", "stttt_staff", "ht_staff", "province_admin")
    for who in viewers:
        user = getattr(world, who)
        assert visible(user, lambda agency: True) == visible(user, None), who
    staff = visible(world.sxd_staff, None)
    assert staff and staff < set(SearchEntry.objects.filter(agency=world.sxd).values_list("pk", flat=True))
    through = [a for a, _e in agency_branches(world.sxd_unit_leader, through_agency=lambda agency: True)]
    assert through and all(a is not None for a in through)  # every branch under the agency


def test_common_words_are_ranked_among_the_newest_entries_of_an_agency(world, monkeypatch, login):
    """PostgreSQL ranks the entries of an agency's branch among the newest ones holding the words when the
    statistics expect very many (``RANKED_AT_MOST``), and says so; SQLite ranks every match."""
    everything = find(world.sxd_leader, "kế hoạch")
    assert len(everything.hits) >= 3 and everything.newest_only == 0
    if connection.vendor == "postgresql":
        from vpdt.search.backends.postgres import PostgresBackend

        monkeypatch.setattr(PostgresBackend, "ranked_at_most", lambda self, agency, parsed: 0 if agency is None else 1)
    capped = find(world.sxd_leader, "kế hoạch")
    page = login(world.sxd_leader).get("/tim-kiem/", {"q": "kế hoạch"}).content.decode()
    if connection.vendor == "sqlite":
        assert capped.newest_only == 0 and capped.hits == everything.hits
        assert 'data-testid="search-newest-only"' not in page
        return
    newest = max(everything.hits, key=lambda h: (h.entry.doc_date, h.entry.pk))
    assert capped.newest_only == 1
    assert [(h.entry.kind, h.entry.object_id) for h in capped.hits] == [(newest.entry.kind, newest.entry.object_id)]
    assert 'data-testid="search-newest-only"' in page and "1 văn bản mới nhất" in page


def test_ranking_is_capped_only_where_very_many_entries_match():
    from django.db import connection as db
    from django.db.models import Q

    from vpdt.search.backends import postgres
    from vpdt.search.text import parse

    backend = postgres.PostgresBackend(db)
    backend._stats = postgres.Statistics(
        entries=1_000_000, agencies={1: 0.06}, other_agency=0.001, lexemes={"tinh": 0.8, "ke": 0.05}, rare=0.0001
    )
    at_most = postgres.RANKED_AT_MOST
    assert backend.ranked_at_most(Q(agency=1), parse("tỉnh")) == at_most  # 60,000 entries, 48,000 hold the word
    assert backend.ranked_at_most(Q(agency=1), parse("kế tỉnh")) == at_most  # 3,000 hold the rarer word
    assert backend.ranked_at_most(Q(agency=2), parse("tỉnh")) == 0  # 1,000 entries
    assert backend.ranked_at_most(Q(agency=1), parse("đình")) == 0  # a rare word
    assert backend.ranked_at_most(None, parse("tỉnh")) == 0  # a person's own documents: all ranked
    assert backend.ranked_at_most(Q(agency=1), parse("171/QĐ-UBND")) == 0  # a number is looked up, not ranked


def test_text_index_estimates_follow_the_rarest_term():
    """The row-by-row path is chosen when the text index would read more entries than the agency has; the index is
    asked for the rarest term of a query only, which sets the cost."""
    from django.db.models import Q

    from vpdt.search.backends.postgres import Statistics, agency_rows, text_matches
    from vpdt.search.text import parse

    stats = Statistics(
        entries=1000, agencies={1: 0.5}, other_agency=0.01, lexemes={"ke": 0.3, "hoach": 0.2, "ubnd": 0.6}, rare=0.001
    )
    assert text_matches(parse("ke hoach"), stats) == pytest.approx(200)
    assert text_matches(parse("ke ubnd"), stats) == pytest.approx(300)
    assert text_matches(parse("171 qd ubnd"), stats) == pytest.approx(1)
    assert text_matches(parse("sat"), stats) == pytest.approx(1)
    assert agency_rows(Q(agency=1), stats) == pytest.approx(500)
    assert agency_rows(Q(agency__in=[1, 2]), stats) == pytest.approx(510)
    assert agency_rows(Q(agency__in=SearchEntry.objects.values("agency_id")), stats) is None
