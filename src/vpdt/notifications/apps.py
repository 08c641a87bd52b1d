from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "vpdt.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self):
        from vpdt.accounts import profile_sections

        from . import policies, views  # noqa: F401

        profile_sections.register("notifications/_preferences.html", views.preferences_section)
