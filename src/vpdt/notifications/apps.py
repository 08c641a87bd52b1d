from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "vpdt.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.accounts import profile_sections
        from vpdt.core import work

        from . import policies, queries, views  # noqa: F401

        profile_sections.register("notifications/_preferences.html", views.preferences_section)
        work.register(
            work.Queue(
                "notifications.unread",
                _("Thông báo chưa đọc"),
                "notifications:list",
                lambda user: queries.inbox(user, unread_only=True),
                query=f"xem={views.UNREAD}",
                order=1000,
                icon="bi-bell",
                home=False,
            )
        )
