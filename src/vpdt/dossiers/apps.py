from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "vpdt.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ công việc"

    def ready(self):
        from . import policies  # noqa: F401
