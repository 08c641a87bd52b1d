from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "vpdt.directory"
    label = "directory"
    verbose_name = "Danh bạ tổ chức"

    def ready(self):
        from . import dashboard, policies  # noqa: F401

        dashboard.register()
