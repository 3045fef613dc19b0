from django.apps import AppConfig


class KompetensiConfig(AppConfig):
    name = "kompetensi"
