from django.apps import AppConfig


class DelegationConfig(AppConfig):
    name = "vpdt.delegation"
    label = "delegation"
    verbose_name = "Ủy quyền"

    def ready(self):
        from . import policies  # noqa: F401
