"""Security headers: the Content-Security-Policy (django-csp, CONTENT_SECURITY_POLICY in settings) and a
Permissions-Policy, which Django itself does not send."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings

from . import realtime


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware; the signing page's script also talks to the local signing service (USB token) at
        VPDT_LOCAL_SIGNER_URL, so its origin is allowed in connect-src, read at each request; so is the live socket's
    (:mod:`.realtime`), on another port of the same host by default."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        signer = urlsplit(settings.VPDT_LOCAL_SIGNER_URL)
        allowed = [f"{signer.scheme}://{signer.netloc}"] if signer.scheme and signer.netloc else []
        user = getattr(request, "user", None)
        live = realtime.origin_of(realtime.url_for(request)) if user is not None and user.is_authenticated else ""
        if live:
            allowed.append(live)
        if allowed:
            parts.update = {**(parts.update or {}), "connect-src": allowed}
        return parts


class PermissionsPolicyMiddleware:
    """Browser features vpdt never uses are switched off for its pages (and anything they might embed)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.VPDT_PERMISSIONS_POLICY_OFF)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response
