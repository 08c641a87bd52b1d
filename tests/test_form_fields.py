"""Form fields people expect: dates with a Vietnamese calendar (dd/mm/yyyy), searchable selects, and suggestions
for the issuing agency from the directory and the agency's own past registrations (never another agency's)."""

import datetime as dt

from django import forms
from django.test import Client

from tests.conftest import make_person
from tests.test_search import register
from vpdt.core.widgets import SEARCHABLE_FROM, DateInput, QuickSelect
from vpdt.directory.models import Role
from vpdt.incoming import queries


def test_dates_are_typed_dd_mm_yyyy_with_a_calendar():
    html = DateInput().render("issued_date", dt.date(2026, 12, 7))
    assert 'value="07/12/2026"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert "data-datepicker" in html and 'inputmode="numeric"' in html


def test_only_long_selects_get_a_search_box():
    short = QuickSelect(choices=[(i, f"Lựa chọn {i}") for i in range(SEARCHABLE_FROM)]).render("x", None)
    long = QuickSelect(choices=[(i, f"Lựa chọn {i}") for i in range(SEARCHABLE_FROM + 1)]).render("x", None)
    grouped = QuickSelect(choices=[("Nhóm", [(i, str(i)) for i in range(SEARCHABLE_FROM + 1)])]).render("x", None)
    assert "data-searchable" not in short
    assert "data-searchable" in long and "data-searchable" in grouped


def test_every_form_date_field_uses_the_calendar(org):
    from vpdt.delegation.forms import DelegationForm
    from vpdt.incoming.forms import RegistrationForm
    from vpdt.search.forms import SearchForm

    for form in (RegistrationForm(org.sxd_clerk), DelegationForm(org.sxd_leader), SearchForm(org.sxd_leader)):
        dates = [f for f in form.fields.values() if isinstance(f, forms.DateField)]
        assert dates, type(form).__name__
        assert all(isinstance(f.widget, DateInput) for f in dates), type(form).__name__


def test_issuer_suggestions_ignore_diacritics_and_rank_the_directory_first(org):
    register(org, issuer_name="Sở Tài chính tỉnh Nghệ An", issuer_code="000.00.12.H41")
    register(org, issuer_name="Công ty Điện lực Nghệ An", issuer_code="")
    found = queries.issuer_suggestions(org.sxd_clerk, "nghe an")
    names = [s["name"] for s in found]
    sources = [s["source"] for s in found]
    assert sources == sorted(sources, key=lambda source: source != "directory")  # the directory first
    assert "Ủy ban nhân dân tỉnh Nghệ An" in names and len(names) == len(set(names))
    assert {"Sở Tài chính tỉnh Nghệ An", "Công ty Điện lực Nghệ An", "Sở Xây dựng tỉnh Nghệ An"} <= set(names)
    sotc = next(s for s in found if s["name"] == "Sở Tài chính tỉnh Nghệ An")
    assert sotc["code"] == "000.00.12.H41" and sotc["source"] == "past"
    assert sotc["label"] == "Sở Tài chính tỉnh Nghệ An (000.00.12.H41)"
    assert next(s for s in found if s["name"] == "Sở Xây dựng tỉnh Nghệ An")["source"] == "directory"
    starting = [s["name"] for s in queries.issuer_suggestions(org.sxd_clerk, "SO TAI")]
    assert starting == ["Sở Tài chính tỉnh Nghệ An"]
    assert queries.issuer_suggestions(org.sxd_clerk, "s") == []
    assert queries.issuer_suggestions(org.sxd_clerk, "   ") == []


def test_another_agencys_registrations_are_never_suggested(org):
    register(org, issuer_name="Hội Nông dân xã Nghi Phong", issuer_code="")
    stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    assert queries.issuer_suggestions(stttt_clerk, "nong dan") == []
    assert [s["name"] for s in queries.issuer_suggestions(org.sxd_clerk, "nong dan")] == ["Hội Nông dân xã Nghi Phong"]


def test_the_suggestion_address_answers_json_to_people_only(org):
    client = Client()
    client.force_login(org.sxd_clerk)
    answer = client.get("/van-ban-den/goi-y-co-quan-ban-hanh/", {"q": "xây dựng"})
    assert answer.status_code == 200
    assert [s["name"] for s in answer.json()["results"]] == ["Sở Xây dựng tỉnh Nghệ An"]
    assert client.get("/van-ban-den/goi-y-co-quan-ban-hanh/", {"q": "z" * 5000}).json() == {"results": []}
    assert client.get("/van-ban-den/goi-y-co-quan-ban-hanh/", {"q": "\x00xây"}).status_code == 400
    assert Client().get("/van-ban-den/goi-y-co-quan-ban-hanh/", {"q": "xây"}).status_code == 302

    form = client.get("/van-ban-den/vao-so/").content.decode()
    assert 'data-suggest-url="/van-ban-den/goi-y-co-quan-ban-hanh/"' in form
    assert 'data-suggest-fill="code:issuer_code"' in form
