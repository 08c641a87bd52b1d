from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "vpdt.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ công việc"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.core import menu
        from vpdt.incoming import lifecycle

        from . import policies, services, sources  # noqa: F401

        lifecycle.register_filing_place(services.has_place_for)
        sources.register()
        menu.register("dossiers.list", section="dossiers", label=_("Hồ sơ công việc"), url="dossiers:list", order=1)
        menu.register(
            "dossiers.files", section="dossiers", label=_("Danh mục hồ sơ"), url="dossiers:file_list", order=2
        )
