from django.apps import AppConfig


class DelegationConfig(AppConfig):
    name = "vpdt.delegation"
    label = "delegation"
    verbose_name = "Ủy quyền"

    def ready(self):
        from vpdt.core import authz

        from . import policies, scopes  # noqa: F401

        authz.build_scopes_with(scopes.build_scope)
