from django.apps import AppConfig


class IncomingConfig(AppConfig):
    name = "vpdt.incoming"
    label = "incoming"
    verbose_name = "Văn bản đến"

    def ready(self):
        from . import policies  # noqa: F401
