"""vpdt as an installable web application (PWA): the web app manifest, the service worker and the page it shows
when the network is gone.

* The manifest names the application, its icons and colours, so a phone or a desktop browser offers to install it
  ("Thêm vào màn hình chính"); it opens full screen on the home page.
* The service worker (``/sw.js``, at the root so that it controls every page) keeps the application's *shell* —
  the offline page, the style sheets, scripts, fonts and icons — in the browser's cache. Pages and data are never
  cached: they are private and must be current, so they always come from the server; when the server cannot be
  reached, a page asked for is answered with the offline page ("Mất kết nối"), which tries again by itself. The
  worker also shows web push notifications (:mod:`vpdt.notifications.push`) and opens their page when tapped.
* The shell's list is built from the static files' current (hashed) names, and the cache is named after a hash of
  that list: a new release replaces the old cache.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache

SHELL = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/flatpickr/flatpickr.min.css",
    "vendor/flatpickr/flatpickr.min.js",
    "vendor/flatpickr/vn.js",
    "vendor/tom-select/tom-select.bootstrap5.min.css",
    "vendor/tom-select/tom-select.complete.min.js",
    "vpdt/vpdt.css",
    "vpdt/vpdt.js",
    "vpdt/forms.js",
    "vpdt/pwa.js",
    "vpdt/favicon.svg",
    "vpdt/icon-192.png",
]
THEME = "#a4161a"


def shell_urls() -> list[str]:
    return [reverse("offline")] + [static(path) for path in SHELL]


@cache_control(max_age=3600)
def manifest(request):
    return JsonResponse(
        {
            "name": "Văn phòng điện tử",
            "short_name": "VPĐT",
            "description": "Quản lý văn bản và điều hành: văn bản đến, văn bản đi, hồ sơ công việc.",
            "lang": "vi",
            "dir": "ltr",
            "id": "/",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f5f6f8",
            "theme_color": THEME,
            "icons": [
                {"src": static("vpdt/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("vpdt/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("vpdt/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {"src": static("vpdt/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@never_cache
def service_worker(request):
    urls = shell_urls()
    version = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:16]
    body = render(
        request,
        "core/sw.js",
        {
            "version": version,
            "shell": json.dumps(urls),
            "offline": json.dumps(reverse("offline")),
            "static_prefix": json.dumps(settings.STATIC_URL),
            "icon": json.dumps(static("vpdt/icon-192.png")),
        },
    ).content
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@cache_control(max_age=300)
def offline(request):
    """The page shown when the network is gone: the same for everyone (it is cached), so it carries no person's
    data and no form."""
    return render(request, "core/offline.html")
