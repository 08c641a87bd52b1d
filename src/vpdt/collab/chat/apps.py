from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "vpdt.collab.chat"
    label = "chat"
    verbose_name = "Hội thoại"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.core import menu, work
        from vpdt.notifications import links

        from . import policies, queries  # noqa: F401
        from .models import Conversation

        links.register(Conversation, "chat:detail")
        work.register(
            work.Queue(
                "chat.unread",
                _("Hội thoại có tin nhắn mới"),
                "chat:list",
                queries.unread_conversations,
                applies=lambda scope: scope.agency_id is not None,
                order=900,
                icon="bi-chat-dots",
                home=False,
                waiting=False,
            )
        )
        menu.register(
            "chat.list",
            section="collab",
            label=_("Hội thoại"),
            url="chat:list",
            order=60,
            shown=lambda scope: scope.agency_id is not None,
            queue="chat.unread",
        )
