from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "vpdt.directory"
    label = "directory"
    verbose_name = "Danh bạ tổ chức"

    def ready(self):
        from . import policies  # noqa: F401
