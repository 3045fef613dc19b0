"""Protected files: uploads live under MEDIA_ROOT and are never served by URL directly.

A view that hands out a file first checks access with a helper of `madrasah.access` (or the app's
own `<entity>_for_user`), then returns `protected_file_response(obj.some_file)`. Stored names come
from `upload_to_random`, so nothing a user typed ever becomes part of a path on disk.
"""

from __future__ import annotations

import posixpath
import re
import struct
import uuid
import warnings
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image

from .errors import ApplicationError

# The only types a browser is told; anything else goes out as application/octet-stream.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",  # the yearly evidence bundle (laporan); uploads are checked by content
}
ALLOWED_EXTENSIONS = frozenset(CONTENT_TYPES)
FALLBACK_CONTENT_TYPE = "application/octet-stream"

_UNSAFE_FILENAME_CHARS = re.compile(r'[\x00-\x1f\x7f/\\"]+')


def content_type_for(name: str) -> str:
    """The content type for a file name, from the allow-list; `application/octet-stream` otherwise."""
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), FALLBACK_CONTENT_TYPE)


def _download_name(filename: str | None, stored_name: str) -> str:
    """The name the browser saves under: the given one (cleaned of path separators, quotes and
    control characters), carrying the stored file's extension; else the stored base name."""
    stored = PurePosixPath(stored_name)
    if not filename:
        return stored.name
    name = _UNSAFE_FILENAME_CHARS.sub(" ", filename).strip(" .") or stored.stem
    if stored.suffix and PurePosixPath(name).suffix.lower() != stored.suffix.lower():
        name += stored.suffix.lower()
    return name


def _resolved_path(fieldfile) -> Path:
    """The file's real path, refusing (404) anything outside MEDIA_ROOT or not a regular file."""
    name = getattr(fieldfile, "name", None)
    if not fieldfile or not name:
        raise Http404("No file.")
    try:
        path = Path(fieldfile.storage.path(name)).resolve()
    except (SuspiciousFileOperation, ValueError) as error:
        raise Http404("No file.") from error
    media_root = Path(settings.MEDIA_ROOT).resolve()
    # `resolve()` follows symlinks, so a link inside MEDIA_ROOT pointing elsewhere is refused too.
    if not path.is_relative_to(media_root) or path == media_root or not path.is_file():
        raise Http404("No file.")
    return path


def protected_file_response(fieldfile, *, filename: str | None = None, inline: bool = False) -> FileResponse:
    """Stream an uploaded file to a user who may see it.

    Access control is NOT done here: the calling view must already have checked that the member may
    see the object owning the file (through a `madrasah.access` helper), since this function
    serves whatever it is handed.

    - 404 when the field is empty, the file is missing on disk, or its path resolves outside
      MEDIA_ROOT (traversal in the stored name, or a symlink leading out);
    - `Content-Disposition: attachment` by default; `inline=True` only for allow-listed types
      (anything else is still an attachment). `filename` is the name offered to the browser
      (FileResponse writes it RFC 5987-safe); it gets the stored file's extension if it lacks it;
    - content type from the stored name's extension, limited to pdf, png, jpeg, xlsx and docx;
      anything else is `application/octet-stream`;
    - `X-Content-Type-Options: nosniff`, `Cache-Control: private, no-store`.

    Works with storages that keep files on the local disk (FileSystemStorage).
    """
    path = _resolved_path(fieldfile)
    content_type = content_type_for(fieldfile.name)
    as_attachment = not inline or content_type == FALLBACK_CONTENT_TYPE
    try:
        handle = path.open("rb")
    except OSError as error:  # removed between the check and the open, or unreadable
        raise Http404("No file.") from error
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=_download_name(filename, fieldfile.name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@deconstructible(path="madrasah.files.RandomUploadPath")
class RandomUploadPath:
    """`upload_to` callable storing files as `<prefix>/<yyyy>/<mm>/<uuid4hex><ext>`.

    The extension is the uploaded name's, lowercased, if it is in `ALLOWED_EXTENSIONS`; otherwise
    there is none. The rest of the uploaded name is dropped. A class (not a closure) so migrations
    can serialize it.
    """

    def __init__(self, prefix: str):
        clean = posixpath.normpath(str(prefix).replace("\\", "/")).strip("/")
        if not clean or clean == "." or ".." in clean.split("/"):
            raise ValueError(f"Unsafe upload prefix: {prefix!r}")
        self.prefix = clean

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePosixPath(str(filename).replace("\\", "/")).suffix.lower()
        extension = suffix if suffix in ALLOWED_EXTENSIONS else ""
        today = timezone.localdate()
        return f"{self.prefix}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomUploadPath) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash((RandomUploadPath, self.prefix))


def upload_to_random(prefix: str) -> RandomUploadPath:
    """For `FileField(upload_to=upload_to_random("evidence"))`: random names under `prefix/yyyy/mm/`."""
    return RandomUploadPath(prefix)


MAX_LOGO_BYTES = 2 * 1024 * 1024
# A logo is a few hundred pixels across; this refuses a small file that would unpack into gigabytes.
MAX_LOGO_PIXELS = 25_000_000
_IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))


def image_upload_check(upload, *, max_bytes: int = MAX_LOGO_BYTES) -> None:
    """Refuse (ValidationError) an upload that is not an intact PNG or JPEG judged by its CONTENT (the
    name proves nothing), or is larger than `max_bytes`. Reads nothing before the size check."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is larger than %(size)s MB. Send a smaller PNG or JPEG.")
            % {"size": max_bytes // (1024 * 1024)}
        )
    not_image = ValidationError(_("This file is not a PNG or JPEG image."))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    image_format = next((name for magic, name in _IMAGE_SIGNATURES if head.startswith(magic)), None)
    if image_format is None:
        raise not_image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if image.format != image_format or width * height > MAX_LOGO_PIXELS:
                    raise not_image
                image.verify()
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        struct.error,
    ):
        raise not_image from None
    finally:
        upload.seek(0)


# --- evidence uploads (modul ajar, class photos, PDCA documents): judged by content ----------------

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# A 50-megapixel phone photo passes; a small file that would unpack into gigabytes does not.
MAX_IMAGE_PIXELS = 50_000_000
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf", None),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png", "PNG"),
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def evidence_original_name(name: str) -> str:
    """The uploaded name as text only: no directories, no control characters, at most 200 chars."""
    base = PurePosixPath(str(name or "").replace("\\", "/")).name
    base = _CONTROL.sub("", base).strip() or "berkas"
    if len(base) > 200:
        suffix = PurePosixPath(base).suffix[:10]
        base = base[: 200 - len(suffix)] + suffix
    return base


def evidence_check(upload, *, max_bytes: int = MAX_EVIDENCE_BYTES) -> tuple[str, str]:
    """(content type, extension) of an upload, judged by its CONTENT (the name proves nothing):
    PDF, JPEG or PNG, at most `max_bytes` (5 MB; a signed copy of a document may be 10 MB), images
    intact and not decompression bombs."""
    if not upload or not upload.size:
        raise ApplicationError(_("The file is empty."), field="file")
    if upload.size > max_bytes:
        if max_bytes == MAX_EVIDENCE_BYTES:
            raise ApplicationError(_("The file is larger than 5 MB. Send a smaller file or a photo."), field="file")
        raise ApplicationError(
            _("The file is larger than %(size)s MB. Send a smaller file or a photo.")
            % {"size": max_bytes // (1024 * 1024)},
            field="file",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type, extension, image_format in SIGNATURES:
        if head.startswith(magic):
            if image_format:
                _verify_image(upload, image_format)
            return content_type, extension
    raise ApplicationError(
        _(
            "This file is not a PDF, JPEG or PNG. Only documents and photos are accepted; programs and "
            "scripts are refused, even when renamed."
        ),
        field="file",
    )


def _verify_image(upload, image_format: str) -> None:
    damaged = ApplicationError(_("The image is damaged or not really a %(format)s.") % {"format": image_format})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if image.format != image_format:
                    raise damaged
                if width * height > MAX_IMAGE_PIXELS:
                    raise ApplicationError(_("The image has too many pixels. Send a smaller photo."), field="file")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ApplicationError(_("The image has too many pixels. Send a smaller photo."), field="file") from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error):
        raise damaged from None
    finally:
        upload.seek(0)
