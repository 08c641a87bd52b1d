from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "vpdt.exchange"
    label = "exchange"
    verbose_name = "Liên thông văn bản"

    def ready(self):
        from vpdt.outgoing import delivery

        from . import arrivals, dashboard, dispatch, internal, policies, tasks  # noqa: F401  receivers, predicates, tasks

        delivery.register_route(dispatch.ROUTE)
        dashboard.register()
