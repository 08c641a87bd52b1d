from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vpdt.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from . import menu, realtime
        from .consumers import EventsConsumer

        menu.register("core.api", section="tools", label=_("API"), url="api-docs", order=90)
        realtime.route("ws/su-kien/", EventsConsumer)
