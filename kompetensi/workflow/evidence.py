"""Evidence uploads (modul ajar, class photos): judged by content, stored under random names."""

from __future__ import annotations

import re
import struct
import warnings
from pathlib import PurePosixPath

from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from madrasah.errors import ApplicationError
from madrasah.models import User

from ..models import Evidence, Observation
from .common import S, event, is_teacher

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


def evidence_check(upload) -> tuple[str, str]:
    """(content type, extension) of an upload, judged by its CONTENT (the name proves nothing):
    PDF, JPEG or PNG, at most 5 MB, images intact and not decompression bombs."""
    if not upload or not upload.size:
        raise ApplicationError(_("The file is empty."), field="file")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ApplicationError(_("The file is larger than 5 MB. Send a smaller file or a photo."), field="file")
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


def evidence_store(*, madrasah_id: int, upload, user: User, **owner) -> Evidence:
    content_type, extension = evidence_check(upload)
    evidence = Evidence(
        madrasah_id=madrasah_id,
        original_name=evidence_original_name(upload.name),
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
        **owner,
    )
    # The stored name is random (upload_to_random) with the extension of what the content IS.
    evidence.file.save(f"bukti{extension}", upload, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def observation_evidence_add(*, observation: Observation, user: User, upload) -> Evidence:
    """Attach a document or photo (modul ajar, class photo) to an observation: the supervisor or the
    observed teacher, until the record is final. Writes an "evidence_added" event."""
    state = Observation.objects.values_list("state", flat=True).get(pk=observation.pk)
    if observation.supervisor_id != user.pk and not is_teacher(user, observation):
        raise ApplicationError(_("Only the supervisor and the observed teacher add evidence here."))
    if state == S.FINAL:
        raise ApplicationError(_("This result is final and can no longer be changed."))
    evidence = evidence_store(madrasah_id=observation.madrasah_id, upload=upload, user=user, observation=observation)
    event(observation, user, "evidence_added", evidence.original_name)
    return evidence
