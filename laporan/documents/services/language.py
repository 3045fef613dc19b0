"""The language of the documents, and the worker's refusal to print one in the wrong language.

Documents are written in the product's language (`LANGUAGE_CODE`, Indonesian), whoever asked and
whatever the language of their page; nobody can ask for another today. A worker whose Indonesian
catalogue is not compiled (a deployment that skipped `compilemessages`: the `.mo` files are built,
not kept in the repository) would silently print "SEMESTER RECAP … Page 1 of 6" instead: it refuses
to build, and the report says why (in the reader's language, where the web server has its
catalogue: the error is stored as its msgid, `Report.error_text`).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

from madrasah.errors import ApplicationError

# A sentence of the product's own catalogue (Django's does not have it) printed on every page.
PROBE = gettext_noop("Page %(page)s of %(pages)s")
SOURCE_LANGUAGE = "en"  # the language of the msgids: needs no catalogue
CATALOGUE_MISSING = gettext_noop(
    "The document was not built: the server's Indonesian translations are not compiled, so it would "
    "have been printed in English. The administrator compiles them (manage.py compilemessages) and "
    "restarts the workers; then try again."
)


def document_language() -> str:
    """The language a document is written in: the product's."""
    return settings.LANGUAGE_CODE


def catalogue_check(language: str | None = None) -> None:
    """ApplicationError (CATALOGUE_MISSING) when `language` (the documents' by default) has no
    compiled catalogue in this process: its translation of `PROBE` is the English msgid itself."""
    language = language or document_language()
    if translation.get_supported_language_variant(language).split("-")[0] == SOURCE_LANGUAGE:
        return
    with translation.override(language):
        if translation.gettext(PROBE) == PROBE:
            raise ApplicationError(CATALOGUE_MISSING)
