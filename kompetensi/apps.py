from django.apps import AppConfig


class KompetensiConfig(AppConfig):
    name = "kompetensi"
    verbose_name = "Kompetensi"

    def ready(self) -> None:
        # Each registers its seed_demo step (supervision; PKG; recognition and PKB).
        from . import demo, demo_growth, demo_pkg  # noqa: F401
