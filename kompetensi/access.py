"""One way in per kompetensi object (the rule in madrasah.access)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Prefetch, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from madrasah.models import Membership, Role, Semester, Staff

from .models import (
    Appraisal,
    AppraisalPeriod,
    Evidence,
    FollowUp,
    Framework,
    InHouseActivity,
    InstrumentVersion,
    Observation,
    ObservationConflictCopy,
    ObservationState,
    PkbActivity,
    Programme,
    ProgrammeRow,
    Section,
    SupervisionTeam,
    TeamMember,
)

# Instruments are open to every member of the madrasah (teachers should know what is observed);
# the Waka and the Kepala shape them.
INSTRUMENT_EDITORS = (Role.WAKA, Role.KEPALA)


def instrument_version_for_user(membership: Membership, pk: int, *, write: bool = False) -> InstrumentVersion:
    version = get_object_or_404(
        InstrumentVersion.objects.select_related("instrument", "academic_year", "framework"),
        pk=pk,
        instrument__madrasah_id=membership.madrasah_id,
    )
    if write and not membership.has_role(*INSTRUMENT_EDITORS):
        raise PermissionDenied
    return version


def section_for_user(membership: Membership, version_pk: int, pk: int, *, write: bool = False) -> Section:
    version = instrument_version_for_user(membership, version_pk, write=write)
    return get_object_or_404(Section.objects.select_related("version"), pk=pk, version=version)


def framework_for_user(membership: Membership, pk: int) -> Framework:
    """Frameworks are national reference data: every member may read them."""
    return get_object_or_404(Framework, pk=pk)


# --- Supervision -----------------------------------------------------------------------------------
# Programme and team: every member may read them (teachers are told their schedule); the Waka drafts,
# the Kepala approves. An observation is the observed teacher's private record: other teachers get
# 404; the teacher sees it once submitted. The supervisor edits it while it is a draft; the teacher
# acknowledges it; the Kepala finalises and reopens it; the Waka and the pengawas read it.

PROGRAMME_EDITORS = (Role.WAKA, Role.KEPALA)
PROGRAMME_APPROVERS = (Role.KEPALA,)
SUPERVISION_READERS = (Role.KEPALA, Role.WAKA, Role.PENGAWAS)
# Besides the supervisor, who plans and closes follow-ups (the workflow services check the same tuple).
FOLLOW_UP_MANAGERS = (Role.WAKA, Role.KEPALA)


def programme_for_user(membership: Membership, pk: int, *, write: bool = False, approve: bool = False) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("semester__academic_year"), pk=pk, madrasah_id=membership.madrasah_id
    )
    if write and not membership.has_role(*PROGRAMME_EDITORS):
        raise PermissionDenied
    if approve and not membership.has_role(*PROGRAMME_APPROVERS):
        raise PermissionDenied
    return programme


def programme_row_for_user(membership: Membership, pk: int, *, write: bool = False) -> ProgrammeRow:
    row = get_object_or_404(
        ProgrammeRow.objects.select_related("programme__semester", "teacher", "supervisor", "subject"),
        pk=pk,
        programme__madrasah_id=membership.madrasah_id,
    )
    if write and not membership.has_role(*PROGRAMME_EDITORS):
        raise PermissionDenied
    return row


def _observation_visible(membership: Membership, observation: Observation) -> bool:
    if observation.supervisor_id == membership.user_id or membership.has_role(*SUPERVISION_READERS):
        return True
    is_teacher = membership.staff_id is not None and observation.teacher_id == membership.staff_id
    return is_teacher and observation.state != ObservationState.DRAFT


def observation_for_user(membership: Membership, pk: int, *, action: str = "read") -> Observation:
    """`action`: "read"; "edit" (the supervisor, or the Kepala, while a draft); "respond" (the
    observed teacher: acknowledge or ask for clarification); "evidence" (the supervisor or the
    observed teacher: upload evidence); "follow_up" (the supervisor, the Waka or the Kepala: plan a
    follow-up); "finalise" (the Kepala: finalise, reopen). Invisible → 404; visible but not
    allowed → 403. State rules live in the services."""
    observation = get_object_or_404(
        Observation.objects.select_related(
            "instrument_version__instrument", "teacher", "supervisor", "row__programme__semester"
        ),
        pk=pk,
        madrasah_id=membership.madrasah_id,
    )
    if not _observation_visible(membership, observation):
        raise Http404
    is_supervisor = observation.supervisor_id == membership.user_id
    is_teacher = membership.staff_id is not None and observation.teacher_id == membership.staff_id
    allowed = {
        "read": True,
        "edit": is_supervisor,
        "respond": is_teacher,
        "evidence": is_supervisor or is_teacher,
        "follow_up": is_supervisor or membership.has_role(*FOLLOW_UP_MANAGERS),
        "finalise": membership.has_role(Role.KEPALA),
    }[action]
    if not allowed:
        raise PermissionDenied
    return observation


def conflict_copy_for_user(membership: Membership, pk: int) -> tuple[Observation, ObservationConflictCopy | None]:
    """The observation `pk` as the supervisor edits it (`observation_for_user(action="edit")`: others
    404/403) and the member's own open refused copy of it, or None. A copy is its author's unsaved
    entries: nobody else ever sees it."""
    observation = observation_for_user(membership, pk, action="edit")
    copy = ObservationConflictCopy.objects.filter(
        observation=observation, author_id=membership.user_id, resolved_at__isnull=True
    ).first()
    return observation, copy


def follow_up_for_user(membership: Membership, pk: int, *, action: str = "read") -> FollowUp:
    """`action`: "read"; "progress" (the teacher records progress); "close" (the supervisor, the
    Waka or the Kepala). Visibility follows the observation it came from."""
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("observation__instrument_version__instrument", "teacher"),
        pk=pk,
        madrasah_id=membership.madrasah_id,
    )
    if not _observation_visible(membership, follow_up.observation):
        raise Http404
    is_teacher = membership.staff_id is not None and follow_up.teacher_id == membership.staff_id
    allowed = {
        "read": True,
        "progress": is_teacher,
        "close": follow_up.observation.supervisor_id == membership.user_id or membership.has_role(*FOLLOW_UP_MANAGERS),
    }[action]
    if not allowed:
        raise PermissionDenied
    return follow_up


def evidence_for_user(membership: Membership, pk: int) -> Evidence:
    """Evidence is seen by whoever may see the record it belongs to, and by nobody else (404)."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("observation", "follow_up__observation"),
        pk=pk,
        madrasah_id=membership.madrasah_id,
    )
    observation = evidence.observation or evidence.follow_up.observation
    if not _observation_visible(membership, observation):
        raise Http404
    return evidence


TEAM_EDITORS = (Role.KEPALA,)


def team_for_user(membership: Membership, semester: Semester, *, write: bool = False) -> SupervisionTeam | None:
    """The Tim Supervisi of `semester` (None until named), with its members. Every member of the
    madrasah reads it; only the Kepala names it (the decree is his)."""
    if semester.madrasah_id != membership.madrasah_id:
        raise Http404
    if write and not membership.has_role(*TEAM_EDITORS):
        raise PermissionDenied
    members = (
        TeamMember.objects.select_related("staff")
        .prefetch_related("staff__subjects")
        .order_by(Case(When(duty__iexact="Ketua", then=0), default=1), "staff__name")
    )
    return (
        SupervisionTeam.objects.filter(semester=semester)
        .prefetch_related(Prefetch("memberships", queryset=members))
        .first()
    )


# --- PKG (yearly appraisal) -------------------------------------------------------------------------
# An appraisal is the teacher's private, high-stakes record: only the teacher, their assessor and the
# Kepala see it (anyone else: 404). The Kepala sets up the period and assigns assessors; the assessor
# scores; the teacher self-evaluates, signs or asks for clarification; the Kepala approves and reopens.

APPRAISAL_MANAGERS = (Role.KEPALA,)


def appraisal_period_for_user(membership: Membership, pk: int, *, write: bool = False) -> AppraisalPeriod:
    period = get_object_or_404(
        AppraisalPeriod.objects.select_related("academic_year"), pk=pk, madrasah_id=membership.madrasah_id
    )
    if (
        not membership.has_role(Role.KEPALA, Role.WAKA)
        and not period.appraisals.filter(assessor_id=membership.user_id).exists()
    ):
        raise PermissionDenied
    if write and not membership.has_role(*APPRAISAL_MANAGERS):
        raise PermissionDenied
    return period


def appraisal_for_user(membership: Membership, pk: int, *, action: str = "read") -> Appraisal:
    """`action`: "read"; "score" (the assessor: evidence and indicator scores); "self" and
    "respond" (the teacher: self-evaluation; sign as received or ask for clarification); "approve"
    (the Kepala: approve, reopen). Not the teacher, the assessor or the Kepala → 404; one of them
    but not allowed this action → 403. Stage rules live in the services."""
    appraisal = get_object_or_404(
        Appraisal.objects.select_related("period__academic_year", "teacher", "assessor", "instrument_version"),
        pk=pk,
        madrasah_id=membership.madrasah_id,
    )
    is_teacher = membership.staff_id is not None and appraisal.teacher_id == membership.staff_id
    is_assessor = appraisal.assessor_id == membership.user_id
    is_kepala = membership.has_role(Role.KEPALA)
    if not (is_teacher or is_assessor or is_kepala):
        raise Http404
    allowed = {
        "read": True,
        "score": is_assessor,
        "self": is_teacher,
        "respond": is_teacher,
        # The Kepala approves; his own appraisal is approved by the pengawas who appraised him.
        "approve": (is_kepala and not is_teacher) or (is_assessor and membership.has_role(Role.PENGAWAS)),
    }[action]
    if not allowed:
        raise PermissionDenied
    return appraisal


# --- A teacher's growth record (home "Perkembangan Saya", bukti dukung) ------------------------------
# The teacher's own; the Kepala, the Waka and the pengawas read any active teacher's of their madrasah.
# Another teacher or another madrasah → 404; the operator, who never sees scores → 403. Used by the
# growth page and the evidence archive.

TEACHER_GROWTH_READERS = (Role.KEPALA, Role.WAKA, Role.PENGAWAS)


def teacher_growth_for_user(membership: Membership, staff_pk: int) -> Staff:
    teacher = get_object_or_404(
        Staff.objects.teachers().active().select_related("madrasah"), pk=staff_pk, madrasah_id=membership.madrasah_id
    )
    is_self = membership.staff_id is not None and membership.staff_id == teacher.pk
    if is_self or membership.has_role(*TEACHER_GROWTH_READERS):
        return teacher
    if membership.has_role(Role.OPERATOR):
        raise PermissionDenied
    raise Http404


# --- PKB (professional development log) -------------------------------------------------------------
# An entry is the teacher's own record: other teachers get 404. The Waka and the Kepala read and
# verify it (never their own: someone else verifies that); the pengawas reads. An in-house activity
# is read by the Waka, the Kepala and the pengawas and recorded by the Waka and the Kepala.

PKB_VERIFIERS = (Role.WAKA, Role.KEPALA)
PKB_READERS = (Role.WAKA, Role.KEPALA, Role.PENGAWAS)


def pkb_activity_for_user(membership: Membership, pk: int, *, action: str = "read"):
    """`action`: "read"; "edit" (the teacher, own entry); "verify" (the Waka or the Kepala, not on
    their own entry). Neither the teacher nor a reader → 404; visible but not allowed → 403. Status
    rules live in the services."""
    activity = get_object_or_404(
        PkbActivity.objects.select_related("teacher", "verified_by", "in_house", "madrasah"),
        pk=pk,
        madrasah_id=membership.madrasah_id,
    )
    is_teacher = membership.staff_id is not None and activity.teacher_id == membership.staff_id
    if not (is_teacher or membership.has_role(*PKB_READERS)):
        raise Http404
    allowed = {
        "read": True,
        "edit": is_teacher,
        "verify": membership.has_role(*PKB_VERIFIERS) and not is_teacher,
    }[action]
    if not allowed:
        raise PermissionDenied
    return activity


def in_house_for_user(membership: Membership, pk: int, *, write: bool = False):
    """Another madrasah's activity → 404; not a reader → 403; `write` for the Waka and the Kepala."""
    activity = get_object_or_404(
        InHouseActivity.objects.select_related("madrasah", "created_by"), pk=pk, madrasah_id=membership.madrasah_id
    )
    if not membership.has_role(*PKB_READERS):
        raise PermissionDenied
    if write and not membership.has_role(*PKB_VERIFIERS):
        raise PermissionDenied
    return activity
