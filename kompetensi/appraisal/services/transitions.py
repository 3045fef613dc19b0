"""Stage transitions of a PKG appraisal (docs/domain.md §7 "The four competencies and the PKG
instrument": the assessor scores, the teacher signs, the Kepala approves):

    proses → diajukan (the assessor submits a complete appraisal)
    diajukan → ditandatangani (the teacher signs as *received*, not as agreed)
    diajukan → klarifikasi (the teacher asks for clarification)
    ditandatangani | klarifikasi (confirmed) → disetujui (the Kepala approves: locked)
    diajukan | ditandatangani | klarifikasi | disetujui → proses (the Kepala reopens, with a reason)

Each service follows the workflow kernel (`madrasah.workflow`): it reads the stage under a row lock,
claims the row with a conditional update (zero rows: someone else moved it first), writes an
AppraisalEvent with the stage change and notifies without scores: the result is read in the app,
never in a notification or an e-mail.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from madrasah.errors import ApplicationError
from madrasah.models import Membership, Role, User
from madrasah.workflow import (
    clean_text,
    holds,
    is_staff_user,
    locked_state,
    role_user_ids,
    staff_user_ids,
    transition,
)

from ...models import Appraisal, AppraisalEvent
from .. import notices
from ..rules import APPROVABLE, CLARIFIABLE, REOPENABLE, SIGNABLE, S
from ..selectors.results import appraisal_unscored_count
from .closing import refuse_if_closed
from .scores import appraisal_results_store


def _is_teacher(user: User, appraisal: Appraisal) -> bool:
    return is_staff_user(user, appraisal.teacher_id)


def _may_approve(user: User, appraisal: Appraisal) -> bool:
    """The Kepala approves every appraisal but his own. His own is approved by the pengawas who
    appraised him (docs/domain.md §7 "The four competencies and the PKG instrument": the pengawas
    is the Kepala's assessor)."""
    if _is_teacher(user, appraisal):
        return appraisal.assessor_id == user.pk and holds(user, appraisal.madrasah_id, Role.PENGAWAS)
    if holds(user, appraisal.madrasah_id, Role.KEPALA):
        return True
    kepala_is_teacher = Membership.objects.filter(
        madrasah_id=appraisal.madrasah_id, staff_id=appraisal.teacher_id, is_active=True, roles__role=Role.KEPALA
    ).exists()
    return kepala_is_teacher and appraisal.assessor_id == user.pk and holds(user, appraisal.madrasah_id, Role.PENGAWAS)


def _stale() -> str:
    return _("Someone else changed this appraisal meanwhile. Reload the page and try again.")


def _move(
    appraisal: Appraisal,
    *,
    current: str,
    to: str,
    user: User,
    action: str,
    note: str = "",
    notify_ids,
    notify_kind: str,
    **values,
) -> None:
    """The kernel's transition out of `current` (read under the lock), with the appraisal's own stale
    message; `updated_at` moves with the row because a conditional update skips `auto_now`."""
    transition(
        appraisal,
        field="stage",
        expected=current,
        to=to,
        actor=user,
        action=action,
        event_model=AppraisalEvent,
        changes=[{"what": "stage", "from": current, "to": to}],
        note=note,
        notify_ids=notify_ids,
        notify_kind=notify_kind,
        notify_params=_names(appraisal),
        stale=_stale(),
        updated_at=timezone.now(),
        **values,
    )


def _current_stage(appraisal: Appraisal) -> str:
    return locked_state(Appraisal, appraisal.pk, field="stage")


def _names(appraisal: Appraisal) -> dict:
    return {"teacher": appraisal.teacher.full_name, "year": appraisal.period.academic_year.name}


@transaction.atomic
def appraisal_submit(*, appraisal: Appraisal, user: User) -> Appraisal:
    """In progress → submitted, by the assessor, once every indicator is scored.

    Stores the result (Nilai, total, predikat, competency results) through the one scoring
    function, sets `submitted_at`, clears the previous round's signature, response and approval
    (the history keeps them), writes a "submitted" event and notifies the teacher. A retry after
    success is refused (no longer in progress).
    """
    if appraisal.assessor_id != user.pk:
        raise ApplicationError(_("Only the assessor submits this appraisal."))
    current = _current_stage(appraisal)
    if current != S.IN_PROGRESS:
        raise ApplicationError(_("Only an appraisal in progress can be submitted."))
    missing = appraisal_unscored_count(appraisal)
    if missing:
        raise ApplicationError(
            ngettext(
                "%(count)s indicator is not scored yet. Score every indicator before submitting.",
                "%(count)s indicators are not scored yet. Score every indicator before submitting.",
                missing,
            )
            % {"count": missing}
        )
    appraisal_results_store(appraisal)
    _move(
        appraisal,
        current=current,
        to=S.SUBMITTED,
        user=user,
        action="submitted",
        notify_ids=staff_user_ids(appraisal.teacher_id),
        notify_kind=notices.APPRAISAL_SUBMITTED,
        submitted_at=timezone.now(),
        signed_at=None,
        teacher_response="",
        clarification_request="",
        approved_at=None,
        approved_by=None,
    )
    return appraisal


@transaction.atomic
def appraisal_sign(*, appraisal: Appraisal, user: User, response: str = "") -> Appraisal:
    """The appraised teacher signs the submitted appraisal as *received* (not as agreed), with an
    optional response. Notifies the assessor and the Kepala (who approves next)."""
    if not _is_teacher(user, appraisal):
        raise ApplicationError(_("Only the appraised teacher signs this appraisal."))
    response = clean_text(response)
    current = _current_stage(appraisal)
    if current not in SIGNABLE:
        raise ApplicationError(_("This appraisal cannot be signed in its current stage."))
    _move(
        appraisal,
        current=current,
        to=S.SIGNED,
        user=user,
        action="signed",
        note=response,
        notify_ids=[appraisal.assessor_id, *role_user_ids(appraisal.madrasah_id, Role.KEPALA)],
        notify_kind=notices.APPRAISAL_SIGNED,
        signed_at=timezone.now(),
        teacher_response=response,
    )
    return appraisal


@transaction.atomic
def appraisal_request_clarification(*, appraisal: Appraisal, user: User, text: str) -> Appraisal:
    """The appraised teacher asks for clarification instead of signing (text required). The
    assessor and the Kepala are notified; the Kepala sees the request before approving."""
    if not _is_teacher(user, appraisal):
        raise ApplicationError(_("Only the appraised teacher asks for clarification of this appraisal."))
    text = clean_text(text, required_message=_("Write what you would like clarified."))
    current = _current_stage(appraisal)
    if current not in CLARIFIABLE:
        raise ApplicationError(_("Clarification can no longer be requested for this appraisal."))
    _move(
        appraisal,
        current=current,
        to=S.CLARIFICATION,
        user=user,
        action="clarification_requested",
        note=text,
        notify_ids=[appraisal.assessor_id, *role_user_ids(appraisal.madrasah_id, Role.KEPALA)],
        notify_kind=notices.APPRAISAL_CLARIFICATION,
        clarification_request=text,
    )
    return appraisal


@transaction.atomic
def appraisal_approve(*, appraisal: Appraisal, user: User, confirm_clarification: bool = False) -> Appraisal:
    """The Kepala approves a signed appraisal (or one with a clarification request, if he confirms
    he has read it and the result stands); never his own. Stores the result again from the stored
    scores (so the approved numbers are exactly the scoring function's), sets `approved_at`/`_by`
    and locks it: scores, evidence and the self-evaluation are refused from now on. Notifies the
    teacher and the assessor. A retry after success is refused (already approved)."""
    if not _may_approve(user, appraisal):
        raise ApplicationError(
            _("You cannot approve your own appraisal.")
            if _is_teacher(user, appraisal)
            else _("Only the Kepala Madrasah approves appraisals.")
        )
    current = _current_stage(appraisal)
    if current == S.APPROVED:
        raise ApplicationError(_("This appraisal is already approved."))
    if current not in APPROVABLE:
        raise ApplicationError(_("The teacher has to sign the appraisal as received before it can be approved."))
    if current == S.CLARIFICATION and not confirm_clarification:
        raise ApplicationError(
            _("The teacher asked for clarification. Confirm that you have read the request to approve anyway.")
        )
    missing = appraisal_unscored_count(appraisal)
    if missing:  # only reachable through a change behind the services' back; refuse rather than guess
        raise ApplicationError(
            ngettext(
                "%(count)s indicator is not scored. Reopen the appraisal so that the assessor completes it.",
                "%(count)s indicators are not scored. Reopen the appraisal so that the assessor completes it.",
                missing,
            )
            % {"count": missing}
        )
    appraisal_results_store(appraisal)
    _move(
        appraisal,
        current=current,
        to=S.APPROVED,
        user=user,
        action="approved",
        notify_ids=[*staff_user_ids(appraisal.teacher_id), appraisal.assessor_id],
        notify_kind=notices.APPRAISAL_APPROVED,
        approved_at=timezone.now(),
        approved_by=user,
    )
    return appraisal


@transaction.atomic
def appraisal_reopen(*, appraisal: Appraisal, user: User, reason: str) -> Appraisal:
    """The Kepala (or whoever may approve it) sends an appraisal back to "in progress" with a
    required reason: the assessor corrects it and submits again, the teacher signs again. Clears
    the submission, signature and approval times (the history keeps them), writes a "reopened"
    event with the reason and notifies the assessor and the teacher. Refused while the year's PKG is
    closed (`closing`): the Kepala reopens the year first."""
    if not _may_approve(user, appraisal):
        raise ApplicationError(_("Only the Kepala Madrasah reopens appraisals."))
    reason = clean_text(reason, required_message=_("Give the reason for reopening."))
    refuse_if_closed(appraisal.period_id)
    current = _current_stage(appraisal)
    if current not in REOPENABLE:
        raise ApplicationError(_("This appraisal is still in progress."))
    _move(
        appraisal,
        current=current,
        to=S.IN_PROGRESS,
        user=user,
        action="reopened",
        note=reason,
        notify_ids=[appraisal.assessor_id, *staff_user_ids(appraisal.teacher_id)],
        notify_kind=notices.APPRAISAL_REOPENED,
        submitted_at=None,
        signed_at=None,
        approved_at=None,
        approved_by=None,
    )
    return appraisal
