"""Permission suite, outgoing documents: the drafting record and the issued document are two parts with two
predicates, and every channel — screens, files, API, deliveries, search, signature checks, digitizations — agrees
with the one that fits what it shows. See ``tests/parts_world.py`` for the world and the viewers."""

from __future__ import annotations

import re

import pytest

from tests import parts_world, shared_data
from tests.parts_world import (
    COMMENT,
    DRAFT_TEXT_ONLY,
    LATEST_TEXT,
    OPINION,
    PUBLISHED_KINDS,
    RETURN_REASON,
    SUBJECT,
    VIEWERS,
)
from vpdt.core.authz import permitted, visible
from vpdt.digitize.models import Digitization
from vpdt.exchange import internal
from vpdt.outgoing import services as out
from vpdt.outgoing.models import OutgoingDocument
from vpdt.signing.models import Verification

pytestmark = pytest.mark.django_db
PAGE_SECRETS = (RETURN_REASON, COMMENT, OPINION)  # what the detail page shows of the record
API_SECRETS = (RETURN_REASON, OPINION)  # what the API detail shows of it (comments have their own action)


@shared_data.over("org", run_on_commit=True)  # search indexing and OCR text run after commit
def world(org):
    parts_world.build(org)


def _code(allowed: bool) -> int:
    return 200 if allowed else 404


def _api_ids(client, url="/api/v1/outgoing-documents/?page_size=200"):
    ids = set()
    while url:
        body = client.get(url).json()
        ids |= {row["id"] for row in body["results"]}
        url = body["next"]
    return ids


def test_predicates(world):
    for name, (part, sees_draft) in VIEWERS.items():
        user = getattr(world, name)
        record = set(permitted(OutgoingDocument, user, "record").values_list("pk", flat=True))
        published = set(permitted(OutgoingDocument, user, "published").values_list("pk", flat=True))
        assert (world.issued.pk in record) is (part == "record"), name
        assert (world.issued.pk in published) is (part is not None), name
        assert (world.draft.pk in record) is sees_draft, name
        assert world.draft.pk not in published, name  # a draft has no published part
        seen = set(visible(OutgoingDocument, user).values_list("pk", flat=True))
        assert seen == record | published, name


def test_every_screen_and_file(world, login):
    issued = world.issued
    for name, (part, sees_draft) in VIEWERS.items():
        web = login(getattr(world, name))
        page = web.get(f"/van-ban-di/{issued.pk}/")
        assert page.status_code == _code(part is not None), name
        if part is not None:
            html = page.content.decode()
            assert SUBJECT in html
            for secret in PAGE_SECRETS:
                assert (secret in html) is (part == "record"), (name, secret)
            assert ("Quá trình duyệt" in html) is (part == "record"), name
        assert web.get(f"/van-ban-di/{issued.pk}/so-sanh/?a=1&b=2").status_code == _code(part == "record"), name
        for kind, row in world.files.items():
            allowed = part == "record" or (part == "published" and kind in PUBLISHED_KINDS)
            response = web.get(f"/van-ban-di/{issued.pk}/tep/{row.pk}/")
            assert response.status_code == _code(allowed), (name, kind)
        assert web.get(f"/van-ban-di/{world.draft.pk}/").status_code == _code(sees_draft), name
        assert web.get(f"/van-ban-di/{world.draft.pk}/so-sanh/").status_code == _code(sees_draft), name


def test_every_api_action(world, api):
    issued = world.issued
    base = f"/api/v1/outgoing-documents/{issued.pk}"
    for name, (part, sees_draft) in VIEWERS.items():
        client = api(getattr(world, name))
        ids = _api_ids(client)
        assert (issued.pk in ids) is (part is not None), name
        assert (world.draft.pk in ids) is sees_draft, name
        detail = client.get(f"{base}/")
        assert detail.status_code == _code(part is not None), name
        if part is not None:
            body = detail.json()
            assert body["part"] == part, name
            text = detail.content.decode()
            for secret in API_SECRETS:
                assert (secret in text) is (part == "record"), (name, secret)
            if part == "published":
                assert "steps" not in body and "versions" not in body and "drafter" not in body
                assert {f["published"] for f in body["files"]} == {True}
                assert all("status" not in r for r in body["recipients"])
        for path in ("versions/", "versions/1/", "diff/?a=1&b=2", "comments/", "plan/", "trail/"):
            assert client.get(f"{base}/{path}").status_code == _code(part == "record"), (name, path)


def test_only_the_record_takes_comments(world, api, login):
    issued, draft = world.issued, world.draft
    for name, (part, _sees_draft) in VIEWERS.items():
        user = getattr(world, name)
        client = api(user)
        response = client.post(
            f"/api/v1/outgoing-documents/{issued.pk}/comments/", {"text": "Xin góp ý thêm."}, format="json"
        )
        # Outside the record: not found. Inside: the issued document's record is closed.
        assert response.status_code == (400 if part == "record" else 404), (name, response.content)
        response = login(user).post(f"/van-ban-di/{issued.pk}/gop-y/", {"version": 1, "text": "Xin góp ý thêm."})
        assert response.status_code == (302 if part == "record" else 404), name
    assert not issued.versions.filter(comments__text="Xin góp ý thêm.").exists()
    response = api(world.sxd_unit_leader).post(
        f"/api/v1/outgoing-documents/{draft.pk}/comments/", {"text": "Bổ sung số liệu quý IV."}, format="json"
    )
    assert response.status_code == 201


def test_deliveries(world, api, login):
    stttt_row, district_row = world.stttt_delivery, world.district_delivery
    for name, (part, _) in VIEWERS.items():
        client = api(getattr(world, name))
        expected = part == "record" or name == "stttt_clerk"
        assert client.get(f"/api/v1/outgoing-deliveries/{stttt_row.pk}/").status_code == _code(expected), name
        expected = part == "record" or name == "district_clerk"
        assert client.get(f"/api/v1/outgoing-deliveries/{district_row.pk}/").status_code == _code(expected), name
    # The sender follows the status, never the recipient's own incoming document.
    sender_view = api(world.sxd_clerk).get(f"/api/v1/outgoing-deliveries/{stttt_row.pk}/").json()
    assert sender_view["status"] == "04" and sender_view["incoming"] is None
    own_view = api(world.stttt_clerk).get(f"/api/v1/outgoing-deliveries/{stttt_row.pk}/").json()
    assert own_view["incoming"] == world.incoming_copy.pk
    # Acting on another agency's delivery: not found.
    stttt = api(world.stttt_clerk)
    assert (
        stttt.post(
            f"/api/v1/exchange-arrivals/internal-{district_row.pk}/refuse/",
            {"reason": "Không đúng thẩm quyền"},
            format="json",
        ).status_code
        == 404
    )
    waiting = stttt.get("/api/v1/exchange-arrivals/?box=waiting").json()["results"]
    assert waiting == []
    district = api(world.district_clerk)
    assert [r["key"] for r in district.get("/api/v1/exchange-arrivals/?box=waiting").json()["results"]] == [
        f"internal-{district_row.pk}"
    ]
    # Files of the waiting delivery: the issued files only, for its own clerk only.
    web = login(world.district_clerk)
    for kind, row in world.files.items():
        url = f"/lien-thong/den/trong-he-thong/{district_row.pk}/tep/{row.file_id}/"
        assert web.get(url).status_code == _code(kind in PUBLISHED_KINDS), kind
        assert login(world.stttt_clerk).get(url).status_code == 404


def test_the_recipient_reads_its_incoming_copy(world, login, api):
    copy = world.incoming_copy
    files = {a.file_id for a in copy.attachments.all()}
    assert files == {world.files[k].file_id for k in PUBLISHED_KINDS}
    for name in ("stttt_clerk", "stttt_leader", "stttt_assignee"):
        web = login(getattr(world, name))
        assert web.get(f"/van-ban-den/{copy.pk}/").status_code == 200
        for attachment in copy.attachments.all():
            assert web.get(f"/van-ban-den/{copy.pk}/tep/{attachment.pk}/").status_code == 200
        assert web.get(f"/van-ban-di/{world.issued.pk}/").status_code == 404
    # The sender never reads the recipient's processing.
    for name in ("sxd_staff", "sxd_leader", "sxd_clerk"):
        assert login(getattr(world, name)).get(f"/van-ban-den/{copy.pk}/").status_code == 404
        assert api(getattr(world, name)).get(f"/api/v1/incoming-documents/{copy.pk}/").status_code == 404


@pytest.mark.parametrize("how", ["recall", "refuse"])
def test_a_recalled_or_refused_delivery_ends_access(world, api, login, how):
    district_row = world.district_delivery
    if how == "recall":
        out.recall(world.sxd_clerk, world.issued, "Văn bản ban hành sai thẩm quyền, thu hồi để ban hành lại.")
    else:
        internal.refuse(world.district_clerk, district_row, "Văn bản không thuộc thẩm quyền giải quyết của huyện.")
    web = login(world.district_clerk)
    for row in world.files.values():
        assert web.get(f"/lien-thong/den/trong-he-thong/{district_row.pk}/tep/{row.file_id}/").status_code == 404
    client = api(world.district_clerk)
    assert client.get("/api/v1/exchange-arrivals/?box=waiting").json()["results"] == []
    record = client.get(f"/api/v1/outgoing-deliveries/{district_row.pk}/")  # the recall (or refusal) record
    assert record.status_code == 200 and record.json()["status"] == ("15" if how == "recall" else "02")
    assert client.get(f"/api/v1/outgoing-documents/{world.issued.pk}/").status_code == 404
    if how == "recall":
        stttt = api(world.stttt_clerk)
        [row] = stttt.get("/api/v1/exchange-arrivals/?box=recalls").json()["results"]
        assert row["key"] == f"internal-{world.stttt_delivery.pk}" and row["status"] == "13"


def test_a_confirmed_recall_ends_access_to_the_registered_copy(world, api, login, django_capture_on_commit_callbacks):
    """Sở TTTT registered its copy; the sender recalls it and Sở TTTT's clerk confirms: the register entry and the
    recall record stay, the files and their text do not."""
    from vpdt.search.models import SearchEntry

    copy = world.incoming_copy
    attachments = list(copy.attachments.all())
    assert SearchEntry.objects.get(kind="incoming", object_id=copy.pk).extra_text  # the files' text was indexed
    with django_capture_on_commit_callbacks(execute=True):
        out.recall(world.sxd_clerk, world.issued, "Văn bản ban hành sai thẩm quyền, thu hồi để ban hành lại.")
        internal.confirm_recall(world.stttt_clerk, world.stttt_delivery)
    copy.refresh_from_db()
    assert copy.status == "withdrawn"
    for name in ("stttt_clerk", "stttt_leader", "stttt_assignee"):
        user = getattr(world, name)
        web, client = login(user), api(user)
        page = web.get(f"/van-ban-den/{copy.pk}/")
        assert page.status_code == 200 and "tệp đính kèm không còn xem được" in page.content.decode()
        for attachment in attachments:
            assert web.get(f"/van-ban-den/{copy.pk}/tep/{attachment.pk}/").status_code == 404, name
            assert (
                client.post(
                    "/api/v1/signature-verifications/verify/", {"file": attachment.file_id}, format="json"
                ).status_code
                == 404
            ), name
        assert client.get(f"/api/v1/incoming-documents/{copy.pk}/").json()["attachments"] == []
        files = {r["file"] for r in client.get("/api/v1/digitizations/?page_size=200").json()["results"]}
        assert not files & {a.file_id for a in attachments}, name
    assert SearchEntry.objects.get(kind="incoming", object_id=copy.pk).extra_text == ""
    record = api(world.stttt_clerk).get(f"/api/v1/outgoing-deliveries/{world.stttt_delivery.pk}/").json()
    assert record["status"] == "15"


def _search(client, q):
    return {(h["kind"], h["id"]): h for h in client.get("/api/v1/search/", {"q": q}).json()["results"]}


def test_search_follows_the_parts(world, api, login):
    issued, copy = world.issued, world.incoming_copy
    for name, (part, sees_draft) in VIEWERS.items():
        client = api(getattr(world, name))
        by_text = _search(client, "kiem thu xam nhap dinh ky")
        assert (("outgoing", issued.pk) in by_text) is (part == "record"), name
        by_subject = _search(client, "an toan thong tin he thong quan ly cong trinh")
        assert (("outgoing", issued.pk) in by_subject) is (part is not None), name
        if part == "published":
            assert LATEST_TEXT not in by_subject[("outgoing", issued.pk)]["snippet"]
        assert (("incoming", copy.pk) in by_subject) is name.startswith("stttt_"), name
        draft_hits = _search(client, "tuyen duong ven bien cua lo")
        assert (("outgoing", world.draft.pk) in draft_hits) is sees_draft, (name, DRAFT_TEXT_ONLY)
    page = login(world.sxd_admin).get("/tim-kiem/", {"q": "kiem thu xam nhap dinh ky"}).content.decode()
    assert LATEST_TEXT not in page and 'data-testid="search-hit"' not in page


def test_signature_checks_stay_with_their_agency(world, api):
    sealed = world.files["final-sealed"].file
    stttt = api(world.stttt_clerk)
    checked = stttt.post("/api/v1/signature-verifications/verify/", {"file": sealed.pk}, format="json")
    assert checked.status_code == 201
    rows = stttt.get("/api/v1/signature-verifications/?page_size=200").json()["results"]
    assert rows and {r["id"] for r in rows} == set(
        Verification.objects.filter(agency=world.stttt).values_list("pk", flat=True)
    )
    sender = api(world.sxd_clerk).get("/api/v1/signature-verifications/?page_size=200").json()["results"]
    assert checked.json()["id"] not in {r["id"] for r in sender}
    draft_v1 = world.files["draft-v1"].file
    assert (
        api(world.sxd_clerk)
        .post("/api/v1/signature-verifications/verify/", {"file": draft_v1.pk}, format="json")
        .status_code
        == 201
    )
    for name, (part, _) in VIEWERS.items():
        ids = {
            r["file"]
            for r in api(getattr(world, name)).get("/api/v1/signature-verifications/?page_size=200").json()["results"]
        }
        assert (draft_v1.pk in ids) is (part == "record"), name


def test_digitizations_follow_the_files(world, api):
    draft_v1 = world.files["draft-v1"].file
    sealed = world.files["final-sealed"].file
    assert Digitization.objects.filter(file=draft_v1).exists() and Digitization.objects.filter(file=sealed).exists()
    for name, (part, _) in VIEWERS.items():
        client = api(getattr(world, name))
        ids = {r["file"] for r in client.get("/api/v1/digitizations/?page_size=200").json()["results"]}
        assert (draft_v1.pk in ids) is (part == "record"), name
        reads_sealed = part is not None or name.startswith("stttt_") or name == "district_clerk"
        assert (sealed.pk in ids) is reads_sealed, name


# Viewers who see nothing of either document: every outgoing URL and API action answers 404 and changes nothing.
OUTSIDERS = [name for name, (part, sees_draft) in VIEWERS.items() if part is None and not sees_draft]


def _routes(patterns, prefix=""):
    """Every route of the URLconf as a path template with ``<name>`` placeholders (regex routes of DRF routers
    are turned into the same form)."""
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        route = str(entry.pattern)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).lstrip("^").rstrip("$").replace("\\.", ".")
        route = re.sub(r"<\w+:(\w+)>", r"<\1>", route)
        route = route.replace("/?", "/").replace("\\", "")
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _outgoing_urls(world):
    """Every outgoing screen and API action that takes a document, a file, a delivery or a consultation id — the
    exchange's queue of arrivals and recalls included — filled with the world's objects of the issued document and
    the draft (a sweep over the URLconf, so a new URL is covered the day it is added)."""
    from django.urls import get_resolver

    from vpdt.outgoing.models import Consultation

    consultation = Consultation.objects.filter(step__document=world.issued).first()
    ids = {
        "pk": [world.issued.pk, world.draft.pk],
        "file_pk": [row.pk for row in world.files.values()],
        "rpk": [world.district_delivery.pk],
        "cpk": [consultation.pk],
        "number": [1],
        "route": ["trong-he-thong"],
        "answer": ["dong-y", "tu-choi"],
        "n": [row.file_id for row in world.files.values()],
        "key": [f"internal-{world.district_delivery.pk}"],
    }
    own = {
        "api/v1/outgoing-deliveries/": {"pk": [world.district_delivery.pk]},
        "api/v1/outgoing-consultations/": {"pk": [consultation.pk]},
        "lien-thong/": {"pk": [world.district_delivery.pk]},
    }
    urls = set()
    for route in _routes(get_resolver().url_patterns):
        params = re.findall(r"<(\w+)>", route)
        prefixes = ("van-ban-di/", "api/v1/outgoing-", "lien-thong/den/", "lien-thong/thu-hoi/", "api/v1/exchange-arr")
        if not params or not route.startswith(prefixes) or "format" in params:
            continue
        if any(p not in ids for p in params):
            continue
        filled = next((dict(ids, **v) for k, v in own.items() if route.startswith(k)), ids)
        for values in _combinations(params, filled):
            url = route
            for param, value in zip(params, values):
                url = url.replace(f"<{param}>", str(value), 1)
            urls.add("/" + url)
    return sorted(urls)


def _combinations(params, ids):
    if not params:
        yield ()
        return
    for value in ids[params[0]]:
        for rest in _combinations(params[1:], ids):
            yield (value, *rest)


def test_outsiders_get_404_on_every_outgoing_url(world, login, api):
    from vpdt.journal.models import JournalEntry

    urls = _outgoing_urls(world)
    assert len(urls) > 40, urls  # screens, files, deliveries and every API action of both documents
    last = JournalEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    for name in OUTSIDERS:
        user = getattr(world, name)
        web, client = login(user), api(user)
        for url in urls:
            own_delivery = str(world.district_delivery.pk) in url and any(
                p in url for p in ("/lien-thong/", "deliveries", "exchange-arrivals")
            )
            if name == "district_clerk" and own_delivery:
                continue  # the district's clerk acts on its own delivery (test_deliveries)
            client_for = client if url.startswith("/api/") else web
            assert client_for.get(url).status_code in (404, 405), (name, url)
            response = client_for.post(
                url,
                {"reason": "Thử", "comment": "Thử", "text": "Thử"},
                **({"format": "json"} if url.startswith("/api/") else {}),
            )
            assert response.status_code in (404, 405), (name, url, response.status_code)
    assert not JournalEntry.objects.filter(seq__gt=last, action__startswith="outgoing.").exists()


def test_boxes_and_queues_stay_inside_what_each_viewer_sees(world, login, api):
    for name in VIEWERS:
        user = getattr(world, name)
        seen = set(visible(OutgoingDocument, user).values_list("pk", flat=True))
        client = api(user)
        for box in ("to_review", "to_issue", "mine"):
            body = client.get(f"/api/v1/outgoing-documents/?box={box}&page_size=200").json()
            assert {row["id"] for row in body["results"]} <= seen, (name, box)
        page = login(user).get("/van-ban-di/cho-duyet/")
        assert page.status_code == 200
        assert {step.document_id for step, _ in page.context["rows"]} <= seen, name
    queue = login(world.sxd_unit_leader).get("/van-ban-di/cho-duyet/").context["rows"]
    assert [step.document_id for step, _ in queue] == [world.draft.pk]


def test_delegates_lose_sight_after_the_period(world, login):
    from datetime import timedelta

    from django.utils import timezone
    from freezegun import freeze_time

    from vpdt.accounts.models import User

    assert visible(OutgoingDocument, world.deputy).filter(pk=world.draft.pk).exists()
    with freeze_time(timezone.now() + timedelta(days=40)):
        deputy = User.objects.get(pk=world.deputy.pk)  # a new request: the scope is built again
        assert not visible(OutgoingDocument, deputy).filter(pk=world.draft.pk).exists()
        assert login(world.deputy).get(f"/van-ban-di/{world.draft.pk}/").status_code == 404
