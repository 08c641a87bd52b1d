"""Server errors found by the schemathesis run (tests/test_schemathesis.py), each fixed and kept here as a plain
regression test: the API answers such input with a 4xx and a Vietnamese message."""

import pytest

from tests.test_bad_input import all_messages, looks_vietnamese
from vpdt.dossiers.models import Dossier

REQUIRED = "Trường này là bắt buộc."


@pytest.mark.parametrize(
    "body,kind", [({}, "json"), ({}, "multipart"), ({"year": 2026, "language": "Tiếng Việt"}, "json")]
)
def test_dossier_create_without_title(org, api, body, kind):
    response = api(org.sxd_staff).post("/api/v1/dossiers/", body, format=kind)
    assert response.status_code == 400, response.content
    assert response.json() == {"title": [REQUIRED]}
    assert not Dossier.objects.exists()


def test_dossier_patch_still_takes_any_subset(org, api):
    client = api(org.sxd_staff)
    created = client.post("/api/v1/dossiers/", {"title": "Hồ sơ kế hoạch đầu tư công năm 2027"}, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/dossiers/{created.json()['id']}/"
    response = client.patch(url, {"description": "Theo dõi giải ngân"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Hồ sơ kế hoạch đầu tư công năm 2027"
    response = client.patch(url, {"title": ""}, format="json")
    assert response.status_code == 400
    assert all(looks_vietnamese(m) for m in all_messages(response.json()))
