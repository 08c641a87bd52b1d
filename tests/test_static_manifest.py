"""The pages as ``make run`` serves them: static files collected with hashed names into a manifest (the tests
otherwise serve them unhashed), where naming a file that is not there is an error. Every menu page of every role,
the service worker, the web app manifest and the offline page answer, and every static address they name was
collected."""

import re

import pytest
from django.core.management import call_command

from tests.test_menu import ROLES, _menu_links

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    from django.conf import settings
    from django.test import override_settings

    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--noinput", "-v0")
    return root, storages


@pytest.fixture
def hashed(collected, settings):
    settings.STATIC_ROOT, settings.STORAGES = collected
    return collected[0]


def _static_addresses(text: str) -> set[str]:
    return set(re.findall(r"/static/[^\"'\s)<>]+", text))


def _all_collected(root, text: str) -> list[str]:
    return [a for a in _static_addresses(text) if not (root / a.removeprefix("/static/").split("?")[0]).is_file()]


def test_the_shell_files_answer_with_hashed_names(client, hashed):
    for url in ("/dang-nhap/", "/sw.js", "/manifest.webmanifest", "/ngoai-tuyen/"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert _static_addresses(text), url
        assert not _all_collected(hashed, text), url
    assert '"/static/"' in client.get("/sw.js").content.decode()  # the prefix of what the worker caches


@pytest.mark.parametrize("who", ROLES)
def test_every_menu_page_names_only_collected_files(org, login, hashed, who):
    client = login(getattr(org, who))
    home = client.get("/")
    assert home.status_code == 200
    broken = []
    for link in ["/", *_menu_links(home.content.decode())]:
        response = client.get(link)
        assert response.status_code < 400, (link, response.status_code)
        if response.headers.get("Content-Type", "").startswith("text/html"):
            broken += [(link, a) for a in _all_collected(hashed, response.content.decode())]
    assert not broken, broken
