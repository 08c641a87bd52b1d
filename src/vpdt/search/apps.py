from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "vpdt.search"
    label = "search"
    verbose_name = "Tìm kiếm"

    def ready(self):
        from . import policies  # noqa: F401
