from django.apps import AppConfig


class MadrasahConfig(AppConfig):
    name = "madrasah"
    verbose_name = "Madrasah"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (worker heartbeat on start)
        from .timetable import demo  # noqa: F401  (registers the timetable's seed_demo step)
