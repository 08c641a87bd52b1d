from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "vpdt.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ công việc"

    def ready(self):
        from vpdt.incoming import lifecycle

        from . import policies, services, sources  # noqa: F401

        lifecycle.register_filing_place(services.has_place_for)
        sources.register()
