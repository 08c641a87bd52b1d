"""A file sent under a name Django's parser would drop ("..", ".", "/", "thu-muc/") is refused with a clear
Vietnamese message and nothing is written: before, the document was registered without its file."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tests.test_incoming_api import payload
from tests.test_incoming_services import PDF
from tests.test_incoming_views import form_data
from vpdt.digitize.models import Digitization
from vpdt.incoming.models import IncomingDocument
from vpdt.storage.models import StoredFile
from vpdt.storage.uploads import UNNAMED_MESSAGE

BOUNDARY = "ranh-gioi-vpdt-2026"
BAD_NAMES = ["..", ".", "/", "thu-muc/", "&#46;&#46;"]


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart body as a hand-written client sends it (Django's test client cannot send such names)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    for field, name, data in files:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={BOUNDARY}"


def _nothing_written():
    return not IncomingDocument.objects.exists() and not StoredFile.objects.exists()


@pytest.mark.parametrize("name", BAD_NAMES)
def test_registration_form_refuses_a_file_without_a_usable_name(org, login, name):
    clerk = login(org.sxd_clerk)
    body, content_type = multipart(form_data(org), [("files", "cong-van.pdf", PDF), ("files", name, PDF)])
    response = clerk.post("/van-ban-den/vao-so/", body, content_type=content_type)
    assert response.status_code == 200
    assert UNNAMED_MESSAGE in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert _nothing_written()


def test_registration_form_with_named_files_still_registers(org, login):
    clerk = login(org.sxd_clerk)
    body, content_type = multipart(form_data(org), [("files", "cong-van.pdf", PDF), ("files", "phu-luc.pdf", PDF)])
    response = clerk.post("/van-ban-den/vao-so/", body, content_type=content_type)
    assert response.status_code == 302
    document = IncomingDocument.objects.get()
    assert sorted(a.file.original_name for a in document.attachments.select_related("file")) == [
        "cong-van.pdf",
        "phu-luc.pdf",
    ]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_registration_api_refuses_a_file_without_a_usable_name(org, api, name):
    body, content_type = multipart(payload(), [("files", name, PDF)])
    response = api(org.sxd_clerk).post("/api/v1/incoming-documents/", body, content_type=content_type)
    assert response.status_code == 400, response.content
    assert response.json() == {"files": [UNNAMED_MESSAGE]}
    assert _nothing_written()


def test_registration_api_through_a_browser_session_refuses_it_too(org, login):
    """Session-authenticated API calls have their form parsed by Django's request (the CSRF check reads it)."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(org.sxd_clerk)
    client.get("/")  # a CSRF cookie
    body, content_type = multipart(
        {**payload(), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, [("files", "..", PDF)]
    )
    response = client.post("/api/v1/incoming-documents/", body, content_type=content_type)
    assert response.status_code == 400, response.content
    assert response.json() == {"files": [UNNAMED_MESSAGE]}
    assert _nothing_written()


def test_scan_upload_refuses_it_on_the_screen_and_in_the_api(org, login, api):
    body, content_type = multipart({}, [("files", "..", PDF)])
    response = login(org.sxd_clerk).post("/so-hoa/ban-quet/", body, content_type=content_type, follow=True)
    assert UNNAMED_MESSAGE in response.content.decode().replace("&quot;", '"')
    response = api(org.sxd_clerk).post("/api/v1/digitizations/scans/", body, content_type=content_type)
    assert response.status_code == 400 and response.json() == {"files": [UNNAMED_MESSAGE]}
    assert not Digitization.objects.exists() and not StoredFile.objects.exists()


def test_an_empty_file_input_is_still_no_file(org):
    """What a browser sends for a file input left empty (filename="", no bytes) is not a file at all."""
    client = Client()
    client.post("/dang-nhap/", {"username": org.sxd_clerk.username, "password": PASSWORD})
    body, content_type = multipart(form_data(org), [("files", "", b"")])
    response = client.post("/van-ban-den/vao-so/", body, content_type=content_type)
    assert response.status_code == 302
    assert IncomingDocument.objects.get().attachments.count() == 0
