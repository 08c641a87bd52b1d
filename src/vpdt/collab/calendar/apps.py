from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "vpdt.collab.calendar"
    label = "calendar"
    verbose_name = "Lịch công tác"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.core import menu, work
        from vpdt.notifications import links

        from . import journal, policies, queries, rights, services  # noqa: F401
        from .models import Entry

        links.register(Entry, "calendar:detail")
        in_agency = lambda scope: scope.agency_id is not None  # noqa: E731
        work.register(
            work.Queue(
                queries.WAITING_QUEUE,
                _("Lịch chờ duyệt"),
                "calendar:waiting",
                queries.waiting,
                applies=in_agency,
                icon="bi-calendar-check",
            )
        )
        menu.register(
            "calendar.week",
            section="collab",
            label=_("Lịch công tác"),
            url="calendar:week",
            order=5,
            shown=in_agency,
            queue=queries.WAITING_QUEUE,
        )
        menu.register(
            "calendar.rooms",
            section="collab",
            label=_("Phòng họp"),
            url="calendar:rooms",
            order=7,
            shown=in_agency,
        )
        menu.register(
            "calendar.grants",
            section="collab",
            label=_("Quyền quản lý lịch"),
            url="calendar:grants",
            order=8,
            shown=lambda scope: rights.may_grant(scope),
        )

        from . import publish_setup

        publish_setup.ready()
