from django.apps import AppConfig


class OutgoingConfig(AppConfig):
    name = "vpdt.outgoing"
    label = "outgoing"
    verbose_name = "Văn bản đi"

    def ready(self):
        from vpdt.notifications import links

        from . import dashboard, external_signing, policies, sources  # noqa: F401
        from .models import OutgoingDocument

        links.register(OutgoingDocument, "outgoing:detail")
        sources.register()
        external_signing.register()
        dashboard.register()
