from django.apps import AppConfig


class InternalMailConfig(AppConfig):
    name = "vpdt.collab.mail"
    label = "internalmail"
    verbose_name = "Thư nội bộ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.core import menu, work
        from vpdt.notifications import links
        from vpdt.storage import access

        from . import policies, queries
        from .models import Message

        links.register(Message, "internalmail:open")
        access.register(policies.readable_files)
        work.register(
            work.Queue(
                "internalmail.unread",
                _("Thư chưa đọc"),
                "internalmail:inbox",
                queries.unread,
                applies=queries.has_mailbox,
                query=f"{queries.UNREAD_PARAM}=1",
                order=900,
                icon="bi-envelope",
            )
        )
        menu.register(
            "internalmail.inbox",
            section="collab",
            label=_("Thư nội bộ"),
            url="internalmail:inbox",
            order=50,
            queue="internalmail.unread",
        )
        menu.register(
            "internalmail.compose",
            section="collab",
            label=_("Soạn thư"),
            url="internalmail:compose",
            order=51,
            shown=queries.has_mailbox,
        )
