"""Dates are accepted only in ASCII digits and within 01/01/1945 to ten years from today, with a clear
Vietnamese message, on every path where a date comes in: forms, filter forms and query strings of the screens,
export periods, API bodies and API query parameters. Never a 500 (01/01/0001 or 31/12/9999 used to pass parsing
and break time-zone conversions and exports), never a Unicode digit read as a number."""

import datetime as dt

import pytest
from django import forms
from django.utils import timezone
from freezegun import freeze_time
from rest_framework import serializers

from tests.test_bad_input import all_messages, looks_vietnamese
from tests.test_incoming_api import fields as incoming_fields
from tests.test_incoming_api import payload as incoming_payload
from tests.test_incoming_views import form_data as incoming_form
from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core import dates
from vpdt.delegation.models import Delegation
from vpdt.directory.models import Position, Role
from vpdt.incoming import services as incoming
from vpdt.incoming.models import IncomingDocument
from vpdt.outgoing.models import OutgoingDocument


def far_future() -> str:
    return (timezone.localdate() + dt.timedelta(days=366 * 10 + 5)).strftime("%d/%m/%Y")


BAD_DAYS = [
    "31/12/9999",
    "01/01/0001",
    "31/12/1944",
    "３１/１２/２０２６",
    "٣١/١٢/٢٠٢٦",
    "15/01/２０２６",
    far_future(),
]
BAD_ISO = ["9999-12-31", "0001-01-01", "２０２６-１２-３１", "1944-12-31"]
BAD_MOMENTS = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-14:00",
    "２０２６-１２-０１T08:00:00Z",
    "1900-01-01T00:00:00+07:00",
]


# --- The one implementation --------------------------------------------------------------------------------------


@freeze_time("2026-02-28 10:00:00")
def test_range_and_parse():
    assert dates.latest() == dt.date(2036, 2, 28)
    assert dates.range_message() == "Ngày phải trong khoảng từ 01/01/1945 đến 28/02/2036."
    assert dates.parse_date(" 01/01/1945 ") == dt.date(1945, 1, 1)
    assert dates.parse_date("2036-02-28") == dt.date(2036, 2, 28)
    assert dates.parse_date("") is None and dates.parse_date(None) is None
    for text, code in (
        ("31/12/1944", "date_range"),
        ("30/02/2036", "invalid"),
        ("29/02/2036", "date_range"),
        ("01/03/2036", "date_range"),
        ("３１/１２/２０２６", "invalid"),
        ("31/02/2026", "invalid"),
        ("hôm qua", "invalid"),
    ):
        with pytest.raises(dates.DateInputError) as err:
            dates.parse_date(text)
        assert err.value.code == code and looks_vietnamese(str(err.value)), text


@freeze_time("2028-02-29 10:00:00")
def test_latest_on_a_leap_day():
    assert dates.latest() == dt.date(2038, 2, 28)


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_and_serializer_date_input_is_the_core_one():
    """A new form or request serializer with a plain DateField would bring back the 500s: every date input of
    vpdt's forms and of the serializers the API reads bodies with is one of vpdt.core.dates' fields."""
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    checked = 0
    for form in _all_subclasses(forms.BaseForm):
        if not form.__module__.startswith("vpdt."):
            continue
        for name, field in form.base_fields.items():
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                checked += 1
                assert isinstance(field, dates.DateField), f"{form.__module__}.{form.__name__}.{name}"
    for serializer in _all_subclasses(serializers.Serializer):
        base = serializer.__name__.removesuffix("Serializer")
        if not (
            serializer.__module__.startswith("vpdt.") and {f"{base}Request", f"Patched{base}Request"} & set(components)
        ):
            continue  # not a request body
        for name, field in serializer().fields.items():
            if isinstance(field, (serializers.DateField, serializers.DateTimeField)) and not field.read_only:
                checked += 1
                assert isinstance(field, (dates.ApiDateField, dates.ApiDateTimeField)), (
                    f"{serializer.__module__}.{serializer.__name__}.{name}"
                )
    assert checked >= 25


# --- Screens: forms and filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,param,who",
    [
        ("/nhat-ky/", "date_from", "province_admin"),
        ("/nhat-ky/", "date_to", "province_admin"),
        ("/van-ban-den/", "date_from", "sxd_clerk"),
        ("/van-ban-den/", "date_to", "sxd_clerk"),
        ("/van-ban-di/so-van-ban-di/", "date_from", "sxd_clerk"),
        ("/tim-kiem/", "date_from", "sxd_clerk"),
        ("/tim-kiem/", "date_to", "sxd_staff"),
    ],
)
def test_screen_filters_explain_bad_dates(org, login, url, param, who):
    client = login(getattr(org, who))
    for value in BAD_DAYS:
        response = client.get(url, {param: value})
        assert response.status_code == 200, value
        html = response.content.decode()
        assert "không hợp lệ" in html or dates.range_message() in html, (value, html[:500])


@pytest.mark.parametrize(
    "path", ["/so-den/{register}/xuat.xlsx", "/so-theo-doi/{register}/xuat.pdf", "/van-ban-di/so-van-ban-di/xuat.xlsx"]
)
@pytest.mark.parametrize("param", ["date_from", "date_to"])
def test_export_periods_refuse_bad_dates(org, login, path, param):
    url = path.format(register=incoming.default_register(org.sxd).pk)
    client = login(org.sxd_clerk)
    for value in BAD_DAYS:
        response = client.get(url, {param: value})
        assert response.status_code == 400, value
        html = response.content.decode()
        assert "Yêu cầu không hợp lệ" in html and ("không hợp lệ" in html or "1945" in html), (value, html[:2000])


@pytest.mark.parametrize("value", BAD_DAYS)
def test_screen_forms_refuse_bad_dates(org, login, value):
    before = (
        IncomingDocument.objects.count(),
        Delegation.objects.count(),
        User.objects.count(),
        OutgoingDocument.objects.count(),
    )
    cases = [
        ("sxd_clerk", "/van-ban-den/vao-so/", incoming_form(org, issued_date=value)),
        ("sxd_clerk", "/van-ban-den/vao-so/", incoming_form(org, due_date=value)),
        (
            "sxd_leader",
            "/uy-quyen/them/",
            {
                "delegate": org.sxd_unit_leader.pk,
                "scope": "incoming",
                "starts_on": value,
                "ends_on": "31/12/2026",
                "reason": "Nghỉ phép",
            },
        ),
        (
            "sxd_admin",
            "/can-bo/tao/",
            {"full_name": "Bùi Thị Thanh Tâm", "agency": org.sxd.pk, "role": Role.STAFF, "birth_date": value},
        ),
        (
            "sxd_staff",
            "/van-ban-di/soan-thao/",
            {
                "doc_type": DocumentType.objects.get(name="Công văn").pk,
                "subject": "V/v báo cáo tiến độ",
                "text": "Kính gửi: Sở",
                "signer": org.sxd_leader.pk,
                "urgency": "0",
                "due_date": value,
            },
        ),
    ]
    for who, url, data in cases:
        response = login(getattr(org, who)).post(url, data)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        assert '<ul class="errorlist' in html, url
        assert "không hợp lệ" in html or "Nhập một ngày hợp lệ." in html or "1945" in html, url
    assert (
        IncomingDocument.objects.count(),
        Delegation.objects.count(),
        User.objects.count(),
        OutgoingDocument.objects.count(),
    ) == before


def test_screen_forms_still_take_good_dates(org, login):
    response = login(org.sxd_admin).post(
        "/can-bo/tao/",
        {"full_name": "Bùi Thị Thanh Tâm", "agency": org.sxd.pk, "role": Role.STAFF, "birth_date": "01/01/1945"},
    )
    assert response.status_code == 200
    assert User.objects.get(full_name="Bùi Thị Thanh Tâm").birth_date == dt.date(1945, 1, 1)
    day = timezone.localdate().strftime("%d/%m/%Y")
    register = incoming.default_register(org.sxd)
    response = login(org.sxd_clerk).get(f"/so-den/{register.pk}/xuat.xlsx", {"date_from": day, "date_to": day})
    assert response.status_code == 200


# --- API: bodies and query parameters ----------------------------------------------------------------------------


def _api_refuses(response, field=None):
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    if field:
        assert field in body, body
    assert all(looks_vietnamese(m) or "dd/mm/yyyy" in m for m in all_messages(body)), body


@pytest.mark.parametrize(
    "url,param,who",
    [
        ("/api/v1/journal/", "date_from", "province_admin"),
        ("/api/v1/journal/", "date_to", "province_admin"),
        ("/api/v1/incoming-documents/", "date_from", "sxd_clerk"),
        ("/api/v1/incoming-documents/", "date_to", "sxd_clerk"),
        ("/api/v1/search/", "date_from", "sxd_staff"),
        ("/api/v1/search/", "date_to", "sxd_staff"),
    ],
)
def test_api_query_dates(org, api, url, param, who):
    client = api(getattr(org, who))
    for value in BAD_DAYS + BAD_ISO:
        _api_refuses(client.get(url, {param: value}))


@pytest.mark.parametrize("value", BAD_DAYS + BAD_ISO)
def test_api_body_dates(org, api, value):
    before = (
        IncomingDocument.objects.count(),
        Delegation.objects.count(),
        User.objects.count(),
        Position.objects.count(),
        OutgoingDocument.objects.count(),
    )
    clerk = api(org.sxd_clerk)
    _api_refuses(
        clerk.post("/api/v1/incoming-documents/", incoming_payload(issued_date=value), format="json"), "issued_date"
    )
    _api_refuses(clerk.post("/api/v1/incoming-documents/", incoming_payload(due_date=value), format="json"), "due_date")
    _api_refuses(
        api(org.sxd_leader).post(
            "/api/v1/delegations/",
            {
                "delegate": org.sxd_unit_leader.pk,
                "delegation_scope": "incoming",
                "starts_on": value,
                "ends_on": "31/12/2026",
                "reason": "Đi học bồi dưỡng",
            },
            format="json",
        ),
        "starts_on",
    )
    admin = api(org.sxd_admin)
    _api_refuses(
        admin.post(
            "/api/v1/users/",
            {"full_name": "Bùi Thị Thanh Tâm", "agency": org.sxd.pk, "birth_date": value},
            format="json",
        ),
        "birth_date",
    )
    _api_refuses(
        admin.post(
            "/api/v1/positions/",
            {
                "user": org.sxd_staff.pk,
                "agency": org.sxd.pk,
                "title": "Chuyên viên",
                "role": Role.STAFF,
                "is_primary": False,
                "started_on": value,
            },
            format="json",
        ),
        "started_on",
    )
    _api_refuses(
        api(org.sxd_staff).post(
            "/api/v1/outgoing-documents/",
            {
                "doc_type": DocumentType.objects.get(name="Công văn").pk,
                "subject": "V/v báo cáo tiến độ",
                "text": "Kính gửi: Sở",
                "signer": org.sxd_leader.pk,
                "due_date": value,
            },
            format="json",
        ),
        "due_date",
    )
    assert (
        IncomingDocument.objects.count(),
        Delegation.objects.count(),
        User.objects.count(),
        Position.objects.count(),
        OutgoingDocument.objects.count(),
    ) == before


def test_direction_deadline(org, api, login):
    """The leader's direction (screen and API) and its per-target deadlines."""
    document = incoming.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **incoming_fields(urgency=Urgency.FLASH)
    ).document
    leader_api, web = api(org.sxd_leader), login(org.sxd_leader)
    direction = "Phòng Kế hoạch - Tài chính chủ trì, báo cáo trước hạn."
    for value in BAD_DAYS + BAD_ISO:
        _api_refuses(
            leader_api.post(
                f"/api/v1/incoming-documents/{document.pk}/direct/",
                {"direction": direction, "deadline": value, "targets": [{"role": "lead", "unit": org.sxd_khtc.pk}]},
                format="json",
            ),
            "deadline",
        )
        _api_refuses(
            leader_api.post(
                f"/api/v1/incoming-documents/{document.pk}/direct/",
                {"direction": direction, "targets": [{"role": "lead", "unit": org.sxd_khtc.pk, "deadline": value}]},
                format="json",
            ),
            "targets",
        )
        response = web.post(
            f"/van-ban-den/{document.pk}/chi-dao/",
            {"direction": direction, "deadline": value, "lead": [f"u{org.sxd_khtc.pk}"]},
            follow=True,
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Ngày không hợp lệ (định dạng dd/mm/yyyy)." in html or dates.range_message() in html, value
    document.refresh_from_db()
    assert document.directed_at is None and not document.assignments.exists()


def test_api_arrival_moment(org, api):
    client = api(org.sxd_clerk)
    for value in BAD_MOMENTS:
        _api_refuses(
            client.post("/api/v1/incoming-documents/", incoming_payload(arrival_date=value), format="json"),
            "arrival_date",
        )
    assert not IncomingDocument.objects.exists()


def test_api_arrival_moment_still_taken(org, api):
    moment = (timezone.now() - dt.timedelta(hours=2)).replace(microsecond=0)
    response = api(org.sxd_clerk).post(
        "/api/v1/incoming-documents/", incoming_payload(arrival_date=moment.isoformat()), format="json"
    )
    assert response.status_code == 201, response.content
    assert IncomingDocument.objects.get().arrival_date == moment
