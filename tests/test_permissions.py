"""Permission regression suite.

Authorization is one queryset predicate per model (``vpdt.core.authz``). Every channel that shows
data — HTML lists, HTML detail pages, API lists, API detail, and ``visible()`` itself — must agree
on what a given person may see. The tables below are data: later features add rows (and, for new
models, a new entry in ``KINDS``), not new test functions.

Worst bug this suite guards against: one agency seeing another agency's people or papers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from tests import shared_data
from tests.conftest import make_person
from vpdt.accounts.models import User
from vpdt.core import authz
from vpdt.core.authz import manageable, visible
from vpdt.directory import services as directory
from vpdt.directory.models import Agency, Position, Role, Unit
from vpdt.journal.models import JournalEntry

# ------------------------------------------------------------------------------------------------
# The world: conftest's two provinces, plus people in the district (Nghi Lộc, under Nghệ An).
# ------------------------------------------------------------------------------------------------


@shared_data.over("org")
def world(org):
    org.district_vp = directory.create_unit(None, org.district, name="Văn phòng HĐND và UBND huyện", short_name="VP")
    org.district_staff = make_person(org.district, "Nguyễn Thị Mai", Role.STAFF, org.district_vp)
    return org


def resolve(world, kind: str, name: str):
    """The object a table row names: agencies, units and people by fixture attribute; a person's
    (only) active position; the journal entry that recorded a person's account creation."""
    if kind in ("agency", "unit", "user"):
        return getattr(world, name)
    person = getattr(world, name)
    if kind == "position":
        return Position.objects.get(user=person, is_active=True)
    if kind == "journal":
        return JournalEntry.objects.get(action="account.create", object_id=str(person.pk))
    raise KeyError(kind)


# ------------------------------------------------------------------------------------------------
# Channels. Each returns True (shown), False (hidden / 404 / 403) or fails on anything else.
# ------------------------------------------------------------------------------------------------


def _shown_by_status(response, url) -> bool:
    assert response.status_code in (200, 404), (url, response.status_code)
    return response.status_code == 200


def _html(client, url, marker) -> bool:
    response = client.get(url)
    assert response.status_code in (200, 403), (url, response.status_code)
    if response.status_code == 403:
        return False
    return marker in response.content.decode()


def _api_ids(client, url, key="id") -> set:
    response = client.get(url)
    assert response.status_code in (200, 403), (url, response.status_code, response.content[:300])
    if response.status_code == 403:
        return set()
    assert response.data["next"] is None, f"{url}: kết quả vượt một trang, hãy thu hẹp bộ lọc"
    return {row[key] for row in response.data["results"]}


def _api_detail(client, url) -> bool:
    response = client.get(url)
    assert response.status_code in (200, 403, 404), (url, response.status_code, response.content[:300])
    if response.status_code == 404:
        assert "Không tìm thấy" in response.json()["detail"]
    if response.status_code == 403:
        # Only a refusal of the whole endpoint (by role) is acceptable: a missing id must get the same
        # answer, or the 403 would tell that the object exists.
        missing = re.sub(r"/\d+/$", "/999999999/", url)
        assert client.get(missing).status_code == 403, url
    return response.status_code == 200


def _unit_row(u) -> str:
    return f"<td>{u.name}</td><td>{u.short_name}</td>"


@dataclass
class Kind:
    model: type
    key: Callable  # object -> primary key used in the API
    html_list: Callable | None  # (client, obj) -> bool
    html_detail: dict  # name -> (client, obj) -> bool
    api_list: Callable  # (client, obj) -> bool
    api_detail: Callable  # (client, obj) -> bool


KINDS: dict[str, Kind] = {
    "user": Kind(
        model=User,
        key=lambda o: o.pk,
        html_list=lambda c, o: _html(c, f"/can-bo/?q={o.username}", f'href="/can-bo/{o.pk}/"'),
        html_detail={
            "trang cán bộ": lambda c, o: _shown_by_status(c.get(f"/can-bo/{o.pk}/"), f"/can-bo/{o.pk}/"),
            "trang cơ quan": lambda c, o: _html(c, f"/danh-ba/co-quan/{o.agency_id}/", f'href="/can-bo/{o.pk}/"'),
        },
        api_list=lambda c, o: o.pk in _api_ids(c, f"/api/v1/users/?q={o.username}"),
        api_detail=lambda c, o: _api_detail(c, f"/api/v1/users/{o.pk}/"),
    ),
    "unit": Kind(
        model=Unit,
        key=lambda o: o.pk,
        html_list=lambda c, o: _html(c, f"/danh-ba/don-vi/?agency={o.agency_id}", _unit_row(o)),
        html_detail={
            # There is no unit page: a unit is shown on its agency's page and in the unit picker.
            "trang cơ quan": lambda c, o: _html(c, f"/danh-ba/co-quan/{o.agency_id}/", _unit_row(o)),
            "danh sách chọn đơn vị": lambda c, o: _html(
                c, f"/don-vi-theo-co-quan/?agency={o.agency_id}", f'<option value="{o.pk}">'
            ),
        },
        api_list=lambda c, o: o.pk in _api_ids(c, f"/api/v1/units/?agency={o.agency_id}"),
        api_detail=lambda c, o: _api_detail(c, f"/api/v1/units/{o.pk}/"),
    ),
    "position": Kind(
        model=Position,
        key=lambda o: o.pk,
        html_list=None,
        html_detail={
            # Positions are shown on the holder's page (holder and position are in the same agency here).
            "trang cán bộ": lambda c, o: _shown_by_status(c.get(f"/can-bo/{o.user_id}/"), f"/can-bo/{o.user_id}/"),
        },
        api_list=lambda c, o: o.pk in _api_ids(c, f"/api/v1/positions/?user={o.user_id}"),
        api_detail=lambda c, o: _api_detail(c, f"/api/v1/positions/{o.pk}/"),
    ),
    "journal": Kind(
        model=JournalEntry,
        key=lambda o: o.seq,
        html_list=lambda c, o: _html(c, f"/nhat-ky/?action={o.action}&object={o.object_id}", f"<tr><td>{o.seq}</td>"),
        html_detail={},
        api_list=lambda c, o: (
            o.seq in _api_ids(c, f"/api/v1/journal/?action={o.action}&object={o.object_id}", key="seq")
        ),
        api_detail=lambda c, o: _api_detail(c, f"/api/v1/journal/{o.seq}/"),
    ),
    "agency": Kind(
        model=Agency,
        key=lambda o: o.pk,
        html_list=lambda c, o: _html(c, f"/danh-ba/co-quan/?q={o.code}", f'href="/danh-ba/co-quan/{o.pk}/"'),
        html_detail={
            "trang cơ quan": lambda c, o: _shown_by_status(
                c.get(f"/danh-ba/co-quan/{o.pk}/"), f"/danh-ba/co-quan/{o.pk}/"
            ),
        },
        api_list=lambda c, o: o.pk in _api_ids(c, f"/api/v1/agencies/?code={o.code}"),
        api_detail=lambda c, o: _api_detail(c, f"/api/v1/agencies/{o.pk}/"),
    ),
}


def channels_for(kind_name, viewer, obj, client, api_client) -> dict[str, bool]:
    kind = KINDS[kind_name]
    seen = {"visible()": visible(kind.model, viewer).filter(pk=obj.pk).exists()}
    if kind.html_list:
        seen["HTML danh sách"] = kind.html_list(client, obj)
    for name, check in kind.html_detail.items():
        seen[f"HTML {name}"] = check(client, obj)
    seen["API danh sách"] = kind.api_list(api_client, obj)
    seen["API chi tiết"] = kind.api_detail(api_client, obj)
    return seen


# ------------------------------------------------------------------------------------------------
# Table 1: (viewer, kind, object, expected visible?)
# ------------------------------------------------------------------------------------------------

VISIBILITY = [
    # --- Staff of Sở Xây dựng: their own agency only (cross-agency isolation) -------------------
    ("sxd_staff", "user", "sxd_staff", True),
    ("sxd_staff", "user", "sxd_clerk", True),
    ("sxd_staff", "user", "sxd_leader", True),
    ("sxd_staff", "user", "stttt_staff", False),
    ("sxd_staff", "user", "province_admin", False),
    ("sxd_staff", "user", "district_staff", False),
    ("sxd_staff", "user", "ht_staff", False),
    ("sxd_staff", "user", "ht_admin", False),
    ("sxd_staff", "unit", "sxd_vp", True),
    ("sxd_staff", "unit", "sxd_khtc", True),
    ("sxd_staff", "unit", "stttt_cntt", False),
    ("sxd_staff", "unit", "district_vp", False),
    ("sxd_staff", "unit", "ht_vp", False),
    ("sxd_staff", "position", "sxd_leader", True),
    ("sxd_staff", "position", "stttt_staff", False),
    ("sxd_staff", "position", "ht_staff", False),
    ("sxd_staff", "journal", "sxd_clerk", False),  # the journal is for administrators and IT officers
    ("sxd_leader", "user", "stttt_it", False),
    ("sxd_leader", "unit", "stttt_cntt", False),
    ("sxd_unit_leader", "user", "sxd_clerk", True),
    ("sxd_unit_leader", "user", "stttt_staff", False),
    ("sxd_clerk", "journal", "sxd_staff", False),
    # --- Staff of Sở TT&TT do not see Sở Xây dựng ------------------------------------------------
    ("stttt_staff", "user", "province_admin", True),  # same agency as the province admin's post
    ("stttt_staff", "user", "sxd_staff", False),
    ("stttt_staff", "unit", "sxd_khtc", False),
    ("stttt_staff", "position", "sxd_admin", False),
    # --- An agency administrator: their agency only -----------------------------------------------
    ("sxd_admin", "user", "sxd_staff", True),
    ("sxd_admin", "user", "stttt_staff", False),
    ("sxd_admin", "user", "province_admin", False),
    ("sxd_admin", "user", "district_staff", False),
    ("sxd_admin", "user", "ht_admin", False),
    ("sxd_admin", "unit", "sxd_khtc", True),
    ("sxd_admin", "unit", "stttt_cntt", False),
    ("sxd_admin", "position", "sxd_unit_leader", True),
    ("sxd_admin", "position", "stttt_it", False),
    ("sxd_admin", "journal", "sxd_staff", True),
    ("sxd_admin", "journal", "stttt_staff", False),
    ("sxd_admin", "journal", "district_staff", False),
    ("sxd_admin", "journal", "ht_staff", False),
    # --- IT officer: the journal of their own agency ---------------------------------------------
    ("stttt_it", "journal", "stttt_staff", True),
    ("stttt_it", "journal", "sxd_staff", False),
    ("stttt_it", "journal", "ht_staff", False),
    # --- Province admin (posted at Sở TT&TT): the whole Nghệ An subtree, nothing in Hà Tĩnh --------
    ("province_admin", "user", "stttt_staff", True),
    ("province_admin", "user", "sxd_staff", True),
    ("province_admin", "user", "sxd_admin", True),
    ("province_admin", "user", "district_staff", True),
    ("province_admin", "user", "ht_staff", False),
    ("province_admin", "user", "ht_admin", False),
    ("province_admin", "unit", "sxd_khtc", True),
    ("province_admin", "unit", "stttt_cntt", True),
    ("province_admin", "unit", "district_vp", True),
    ("province_admin", "unit", "ht_vp", False),
    ("province_admin", "position", "sxd_clerk", True),
    ("province_admin", "position", "district_staff", True),
    ("province_admin", "position", "ht_staff", False),
    ("province_admin", "journal", "sxd_staff", True),
    ("province_admin", "journal", "district_staff", True),
    ("province_admin", "journal", "ht_staff", False),
    # --- Hà Tĩnh's province admin cannot see Nghệ An ----------------------------------------------
    ("ht_admin", "user", "ht_staff", True),
    ("ht_admin", "user", "province_admin", False),
    ("ht_admin", "user", "sxd_staff", False),
    ("ht_admin", "user", "district_staff", False),
    ("ht_admin", "unit", "ht_vp", True),
    ("ht_admin", "unit", "sxd_vp", False),
    ("ht_admin", "position", "ht_staff", True),
    ("ht_admin", "position", "sxd_clerk", False),
    ("ht_admin", "journal", "ht_staff", True),
    ("ht_admin", "journal", "sxd_staff", False),
    ("ht_staff", "user", "province_admin", False),
    ("ht_staff", "unit", "stttt_cntt", False),
    # --- District staff: not the departments of their own province --------------------------------
    ("district_staff", "user", "sxd_staff", False),
    ("district_staff", "user", "province_admin", False),
    ("district_staff", "unit", "district_vp", True),
    ("district_staff", "unit", "sxd_vp", False),
    # --- The agency tree is the address book: everyone signed in reads all of it ------------------
    ("sxd_staff", "agency", "sxd", True),
    ("sxd_staff", "agency", "stttt", True),
    ("sxd_staff", "agency", "province", True),
    ("sxd_staff", "agency", "other_province", True),
    ("ht_staff", "agency", "sxd", True),
    ("ht_staff", "agency", "district", True),
    ("district_staff", "agency", "other_province", True),
    ("sxd_admin", "agency", "other_province", True),
]


def _row_id(row):
    return "{}-xem-{}-{}-{}".format(row[0], row[1], row[2], "co" if row[3] else "khong")


@pytest.mark.parametrize("viewer_name,kind,target,expected", VISIBILITY, ids=[_row_id(r) for r in VISIBILITY])
def test_every_channel_agrees_on_visibility(world, login, api, viewer_name, kind, target, expected):
    viewer = getattr(world, viewer_name)
    obj = resolve(world, kind, target)
    seen = channels_for(kind, viewer, obj, login(viewer), api(viewer))
    assert seen == {channel: expected for channel in seen}, (
        f"{viewer.full_name} xem {kind} {target}: mong đợi {'thấy' if expected else 'không thấy'}, thực tế {seen}"
    )


# ------------------------------------------------------------------------------------------------
# Table 2: the complete set of people and units a viewer sees, by agency (no extras slip in).
# ------------------------------------------------------------------------------------------------

NGHE_AN = {"province", "sxd", "stttt", "district"}
SCOPES = [
    # (viewer, agencies whose people and units they see)
    ("sxd_staff", {"sxd"}),
    ("sxd_clerk", {"sxd"}),
    ("sxd_admin", {"sxd"}),
    ("stttt_staff", {"stttt"}),
    ("stttt_it", {"stttt"}),
    ("district_staff", {"district"}),
    ("province_admin", NGHE_AN),
    ("ht_admin", {"other_province"}),
    ("ht_staff", {"other_province"}),
]


def _all_api_ids(client, url, key="id"):
    ids, seen_urls = set(), 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        ids |= {row[key] for row in response.data["results"]}
        url = response.data["next"]
        seen_urls += 1
        assert seen_urls < 50
    return ids


@pytest.mark.parametrize("viewer_name,agencies", SCOPES, ids=[s[0] for s in SCOPES])
def test_people_and_units_seen_are_exactly_the_scope(world, login, api, viewer_name, agencies):
    viewer = getattr(world, viewer_name)
    agency_ids = {getattr(world, a).pk for a in agencies}
    people = set(User.objects.filter(agency_id__in=agency_ids).values_list("pk", flat=True))
    units = set(Unit.objects.filter(agency_id__in=agency_ids).values_list("pk", flat=True))
    assert people and units

    assert set(visible(User, viewer).values_list("pk", flat=True)) == people
    assert set(visible(Unit, viewer).values_list("pk", flat=True)) == units
    client = api(viewer)
    assert _all_api_ids(client, "/api/v1/users/?page_size=7") == people  # small pages: the cursor too
    assert _all_api_ids(client, "/api/v1/units/?page_size=3") == units

    html = login(viewer).get("/can-bo/").content.decode()
    for person in User.objects.exclude(agency=None):
        assert (f'href="/can-bo/{person.pk}/"' in html) == (person.pk in people), person.full_name
    html = login(viewer).get("/danh-ba/don-vi/").content.decode()
    for unit in Unit.objects.all():
        assert (_unit_row(unit) in html) == (unit.pk in units), unit.name


# ------------------------------------------------------------------------------------------------
# Table 3: who may administer what (manageable() and the admin screens agree).
# ------------------------------------------------------------------------------------------------

MANAGE = [
    # (actor, kind, object, expected manageable?)
    ("sxd_admin", "agency", "sxd", True),
    ("sxd_admin", "agency", "stttt", False),
    ("sxd_admin", "agency", "province", False),
    ("sxd_admin", "agency", "district", False),
    ("sxd_admin", "agency", "other_province", False),
    ("sxd_admin", "unit", "sxd_vp", True),
    ("sxd_admin", "unit", "stttt_cntt", False),
    ("sxd_admin", "user", "sxd_staff", True),
    ("sxd_admin", "user", "stttt_staff", False),
    ("sxd_admin", "user", "province_admin", False),
    ("province_admin", "agency", "province", True),
    ("province_admin", "agency", "sxd", True),
    ("province_admin", "agency", "stttt", True),
    ("province_admin", "agency", "district", True),
    ("province_admin", "agency", "other_province", False),
    ("province_admin", "unit", "sxd_khtc", True),
    ("province_admin", "unit", "district_vp", True),
    ("province_admin", "unit", "ht_vp", False),
    ("province_admin", "user", "sxd_staff", True),
    ("province_admin", "user", "district_staff", True),
    ("province_admin", "user", "ht_staff", False),
    ("ht_admin", "agency", "other_province", True),
    ("ht_admin", "agency", "province", False),
    ("ht_admin", "agency", "sxd", False),
    ("ht_admin", "unit", "sxd_vp", False),
    ("ht_admin", "user", "province_admin", False),
    # Not administrators at all.
    ("sxd_staff", "agency", "sxd", False),
    ("sxd_leader", "agency", "sxd", False),
    ("sxd_clerk", "unit", "sxd_vp", False),
    ("sxd_unit_leader", "user", "sxd_staff", False),
    ("stttt_it", "agency", "stttt", False),
    ("stttt_it", "user", "stttt_staff", False),
]

# The admin screen for each kind: GET returns 200 when manageable, 404 otherwise.
ADMIN_SCREEN = {
    "agency": lambda o: f"/danh-ba/co-quan/{o.pk}/sua/",
    "unit": lambda o: f"/danh-ba/don-vi/{o.pk}/sua/",
    "user": lambda o: f"/danh-ba/can-bo/{o.pk}/chuc-vu/them/",
}
MODEL = {"agency": Agency, "unit": Unit, "user": User}


@pytest.mark.parametrize(
    "actor_name,kind,target,expected",
    MANAGE,
    ids=["{}-quan-tri-{}-{}-{}".format(*r[:3], "co" if r[3] else "khong") for r in MANAGE],
)
def test_manageable_and_admin_screens_agree(world, login, actor_name, kind, target, expected):
    actor = getattr(world, actor_name)
    obj = resolve(world, kind, target)
    assert manageable(MODEL[kind], actor).filter(pk=obj.pk).exists() is expected
    url = ADMIN_SCREEN[kind](obj)
    response = login(actor).get(url)
    assert response.status_code == (200 if expected else 404), (url, response.status_code)
    if expected:
        # Whatever one administers, one also sees.
        assert visible(MODEL[kind], actor).filter(pk=obj.pk).exists()


# ------------------------------------------------------------------------------------------------
# Table 4: management actions through HTML and API; refusals write nothing.
# ------------------------------------------------------------------------------------------------


def _not_auth_journal():
    return JournalEntry.objects.exclude(action__startswith="auth.").count()


def _agency_form(agency, **changes):
    data = {
        f: getattr(agency, f)
        for f in ("name", "short_name", "code", "level", "address", "phone", "fax", "email", "website")
    }
    if agency.exchange_only_with_parent:
        data["exchange_only_with_parent"] = "on"
    if agency.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return data


def _target_person_and_agency(world, target):
    """'person' or 'person@agency' (a post for that person in that agency)."""
    person_name, _, agency_name = target.partition("@")
    person = getattr(world, person_name)
    agency = getattr(world, agency_name) if agency_name else person.agency
    return person, agency


@dataclass
class Action:
    state: Callable  # (world, target) -> comparable snapshot of what the action would change
    html: Callable  # (client, world, target) -> response
    api: Callable  # (client, world, target) -> response
    html_success: tuple = (302,)  # the account form answers 200 with the one-time password page


NEW_PHONE = "0238 3555 999"


def _new_code(parent, n):
    return f"000.00.{n}.{parent.code[-3:]}"


ACTIONS = {
    "tao-don-vi": Action(
        state=lambda w, t: Unit.objects.count(),
        html=lambda c, w, t: c.post(
            f"/danh-ba/co-quan/{getattr(w, t).pk}/don-vi/them/",
            {"name": "Thanh tra Sở", "short_name": "TTRA", "is_active": "on"},
        ),
        api=lambda c, w, t: c.post(
            "/api/v1/units/", {"agency": getattr(w, t).pk, "name": "Thanh tra Sở", "short_name": "TTRA"}, format="json"
        ),
    ),
    "sua-co-quan": Action(
        state=lambda w, t: Agency.objects.get(pk=getattr(w, t).pk).phone,
        html=lambda c, w, t: c.post(
            f"/danh-ba/co-quan/{getattr(w, t).pk}/sua/", _agency_form(getattr(w, t), phone=NEW_PHONE)
        ),
        api=lambda c, w, t: c.patch(f"/api/v1/agencies/{getattr(w, t).pk}/", {"phone": NEW_PHONE}, format="json"),
    ),
    "giao-chuc-vu": Action(
        state=lambda w, t: Position.objects.count(),
        html=lambda c, w, t: c.post(
            f"/danh-ba/can-bo/{_target_person_and_agency(w, t)[0].pk}/chuc-vu/them/",
            {"agency": _target_person_and_agency(w, t)[1].pk, "title": "Tổ trưởng tổ công tác", "role": Role.STAFF},
        ),
        api=lambda c, w, t: c.post(
            "/api/v1/positions/",
            {
                "user": _target_person_and_agency(w, t)[0].pk,
                "agency": _target_person_and_agency(w, t)[1].pk,
                "title": "Tổ trưởng tổ công tác",
                "role": Role.STAFF,
                "is_primary": False,
            },
            format="json",
        ),
    ),
    "ket-thuc-chuc-vu": Action(
        state=lambda w, t: Position.objects.filter(is_active=True).count(),
        html=lambda c, w, t: c.post(f"/danh-ba/chuc-vu/{resolve(w, 'position', t).pk}/ket-thuc/"),
        api=lambda c, w, t: c.post(f"/api/v1/positions/{resolve(w, 'position', t).pk}/end/", format="json"),
    ),
    "tao-tai-khoan": Action(
        state=lambda w, t: User.objects.count(),
        html=lambda c, w, t: c.post(
            "/can-bo/tao/",
            {
                "full_name": "Trịnh Văn Quyết",
                "agency": getattr(w, t).pk,
                "role": Role.STAFF,
                "title": "Chuyên viên",
                "birth_date": "02/09/1990",
            },
        ),
        api=lambda c, w, t: c.post(
            "/api/v1/users/",
            {
                "full_name": "Trịnh Văn Quyết",
                "agency": getattr(w, t).pk,
                "role": Role.STAFF,
                "title": "Chuyên viên",
                "birth_date": "03/09/1990",
            },
            format="json",
        ),
        html_success=(200,),
    ),
    "khoa-tai-khoan": Action(
        state=lambda w, t: User.objects.get(pk=getattr(w, t).pk).status,
        html=lambda c, w, t: c.post(
            f"/can-bo/{getattr(w, t).pk}/lock/", {"reason": "compromised", "note": "Lộ mật khẩu qua thư giả mạo"}
        ),
        api=lambda c, w, t: c.post(
            f"/api/v1/users/{getattr(w, t).pk}/lock/",
            {"reason": "compromised", "note": "Lộ mật khẩu qua thư giả mạo"},
            format="json",
        ),
    ),
    "tao-co-quan": Action(
        state=lambda w, t: Agency.objects.count(),
        html=lambda c, w, t: c.post(
            "/danh-ba/co-quan/them/",
            {
                "parent": getattr(w, t).pk,
                "name": "Sở Tư pháp",
                "short_name": "STP",
                "code": _new_code(getattr(w, t), 19),
                "level": getattr(w, t).level,
                "is_active": "on",
            },
        ),
        api=lambda c, w, t: c.post(
            "/api/v1/agencies/",
            {
                "parent_id": getattr(w, t).pk,
                "name": "Sở Tư pháp",
                "short_name": "STP",
                "code": _new_code(getattr(w, t), 20),
                "level": getattr(w, t).level,
            },
            format="json",
        ),
    ),
}

WRITES = [
    # (actor, action, target, allowed?)
    # Create a unit in another agency.
    ("sxd_admin", "tao-don-vi", "sxd", True),
    ("sxd_admin", "tao-don-vi", "stttt", False),
    ("sxd_admin", "tao-don-vi", "province", False),
    ("province_admin", "tao-don-vi", "district", True),
    ("province_admin", "tao-don-vi", "other_province", False),
    ("ht_admin", "tao-don-vi", "sxd", False),
    ("sxd_staff", "tao-don-vi", "sxd", False),
    # Edit another agency.
    ("sxd_admin", "sua-co-quan", "sxd", True),
    ("sxd_admin", "sua-co-quan", "stttt", False),
    ("sxd_admin", "sua-co-quan", "province", False),
    ("province_admin", "sua-co-quan", "sxd", True),
    ("province_admin", "sua-co-quan", "other_province", False),
    ("ht_admin", "sua-co-quan", "province", False),
    ("sxd_leader", "sua-co-quan", "sxd", False),
    # Assign a position to someone in another agency, or in an agency one does not administer.
    ("sxd_admin", "giao-chuc-vu", "sxd_staff", True),
    ("sxd_admin", "giao-chuc-vu", "stttt_staff", False),
    ("sxd_admin", "giao-chuc-vu", "sxd_staff@stttt", False),
    ("sxd_admin", "giao-chuc-vu", "stttt_staff@sxd", False),
    ("province_admin", "giao-chuc-vu", "district_staff", True),
    ("province_admin", "giao-chuc-vu", "ht_staff", False),
    ("province_admin", "giao-chuc-vu", "sxd_staff@other_province", False),
    ("ht_admin", "giao-chuc-vu", "sxd_staff", False),
    ("sxd_unit_leader", "giao-chuc-vu", "sxd_staff", False),
    # End a position elsewhere.
    ("sxd_admin", "ket-thuc-chuc-vu", "sxd_clerk", True),
    ("sxd_admin", "ket-thuc-chuc-vu", "stttt_staff", False),
    ("ht_admin", "ket-thuc-chuc-vu", "district_staff", False),
    ("sxd_leader", "ket-thuc-chuc-vu", "sxd_staff", False),
    # Create an account in another agency.
    ("sxd_admin", "tao-tai-khoan", "sxd", True),
    ("sxd_admin", "tao-tai-khoan", "stttt", False),
    ("province_admin", "tao-tai-khoan", "district", True),
    ("province_admin", "tao-tai-khoan", "other_province", False),
    ("ht_admin", "tao-tai-khoan", "sxd", False),
    ("sxd_staff", "tao-tai-khoan", "sxd", False),
    # Lock an account elsewhere.
    ("sxd_admin", "khoa-tai-khoan", "sxd_staff", True),
    ("sxd_admin", "khoa-tai-khoan", "stttt_staff", False),
    ("sxd_admin", "khoa-tai-khoan", "province_admin", False),
    ("province_admin", "khoa-tai-khoan", "district_staff", True),
    ("province_admin", "khoa-tai-khoan", "ht_staff", False),
    ("ht_admin", "khoa-tai-khoan", "sxd_admin", False),
    ("sxd_staff", "khoa-tai-khoan", "sxd_clerk", False),  # visible, not administered
    # Add an agency to the tree: province admins only, inside their province.
    ("province_admin", "tao-co-quan", "province", True),
    ("province_admin", "tao-co-quan", "other_province", False),
    ("ht_admin", "tao-co-quan", "province", False),
    ("sxd_admin", "tao-co-quan", "sxd", False),
    ("sxd_staff", "tao-co-quan", "sxd", False),
]


def _write_id(row):
    return "{}-{}-{}-{}".format(row[0], row[1], row[2].replace("@", "-tai-"), "duoc" if row[3] else "bi-tu-choi")


@pytest.mark.parametrize("channel", ["html", "api"])
@pytest.mark.parametrize("actor_name,action_name,target,allowed", WRITES, ids=[_write_id(r) for r in WRITES])
def test_management_actions(world, login, api, channel, actor_name, action_name, target, allowed):
    actor = getattr(world, actor_name)
    action = ACTIONS[action_name]
    client = login(actor) if channel == "html" else api(actor)
    before, journal_before = action.state(world, target), _not_auth_journal()

    response = getattr(action, channel)(client, world, target)

    after, journal_after = action.state(world, target), _not_auth_journal()
    assert response.status_code != 500
    if allowed:
        expected_status = action.html_success if channel == "html" else (200, 201)
        assert response.status_code in expected_status, response.content.decode()[:3000]
        assert after != before
        assert journal_after > journal_before, "mọi thay đổi phải được ghi nhật ký"
        return
    # Refused: nothing written, and a clear answer.
    assert after == before, f"{actor.full_name} đã {action_name} {target} dù không có quyền"
    assert journal_after == journal_before
    if channel == "api":
        assert response.status_code in (400, 403, 404), (response.status_code, response.content[:500])
        body = response.json()
        text = str(body)
        assert any(word in text for word in ("quyền", "quản trị", "Không tìm thấy", "không hợp lệ", "Hãy chọn")), body
    else:
        assert response.status_code in (200, 403, 404), response.status_code
        html = response.content.decode()
        if response.status_code == 200:  # the form again, with the reason
            assert "alert-danger" in html or "errorlist" in html, html[:3000]
        elif response.status_code == 404:
            assert "Không tìm thấy" in html
        else:
            assert "quyền" in html or "quản trị" in html


# ------------------------------------------------------------------------------------------------
# Anonymous visitors get nothing.
# ------------------------------------------------------------------------------------------------

HTML_PAGES = [
    "/",
    "/can-bo/",
    "/can-bo/{user}/",
    "/can-bo/tao/",
    "/danh-ba/co-quan/",
    "/danh-ba/co-quan/{agency}/",
    "/danh-ba/co-quan/them/",
    "/danh-ba/co-quan/{agency}/sua/",
    "/danh-ba/don-vi/",
    "/danh-ba/don-vi/{unit}/sua/",
    "/don-vi-theo-co-quan/?agency={agency}",
    "/nhat-ky/",
    "/tai-khoan/",
]
API_URLS = [
    "/api/v1/users/",
    "/api/v1/users/{user}/",
    "/api/v1/units/",
    "/api/v1/units/{unit}/",
    "/api/v1/positions/",
    "/api/v1/positions/{position}/",
    "/api/v1/journal/",
    "/api/v1/journal/{seq}/",
    "/api/v1/agencies/",
    "/api/v1/agencies/{agency}/",
    "/api/v1/me/",
]


def _fill(url, world):
    position = Position.objects.filter(user=world.sxd_staff).first()
    return url.format(
        user=world.sxd_staff.pk,
        agency=world.sxd.pk,
        unit=world.sxd_vp.pk,
        position=position.pk,
        seq=JournalEntry.objects.order_by("seq").first().seq,
    )


@pytest.mark.parametrize("url", HTML_PAGES)
def test_anonymous_html_redirects_to_login(world, client, url):
    response = client.get(_fill(url, world))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("url", API_URLS)
@pytest.mark.parametrize("credentials", [None, "Token khong-hop-le-0123456789abcdef"], ids=["khong-token", "token-sai"])
def test_anonymous_api_refused(world, url, credentials):
    client = APIClient()
    if credentials:
        client.credentials(HTTP_AUTHORIZATION=credentials)
    response = client.get(_fill(url, world))
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"detail"}, body  # no data, only the reason
    assert any(w in body["detail"] for w in ("đăng nhập", "xác thực", "token")), body


def test_anonymous_api_writes_refused_and_nothing_written(world):
    client = APIClient()
    counts = (Agency.objects.count(), Unit.objects.count(), User.objects.count())
    for url, data in [
        (
            "/api/v1/agencies/",
            {
                "parent_id": world.province.pk,
                "name": "Sở Tư pháp",
                "short_name": "STP",
                "code": "000.00.19.H41",
                "level": 2,
            },
        ),
        ("/api/v1/units/", {"agency": world.sxd.pk, "name": "Thanh tra Sở", "short_name": "TTRA"}),
        ("/api/v1/users/", {"full_name": "Trịnh Văn Quyết", "agency": world.sxd.pk}),
    ]:
        assert client.post(url, data, format="json").status_code in (401, 403)
    assert (Agency.objects.count(), Unit.objects.count(), User.objects.count()) == counts


@pytest.mark.parametrize("model", [Agency, Unit, Position, User, JournalEntry], ids=lambda m: m.__name__)
def test_anonymous_sees_and_manages_nothing(world, model):
    assert model.objects.exists()
    assert not visible(model, AnonymousUser()).exists()
    assert not manageable(model, AnonymousUser()).exists()
    assert not visible(model, None).exists()


# ------------------------------------------------------------------------------------------------
# Every model the API exposes has a view and a manage policy.
# ------------------------------------------------------------------------------------------------


def _api_models():
    from vpdt.urls import router

    # Viewsets over model rows; non-model resources (backup archives) check their role explicitly.
    return {
        viewset.serializer_class.Meta.model
        for _prefix, viewset, _basename in router.registry
        if hasattr(getattr(viewset.serializer_class, "Meta", None), "model")
    }


def test_api_models_all_have_policies(world):
    models = _api_models()
    assert {Agency, Unit, Position, User, JournalEntry} <= models
    for model in models:
        assert authz.registered(model, "view"), f"{model.__name__} chưa có quy tắc xem"
        assert authz.registered(model, "manage"), f"{model.__name__} chưa có quy tắc quản trị"
        for person in (world.sxd_staff, world.sxd_admin, world.province_admin, world.ht_admin):
            seen = visible(model, person)
            managed = manageable(model, person)
            # A queryset that runs; what one administers one also sees.
            assert set(managed.values_list("pk", flat=True)) <= set(seen.values_list("pk", flat=True)), (
                model.__name__,
                person.full_name,
            )


def test_unregistered_model_is_refused_loudly(db):
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(LookupError, match="Chưa khai báo quy tắc phân quyền"):
        visible(ContentType, AnonymousUser())
