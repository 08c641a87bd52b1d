from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "vpdt.collab.orders"
    label = "orders"
    verbose_name = "Giao việc, nhắc việc"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.core import menu, page_actions, work
        from vpdt.notifications import links

        from . import policies, queries, services  # noqa: F401 (policies registers its predicates)
        from .models import Task

        links.register(Task, "orders:detail")
        page_actions.register(
            "incoming.document",
            "assign-task",
            label=_("Giao việc"),
            url=services.from_incoming_url,
            icon="bi-list-check",
            order=10,
        )
        in_agency = lambda scope: scope.agency_id is not None  # noqa: E731
        work.register(
            work.Queue(
                queries.WAITING_QUEUE,
                _("Nhiệm vụ chờ tôi"),
                "orders:list",
                queries.waiting,
                applies=in_agency,
                icon="bi-list-check",
                home=False,
            )
        )
        menu.register(
            "orders.mine",
            section="collab",
            label=_("Nhiệm vụ"),
            url="orders:list",
            order=10,
            shown=in_agency,
            queue=queries.WAITING_QUEUE,
        )
        menu.register(
            "orders.summary",
            section="collab",
            label=_("Tổng hợp giao việc"),
            url="orders:summary",
            order=11,
            shown=lambda scope: scope.agency_id is not None and (scope.has_role("leader") or bool(scope.led_unit_ids)),
        )
