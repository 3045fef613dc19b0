from django.apps import AppConfig


class MutuConfig(AppConfig):
    name = "mutu"
    verbose_name = "Mutu"

    def ready(self) -> None:
        # Registers the seed_demo step (quality cycles, funding, good practice, business log).
        from . import demo  # noqa: F401
