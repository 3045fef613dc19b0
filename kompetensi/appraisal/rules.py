"""PKG rules without the database: the stages each step starts from, the 0/1/2 indicator points and
what a member may do on an appraisal in a given stage (docs/domain.md §7 "The four competencies and
the PKG instrument": the assessor scores, the teacher signs, the Kepala approves)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kompetensi.instruments.rules import PKKM_INDICATOR_POINTS
from madrasah.errors import ApplicationError

from ..models import AppraisalStage, InstrumentKind

S = AppraisalStage
SIGNABLE = (S.SUBMITTED,)
CLARIFIABLE = (S.SUBMITTED,)
APPROVABLE = (S.SIGNED, S.CLARIFICATION)
REOPENABLE = (S.SUBMITTED, S.SIGNED, S.CLARIFICATION, S.APPROVED)

PKG_POINTS = (0, 1, 2)
KEEP = object()  # a posted indicator without this key keeps what is stored
MAX_NOTE = 5000


def points_allowed(kind: str) -> tuple[int, ...]:
    """An indicator's points on an instrument of `kind`: 1–4 on the Kepala's PKKM (docs/domain.md §13),
    0/1/2 on a PKG."""
    return PKKM_INDICATOR_POINTS if kind == InstrumentKind.PKKM else PKG_POINTS


def clean_points(value, allowed: tuple[int, ...] = PKG_POINTS) -> int | None:
    """An indicator's posted points as one of `allowed` (None: not scored); anything else is refused."""
    if value in (None, ""):
        return None
    refused = ApplicationError(
        _("An indicator scores 0, 1 or 2.")
        if allowed == PKG_POINTS
        else _("An indicator scores %(lowest)s to %(highest)s.") % {"lowest": allowed[0], "highest": allowed[-1]},
        field="scores",
    )
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise refused
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise refused from None
    if number not in allowed:
        raise refused
    return number


@dataclass
class AppraisalActions:
    """What the current member may do on an appraisal now (drives `appraisal/_actions.html`)."""

    submit: bool = False
    unscored: int = 0
    sign: bool = False
    clarify: bool = False
    approve: bool = False
    approve_waits_for_signature: bool = False
    needs_confirmation: bool = False
    reopen: bool = False
    own: bool = False


def appraisal_actions_in(
    *, stage: str, is_teacher: bool, is_assessor: bool, is_kepala: bool, unscored: int = 0, pengawas: bool = False
) -> AppraisalActions:
    """The actions of a member in `stage`: the assessor submits while in progress (`unscored`
    indicators disable it), the teacher signs or asks for clarification, the Kepala approves and
    reopens every appraisal but his own; the Kepala's own is approved by the pengawas who appraised him
    (`pengawas`: the member is a pengawas and this appraisal's assessor)."""
    manager = (is_kepala and not is_teacher) or (pengawas and is_assessor)
    actions = AppraisalActions(own=is_teacher)
    if is_assessor and stage == S.IN_PROGRESS:
        actions.submit = True
        actions.unscored = unscored
    actions.sign = is_teacher and stage in SIGNABLE
    actions.clarify = is_teacher and stage in CLARIFIABLE
    if manager and stage in APPROVABLE:
        actions.approve = True
        actions.needs_confirmation = stage == S.CLARIFICATION
    actions.approve_waits_for_signature = manager and stage == S.SUBMITTED
    actions.reopen = manager and stage in REOPENABLE
    return actions
