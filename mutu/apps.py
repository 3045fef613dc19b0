from django.apps import AppConfig


class MutuConfig(AppConfig):
    name = "mutu"
