"""Security headers: the Content-Security-Policy (django-csp, CONTENT_SECURITY_POLICY in settings) and a
Permissions-Policy, which Django itself does not send."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware; the signing page's script also talks to the local signing service (USB token) at
    VPDT_LOCAL_SIGNER_URL, so its origin is allowed in connect-src, read at each request."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        signer = urlsplit(settings.VPDT_LOCAL_SIGNER_URL)
        if not report_only and signer.scheme and signer.netloc:
            parts.update = {**(parts.update or {}), "connect-src": [f"{signer.scheme}://{signer.netloc}"]}
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
