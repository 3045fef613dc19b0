from django.apps import AppConfig


class KompetensiConfig(AppConfig):
    name = "kompetensi"
    verbose_name = "Kompetensi"

    def ready(self) -> None:
        # Each registers its seed_demo step (supervision; PKG).
        from . import demo, demo_pkg  # noqa: F401
