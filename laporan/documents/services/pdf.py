"""PDF rendering, pure: (template, context) → bytes. No database, no network.

Templates refer to their images the way web pages do — `/static/…` and `/media/…`, relative to
`BASE_URL` — and WeasyPrint fetches them through `RestrictedFetcher`, which serves:
- static files (found by the staticfiles finders, or collected in STATIC_ROOT);
- media files named in `media_names` (the madrasah's own emblem, chosen by the caller);
- `data:` URLs (inline, nothing is fetched).
Anything else — http://, https://, file:// outside those folders, a path climbing out with `..` or a
symlink — stops the rendering with `ResourceRefused`: a document can never make the worker fetch a
remote URL or read a file of the server. Stylesheets are inlined by the templates (`pdf.css`), and
fonts come from the system (Debian's DejaVu and Liberation packages, through fontconfig).

Documents are written in the product's language (Indonesian, `LANGUAGE_CODE`), whoever asked.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint logs every rendering step at INFO (from its import on): a worker's log would be mostly that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402 - after quieting its logger
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

# A base URL in the reserved `.invalid` domain: relative URLs of a template resolve against it and the
# fetcher maps them to files; nothing ever goes out to it.
BASE_URL = "https://pdf.invalid/"


# Control characters other than tab, line feed and carriage return have no place in HTML. Stored text
# may still hold one (a form feed pasted into a profile field); WeasyPrint draws it as a missing glyph,
# which also garbles the text layer of the whole font in the PDF. It prints as a space instead.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class ResourceRefused(Exception):
    """A template asked for something outside static files and the allowed media files."""


class RenderError(Exception):
    """WeasyPrint could not fetch a resource it was allowed to (a missing file, for example)."""


@lru_cache(maxsize=1)
def _static_roots() -> tuple[Path, ...]:
    roots = {Path(settings.STATIC_ROOT).resolve()}
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.add(Path(location).resolve())
    return tuple(roots)


def _inside(path: Path, root: Path) -> bool:
    return path.is_relative_to(root) and path != root


def _clean_name(name: str) -> str | None:
    """A relative POSIX name without `..`, `.` or empty segments; None when it is not one."""
    parts = PurePosixPath(name).parts
    if not parts or any(p in ("..", ".", "") for p in parts) or name.startswith("/"):
        return None
    return "/".join(parts)


class RestrictedFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to static files and the media files in `media_names`."""

    def __init__(self, *, media_names: Iterable[str] = ()):
        # fail_on_errors: a refusal stops the rendering instead of leaving a hole in the document.
        super().__init__(fail_on_errors=True, allow_redirects=False)
        self.media_names = frozenset(n for n in media_names if n)
        self.static_prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        self.media_prefix = BASE_URL + settings.MEDIA_URL.lstrip("/")

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.resolve(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def resolve(self, url: str) -> Path:
        """The file `url` stands for, or ResourceRefused."""
        plain = url.split("#", 1)[0].split("?", 1)[0]
        if plain.startswith(self.static_prefix):
            return self._static(unquote(plain[len(self.static_prefix) :]), url)
        if plain.startswith(self.media_prefix):
            return self._media(unquote(plain[len(self.media_prefix) :]), url)
        if plain.startswith("file:"):
            return self._local_file(Path(url2pathname(urlsplit(plain).path)), url)
        raise ResourceRefused(f"refused to fetch {url!r}: only static files and the madrasah's own files")

    def _static(self, name: str, url: str) -> Path:
        clean = _clean_name(name)
        found = (clean and finders.find(clean)) or (clean and Path(settings.STATIC_ROOT) / clean)
        if not found:
            raise ResourceRefused(f"refused to fetch {url!r}: not a static file")
        return self._checked(Path(found), _static_roots(), url)

    def _media(self, name: str, url: str) -> Path:
        clean = _clean_name(name)
        if not clean or clean not in self.media_names:
            raise ResourceRefused(f"refused to fetch {url!r}: not a file of this document")
        return self._checked(Path(settings.MEDIA_ROOT) / clean, (Path(settings.MEDIA_ROOT).resolve(),), url)

    def _local_file(self, path: Path, url: str) -> Path:
        real = path.resolve()
        media_root = Path(settings.MEDIA_ROOT).resolve()
        if _inside(real, media_root):
            return self._media(real.relative_to(media_root).as_posix(), url)
        return self._checked(path, _static_roots(), url)

    @staticmethod
    def _checked(path: Path, roots: Iterable[Path], url: str) -> Path:
        # `resolve()` follows symlinks: a link inside a root that points elsewhere is refused too.
        real = path.resolve()
        if not any(_inside(real, root) for root in roots):
            raise ResourceRefused(f"refused to fetch {url!r}: outside the allowed folders")
        if not real.is_file():
            raise RenderError(f"missing file for {url!r}")
        return real


def render_html(template: str, context: dict) -> str:
    """The document's HTML. User text reaches it only through the templates' HTML escaping (never
    into a style sheet); control characters are turned into spaces (`CONTROL_CHARACTERS`)."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return CONTROL_CHARACTERS.sub(" ", html)


def html_to_pdf(html: str, *, media_names: Iterable[str] = ()) -> bytes:
    """WeasyPrint with the restricted fetcher. ResourceRefused / RenderError when a resource is refused
    or missing; nothing is written anywhere."""
    fetcher = RestrictedFetcher(media_names=media_names)
    try:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as error:
        cause = error.__cause__
        if isinstance(cause, ResourceRefused | RenderError):
            raise cause from None
        raise RenderError(str(cause or error)) from cause


def render_pdf(template: str, context: dict, *, media_names: Iterable[str] = ()) -> bytes:
    """The PDF of `template` rendered with `context`. Pure: the caller gathered the context."""
    return html_to_pdf(render_html(template, context), media_names=media_names)
