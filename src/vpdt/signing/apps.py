from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "vpdt.signing"
    verbose_name = "Chữ ký số"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from vpdt.notifications import links

        from . import dashboard, policies  # noqa: F401
        from .models import Credential

        links.register(Credential, "signing:credential")
        dashboard.register()
