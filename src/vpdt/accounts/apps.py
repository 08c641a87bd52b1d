from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vpdt.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        from . import dashboard, policies, signals  # noqa: F401

        dashboard.register()
