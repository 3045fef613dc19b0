from django.apps import AppConfig


class KompetensiConfig(AppConfig):
    name = "kompetensi"
    verbose_name = "Kompetensi"

    def ready(self) -> None:
        from . import demo  # noqa: F401  (registers the seed_demo step)
