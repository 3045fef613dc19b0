from django.apps import AppConfig


class LaporanConfig(AppConfig):
    name = "laporan"

    def ready(self) -> None:
        # The kinds of notice of the documents, so that any process can compose their sentences.
        from . import demo  # noqa: F401  (the seed_demo step that reads the demo's old news)
        from .documents.services import notices  # noqa: F401
