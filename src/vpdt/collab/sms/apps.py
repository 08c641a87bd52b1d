from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "vpdt.collab.sms"
    label = "sms"
    verbose_name = "Tin nhắn SMS"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.core import menu
        from vpdt.notifications import channels

        from . import policies, queries, services  # noqa: F401

        channels.register(
            channels.Channel(
                "sms",
                _("Tin nhắn SMS"),
                send=services.send_notifications,
                unavailable=services.no_mobile,
                reaches=services.reachable,
            )
        )
        menu.register(
            "sms.messages",
            section="collab",
            label=_("Tin nhắn SMS"),
            url="sms:list",
            order=70,
            shown=lambda scope: bool(scope.user_id),
        )
        menu.register(
            "sms.grants",
            section="collab",
            label=_("Quyền gửi tin nhắn SMS"),
            url="sms:grants",
            order=71,
            shown=queries.may_administer,
        )
