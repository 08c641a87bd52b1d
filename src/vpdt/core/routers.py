"""The API router: object ids in paths are ASCII digits.

DRF's default lookup pattern takes anything up to the next "/" and hands it to the database lookup, where "١٢"
or "１２" is read as 12 (another object than the one named in the address). Such a path matches no route and is a
404 (JSON, see ``vpdt.core.views.page_not_found``); a viewset with other keys sets ``lookup_value_regex``.
"""

from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        value = getattr(viewset, "lookup_value_regex", "[0-9]+")
        return f"(?P<{lookup_prefix}{kwarg}>{value})"
