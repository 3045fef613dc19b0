"""Compressed HTML, never compressed downloads.

`CompressionMiddleware` is Django's GZipMiddleware for pages (HTML, JSON, text, SVG: a teacher's
home shrinks to a fifth on metered phone data) with two exceptions:

- downloads (PDF, ZIP, XLSX, images, any `Content-Disposition: attachment`, any file response) are
  already compressed or are the madrasah's documents byte for byte: they are sent as they are, with
  `Cache-Control: no-transform`, so that neither this server nor a proxy (Caddy on the LAN, an
  operator's) compresses them again or changes them;
- a page that shows a secret meant for one person (a printed slip's one-time passwords) is marked
  `@uncompressed`: BREACH needs a secret and attacker-chosen text in one compressed response, and
  such a page is never worth the risk (docs/security.md, "Compression").

Django's GZip already adds random padding (a BREACH mitigation only) and skips responses that are
already encoded, short, or asked for by a client that does not accept gzip.
"""

from __future__ import annotations

from functools import wraps

from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
UNCOMPRESSED_ATTRIBUTE = "mutu_uncompressed"


def is_download(response) -> bool:
    """A file the user saves: by its kind (not text), its disposition, or its response class."""
    content_type = response.get("Content-Type", "").lower()
    return (
        getattr(response, "streaming", False)
        or "attachment" in response.get("Content-Disposition", "").lower()
        or not content_type.startswith(COMPRESSIBLE)
    )


def uncompressed(view):
    """Marks the view's responses as never compressed (a page showing a one-time secret)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, UNCOMPRESSED_ATTRIBUTE, True)
        return response

    return wrapped


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.has_header("Content-Encoding"):
            return response
        if is_download(response):
            patch_cache_control(response, no_transform=True)
            return response
        if getattr(response, UNCOMPRESSED_ATTRIBUTE, False):
            patch_cache_control(response, no_transform=True)
            return response
        return super().process_response(request, response)
