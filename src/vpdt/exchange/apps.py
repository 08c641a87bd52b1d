from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "vpdt.exchange"
    label = "exchange"
    verbose_name = "Liên thông văn bản"
