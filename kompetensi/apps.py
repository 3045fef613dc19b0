from django.apps import AppConfig


class KompetensiConfig(AppConfig):
    name = "kompetensi"
    verbose_name = "Kompetensi"

    def ready(self) -> None:
        # Each registers its seed_demo step (supervision; PKG; recognition and PKB).
        from madrasah.setup.signals import academic_year_prepared

        from . import demo, demo_growth, demo_pkg  # noqa: F401

        # The kinds of notice each sub-domain sends, so that any process can compose their sentences.
        from .appraisal import notices as _appraisal  # noqa: F401
        from .growth import notices as _growth  # noqa: F401
        from .pkb import notices as _pkb  # noqa: F401
        from .supervision import notices as _supervision  # noqa: F401

        academic_year_prepared.connect(_instruments_prepare, dispatch_uid="kompetensi-instruments-prepare")


def _instruments_prepare(sender, *, madrasah, academic_year, **kwargs) -> None:
    """The setup wizard's last preparation: the standard instruments of the new academic year."""
    from kompetensi.instruments.seed import instruments_ensure_defaults

    instruments_ensure_defaults(madrasah=madrasah, academic_year=academic_year)
