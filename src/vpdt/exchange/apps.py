from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "vpdt.exchange"
    label = "exchange"
    verbose_name = "Liên thông văn bản"

    def ready(self):
        from vpdt.outgoing import delivery

        from . import arrivals, dashboard, policies, recalls, sending, tasks  # noqa: F401  receivers, predicates, tasks

        delivery.register_issue_hook(sending.send_issued)
        delivery.register_recall_hook(recalls.send_recall)
        dashboard.register()
