from django.apps import AppConfig


class IncomingConfig(AppConfig):
    name = "vpdt.incoming"
    label = "incoming"
    verbose_name = "Văn bản đến"

    def ready(self):
        from vpdt.notifications import links

        from . import dashboard, policies, sources  # noqa: F401
        from .models import IncomingDocument

        links.register(IncomingDocument, "incoming:detail")
        sources.register()
        dashboard.register()
