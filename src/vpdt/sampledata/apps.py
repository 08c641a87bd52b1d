from django.apps import AppConfig


class Config(AppConfig):
    name = "vpdt.sampledata"
    label = "sampledata"
