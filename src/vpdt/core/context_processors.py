from django.conf import settings

from vpdt import __version__


def site(request):
    user = getattr(request, "user", None)
    scope = None
    if user is not None and user.is_authenticated:
        from vpdt.core.authz import scope_of

        scope = scope_of(user)
    return {"VPDT_VERSION": __version__, "vpdt_scope": scope, "VPDT_PRODUCTION": settings.PRODUCTION}
