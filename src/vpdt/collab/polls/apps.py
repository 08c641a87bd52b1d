from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "vpdt.collab.polls"
    label = "polls"
    verbose_name = "Lấy ý kiến dự thảo"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.core import menu, work
        from vpdt.notifications import links
        from vpdt.storage import access

        from . import policies, queries
        from .models import Poll

        links.register(Poll, "polls:poll")
        access.register(policies.readable_files)
        in_agency = lambda scope: scope.agency_id is not None  # noqa: E731
        work.register(
            work.Queue(
                "polls.waiting",
                _("Chờ cho ý kiến"),
                "polls:polls",
                queries.waiting,
                applies=in_agency,
                icon="bi-ui-checks",
                home=False,
            )
        )
        menu.register(
            "polls.polls",
            section="collab",
            label=_("Lấy ý kiến"),
            url="polls:polls",
            order=40,
            shown=in_agency,
            queue="polls.waiting",
        )
        menu.register(
            "polls.grants",
            section="collab",
            label=_("Giao quyền lấy ý kiến"),
            url="polls:grants",
            order=41,
            shown=in_agency,
        )
