from django.apps import AppConfig


class DigitizeConfig(AppConfig):
    name = "vpdt.digitize"
    label = "digitize"
    verbose_name = "Số hóa văn bản"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import dashboard, policies  # noqa: F401

        dashboard.register()
