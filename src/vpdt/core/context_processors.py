from django.conf import settings
from django.utils.functional import SimpleLazyObject

from vpdt import __version__


def site(request):
    user = getattr(request, "user", None)
    scope = menu = banners = None
    live = ""
    if user is not None and user.is_authenticated:
        from vpdt.core import banners as shown
        from vpdt.core import menu as menus
        from vpdt.core import realtime
        from vpdt.core.authz import scope_of

        live = realtime.url_for(request)

        scope = SimpleLazyObject(lambda: scope_of(user))  # a fragment that does not read it builds nothing
        menu = SimpleLazyObject(lambda: menus.menu_for(request))  # read only by a page that shows the menu
        banners = SimpleLazyObject(lambda: shown.for_request(request))
    return {
        "VPDT_VERSION": __version__,
        "vpdt_scope": scope,
        "vpdt_menu": menu,
        "vpdt_banners": banners,
        "VPDT_PRODUCTION": settings.PRODUCTION,
        "VPDT_LIVE_URL": live,
    }
