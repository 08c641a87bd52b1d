from django.apps import AppConfig


class Config(AppConfig):
    name = "vpdt.storage"
    label = "storage"
    verbose_name = "Lưu trữ tệp"
