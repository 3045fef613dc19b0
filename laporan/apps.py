from django.apps import AppConfig


class LaporanConfig(AppConfig):
    name = "laporan"

    def ready(self) -> None:
        # The kinds of notice of the documents, so that any process can compose their sentences.
        from .documents.services import notices  # noqa: F401
