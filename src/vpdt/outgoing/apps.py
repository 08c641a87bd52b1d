from django.apps import AppConfig


class OutgoingConfig(AppConfig):
    name = "vpdt.outgoing"
    label = "outgoing"
    verbose_name = "Văn bản đi"

    def ready(self):
        from . import policies  # noqa: F401
