from django.apps import AppConfig


class MutuConfig(AppConfig):
    name = "mutu"
    verbose_name = "Mutu"

    def ready(self) -> None:
        # Registers the seed_demo step (quality cycles, funding, good practice, business log); imported
        # here because the demo imports the models, which exist only once the app registry is ready.
        from . import demo  # noqa: F401
        from .good_practice import notices  # noqa: F401  (its kinds of notice)
