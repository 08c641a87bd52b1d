from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "vpdt.journal"
    label = "journal"
    verbose_name = "Nhật ký hệ thống"

    def ready(self):
        from . import policies  # noqa: F401
