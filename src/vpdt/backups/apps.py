from django.apps import AppConfig


class Config(AppConfig):
    name = "vpdt.backups"
    label = "backups"
