"""Evidence of observations and follow-ups (modul ajar, class photos): judged by content
(`madrasah.files.evidence_check`), stored under random names."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.files import evidence_check, evidence_original_name
from madrasah.models import User
from madrasah.workflow import is_staff_user, record_event

from ...models import Evidence, Observation, ObservationEvent
from ..rules import S


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
    if observation.supervisor_id != user.pk and not is_staff_user(user, observation.teacher_id):
        raise ApplicationError(_("Only the supervisor and the observed teacher add evidence here."))
    if state == S.FINAL:
        raise ApplicationError(_("This result is final and can no longer be changed."))
    evidence = evidence_store(madrasah_id=observation.madrasah_id, upload=upload, user=user, observation=observation)
    record_event(ObservationEvent, observation, actor=user, action="evidence_added", note=evidence.original_name)
    return evidence
