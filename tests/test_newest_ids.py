"""Pages read newest first through each visibility branch's newest ids (authz.NewestIds) are the true pages: the
same documents, in the same order, as reading everything the person sees, for every page size, with and without
filters that discard most of each branch's newest ids, on the API and on the screens."""

import pytest

from tests.test_outgoing_services import approve_all, draft
from vpdt.core import authz
from vpdt.core.authz import visible
from vpdt.outgoing import services as out
from vpdt.outgoing import views as outgoing_views
from vpdt.outgoing.models import OutgoingDocument, RecipientKind
from vpdt.outgoing.services import RecipientSpec

pytestmark = pytest.mark.django_db
VIEWERS = ["sxd_staff", "sxd_unit_leader", "sxd_leader", "sxd_clerk"]
BY_BRANCHES = {"sxd_staff", "sxd_unit_leader"}  # the others see their agency's documents through one index


@pytest.fixture
def documents(org):
    made = [draft(org, subject=f"Dự thảo công văn số {i} về kế hoạch vốn") for i in range(5)]
    to_unit = [RecipientSpec(RecipientKind.UNIT, unit=org.sxd_khtc)]
    for i in range(4):
        doc = approve_all(org, draft(org, subject=f"Thông báo số {i} gửi phòng", recipients=to_unit))
        made.append(out.issue(org.sxd_clerk, doc))
    made.append(out.submit(org.sxd_staff, draft(org, subject="Tờ trình đang chờ lãnh đạo phòng duyệt")))
    made += [draft(org, subject=f"Dự thảo của lãnh đạo phòng {i}", actor=org.sxd_unit_leader) for i in range(3)]
    return made


@pytest.fixture
def engaged(monkeypatch):
    """Counts the lists that were read through each branch's newest ids."""
    calls = []
    original = authz.NewestIds.candidates

    def candidates(self, ids):
        calls.append(self.k)
        return original(self, ids)

    monkeypatch.setattr(authz.NewestIds, "candidates", candidates)
    return calls


def _walk(client, query: dict) -> list[int]:
    seen, url, params = [], "/api/v1/outgoing-documents/", dict(query)
    while url:
        body = client.get(url, params).json()
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None
    return seen


@pytest.mark.parametrize("who", VIEWERS)
def test_api_pages_are_the_whole_list_in_order(org, api, documents, engaged, who):
    user = getattr(org, who)
    client = api(user)
    everything = list(visible(OutgoingDocument, user).order_by("-id").values_list("pk", flat=True))
    assert everything, who
    for filters in ({}, {"q": "Dự thảo công văn số 3"}, {"box": "to_review"}, {"box": "mine"}):
        whole = _walk(client, {**filters, "page_size": 200})
        if not filters:
            assert whole == everything, who
        for size in (1, 2, 3):
            assert _walk(client, {**filters, "page_size": size}) == whole, (who, filters, size)
    assert bool(engaged) == (who in BY_BRANCHES)  # the lists really were read through the branches' newest ids


@pytest.mark.parametrize("who", ["sxd_staff", "sxd_unit_leader"])
def test_screen_pages_are_the_whole_list_in_order(org, login, documents, engaged, monkeypatch, who):
    user = getattr(org, who)
    client = login(user)
    monkeypatch.setattr(outgoing_views, "PAGE_SIZE", 2)
    seen, query = [], ""
    while True:
        response = client.get("/van-ban-di/?" + query)
        assert response.status_code == 200
        seen += [doc.pk for doc in response.context["page"].items]
        cursor = response.context["page"].next_cursor
        if not cursor:
            break
        query = f"cursor={cursor}"
    expected = authz.permitted(OutgoingDocument, user, "record").filter(drafter=user).order_by("-id")
    assert seen == list(expected.values_list("pk", flat=True)) and len(seen) > 2
    assert engaged
