"""Control characters (ESC, BEL, NUL, C1, lone surrogates) are removed where text comes in (forms, query strings,
API bodies in JSON, form and multipart, uploaded file names) and where it goes out (XLSX, PDF, XML): one subject
with an ESC in it must never break a whole register export."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from tests.test_incoming_api import DOCS, PDF, fields, payload
from tests.test_incoming_views import form_data
from vpdt.core import parsers as core_parsers
from vpdt.core.pdf import build, styles
from vpdt.core.registers import register_table, register_xlsx, title_block
from vpdt.core.text import clean_querydict, clean_text, clean_value
from vpdt.dossiers import services as dossier_services
from vpdt.dossiers.models import Dossier
from vpdt.incoming import services
from vpdt.incoming.models import IncomingDocument

DIRTY = "V/v\x1b triển khai\x07 kế hoạch cải cách hành chính năm 2027"
CLEAN = "V/v triển khai kế hoạch cải cách hành chính năm 2027"


# --- The one implementation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Sở Xây dựng\x1b[31m", "Sở Xây dựng[31m"),
        ("Chuông\x07", "Chuông"),
        ("a\x00b\x08c\x0bd\x0ce\x0ef\x1fg", "abcdefg"),
        ("xóa\x7f", "xóa"),
        ("C1:\x80\x85\x9f.", "C1:."),
        ("lẻ\ud800\udfff", "lẻ"),
        ("Tab\tvà\ndòng\r\nmới", "Tab\tvà\ndòng\r\nmới"),
        ("Đắk Lắk — “ngoặc” … ½ ² ₫ 😀 \u200b\u00a0", "Đắk Lắk — “ngoặc” … ½ ² ₫ 😀 \u200b\u00a0"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_clean_value_keeps_shape_and_other_types():
    data = {"tiêu\x1bđề": ["a\x07", {"b": "c\x00", "n": 3, "f": 1.5, "x": None, "t": True}], "k": "ok"}
    assert clean_value(data) == {"tiêuđề": ["a", {"b": "c", "n": 3, "f": 1.5, "x": None, "t": True}], "k": "ok"}
    assert data["k"] == "ok" and data["tiêu\x1bđề"][0] == "a\x07"  # a copy: the original is left alone
    deep = current = []
    for _ in range(50_000):  # far deeper than Python's recursion limit
        current.append([])
        current = current[0]
    current.append("\x1bđáy")
    cleaned = clean_value(deep)
    for _ in range(50_000):
        cleaned = cleaned[0]
    assert cleaned == ["đáy"]


def test_clean_querydict():
    from django.http import QueryDict

    query = QueryDict("q=Nguy%1B%E1%BB%85n&q=V%C4%83n%07&a%00b=1")
    cleaned = clean_querydict(query)
    assert cleaned.getlist("q") == ["Nguyễn", "Văn"] and cleaned["ab"] == "1"
    assert not cleaned._mutable
    untouched = QueryDict("q=Nguyễn")
    assert clean_querydict(untouched) is untouched


def test_every_api_view_parses_through_the_cleaning_parsers():
    """A view that lists its own parsers must use the core ones (or a subclass), else its input is not cleaned."""
    from rest_framework.views import APIView

    cleaning = (core_parsers.JSONParser, core_parsers.FormParser, core_parsers.MultiPartParser)
    seen = 0

    def walk(patterns):
        nonlocal seen
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "cls", None)
            if view is None or not issubclass(view, APIView):
                continue
            seen += 1
            for parser in view.parser_classes:
                assert issubclass(parser, cleaning), (pattern.pattern, parser)

    walk(get_resolver().url_patterns)
    assert seen > 50


# --- In: forms, query strings, API bodies, file names -------------------------------------------------------------


def test_form_registration_stores_clean_subject_and_file_name(org, login):
    c = login(org.sxd_clerk)
    upload = SimpleUploadedFile("cong\x1bvan\x07.pdf", PDF, content_type="application/pdf")
    response = c.post(
        "/van-ban-den/vao-so/", {**form_data(org, subject=DIRTY, signer_name="Nguyễn\x00 Đức Trung"), "files": [upload]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    document = IncomingDocument.objects.get()
    assert document.subject == CLEAN
    assert document.signer_name == "Nguyễn Đức Trung"
    assert [a.file.original_name for a in document.attachments.select_related("file")] == ["congvan.pdf"]


def test_query_string_is_cleaned_before_the_view(org, login):
    page = login(org.sxd_admin).get("/can-bo/", {"q": "Lê Thị\x1b Hồng"}).content.decode()
    assert "Lê Thị Hồng" in page and "\x1b" not in page


@pytest.mark.parametrize("kind", ["json", "multipart"])
def test_api_registration_stores_clean_text(org, api, kind):
    data = payload(subject=DIRTY, description="Ghi chú\x9b dài\udc00")
    client = api(org.sxd_clerk)
    if kind == "multipart":
        data["description"] = "Ghi chú\x9b dài"  # a lone surrogate cannot even be encoded in a multipart body
        data["files"] = [SimpleUploadedFile("phu\x1b-luc.pdf", PDF, content_type="application/pdf")]
        response = client.post(DOCS, data, format="multipart")
    else:  # JSON escapes ("\\u001b", "\\udc00") decode to the characters themselves
        response = client.post(DOCS, json.dumps(data), content_type="application/json")
    assert response.status_code == 201, response.content
    document = IncomingDocument.objects.get()
    assert (document.subject, document.description) == (CLEAN, "Ghi chú dài")
    if kind == "multipart":
        assert response.json()["attachments"][0]["name"] == "phu-luc.pdf"


def test_api_patch_in_form_encoding_is_cleaned(org, api):
    """PATCH bodies are not parsed by Django (only POST): the API's own form parser cleans them."""
    client = api(org.sxd_admin)
    response = client.patch(
        f"/api/v1/units/{org.sxd_vp.pk}/",
        "name=V%C4%83n%1B ph%C3%B2ng S%E1%BB%9F%07",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Văn phòng Sở"


# --- Out: what is already in the database still exports ------------------------------------------------------------


@pytest.fixture
def dirty_document(org):
    """A received document whose subject got control characters without passing the boundary (an old row)."""
    document = services.register_document(org.sxd_clerk, agency=org.sxd, **fields()).document
    IncomingDocument.objects.filter(pk=document.pk).update(
        subject=DIRTY, issuer_name="Bộ Xây\x1b dựng", description="Kèm\x0c phụ lục\x1f"
    )  # PostgreSQL refuses NUL
    assert IncomingDocument.objects.get(pk=document.pk).subject == DIRTY
    return IncomingDocument.objects.get(pk=document.pk)


@pytest.mark.parametrize("path", ["so-den", "so-theo-doi"])
def test_register_xlsx_exports_a_dirty_row(org, login, dirty_document, path):
    response = login(org.sxd_clerk).get(f"/{path}/{dirty_document.register_id}/xuat.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [str(cell.value) for row in sheet.iter_rows(min_row=6) for cell in row if cell.value is not None]
    assert any("Bộ Xây dựng" in text for text in texts), texts
    assert path == "so-theo-doi" or any(CLEAN in text for text in texts), texts
    assert not any(ch in text for text in texts for ch in "\x1b\x07\x0c\x1f")


def test_register_pdf_exports_a_dirty_row(org, login, dirty_document):
    response = login(org.sxd_clerk).get(f"/so-den/{dirty_document.register_id}/xuat.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "\x1b" not in text and "Bộ Xây dựng" in text


def test_register_builders_clean_every_cell():
    """The shared register builders (incoming and outgoing registers) clean titles and cells."""
    xlsx = register_xlsx(
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
        ["Số", "Trích yếu"],
        [10, 40],
        [[1, "Trích yếu\x1b\x07"]],
        agency="Sở\x1b Xây dựng",
        register="Sổ\x00 đi",
        date_from=None,
        date_to=None,
        date_columns=set(),
        sheet_title="So di",
    )
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert (sheet["A1"].value, sheet["A3"].value, sheet["B6"].value) == ("SỞ XÂY DỰNG", "Sổ đi", "Trích yếu")
    st = styles()
    story = title_block(
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI", agency="Sở\x1b Xây dựng", register="", date_from=None, date_to=None, styles=st
    )
    story.append(register_table(["Số", "Trích yếu"], [40, 200], [[1, "Trích yếu\x1b\x07"]], st, centered={0}))
    pdf = build(story, pagesize=A4, title="Sổ\x1b đi", footer="Sổ đi\x07")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "SỞ XÂY DỰNG" in text and "Trích yếu" in text and "\x1b" not in text


def test_dossier_exports_a_dirty_row(org, login, dirty_document):
    dossier = dossier_services.create_dossier(org.sxd_clerk, title="Hồ sơ cải cách hành chính năm 2027")
    Dossier.objects.filter(pk=dossier.pk).update(title="Hồ sơ\x1b cải cách\x07", description="Chú\x1f giải")
    c = login(org.sxd_clerk)
    response = c.get(f"/ho-so/{dossier.pk}/xuat.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert root.findtext("{*}Title") == "Hồ sơ cải cách"
    response = c.get(f"/ho-so/{dossier.pk}/xuat.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    response = c.get(f"/ho-so/danh-muc/{dossier.file_list.year}.xlsx")
    assert response.status_code == 200
    values = [c.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    assert "Hồ sơ cải cách" in values and "Chú giải" in values
