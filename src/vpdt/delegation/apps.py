from django.apps import AppConfig


class DelegationConfig(AppConfig):
    name = "vpdt.delegation"
    label = "delegation"
    verbose_name = "Ủy quyền"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.core import authz, menu

        from . import policies, scopes  # noqa: F401

        authz.build_scopes_with(scopes.build_scope)
        menu.register("delegation.list", section="tools", label=_("Ủy quyền"), url="delegation:list", order=10)
