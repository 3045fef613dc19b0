"""The stages of a quality cycle: Plan → Do → Check → Act → closed, one at a time, each behind its
gate; the Kepala's "reopen to the previous stage" with a reason; the Act decision with its factors;
and closing, which for "continue" opens the next cycle (docs/domain.md §11). A closed cycle never
changes. Every move is a `CycleEvent` `{"what": "stage", "from": …, "to": …}` with its actor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import AcademicYear, Role, Semester, User
from madrasah.workflow import claim, clean_text, holds, record_event, transition

from ...models import STAGE_ORDER, Activity, ActivityStatus, Cycle, CycleEvent, Decision, FactorTag, Measurement, Stage
from .. import indicators, rules, selectors
from ..rules import next_stage
from .common import diff, lock_open_cycle


def _gate(cycle: Cycle, to: str) -> None:
    """What a cycle needs before it enters `to`."""
    activities = Activity.objects.filter(cycle=cycle).exclude(status=ActivityStatus.CANCELLED)
    if to == Stage.DO:
        if cycle.target is None or not activities.exists():
            raise ApplicationError(_("Plan a target and at least one activity before moving to Do."))
    elif to == Stage.CHECK:
        if not activities.filter(Q(progress__isnull=False) | Q(status=ActivityStatus.DONE)).exists():
            raise ApplicationError(
                _("Log progress on at least one activity (or mark one done) before moving to Check.")
            )
    elif to == Stage.ACT and not Measurement.objects.filter(cycle=cycle).exists():
        raise ApplicationError(_("Measure the indicator (Measure now) before moving to Act."))


@transaction.atomic
def cycle_advance(*, cycle: Cycle, user: User, to: str | None = None, now: dt.datetime | None = None):
    """Move the cycle to the next stage behind its gate: Plan → Do needs a target and an activity;
    Do → Check an activity with progress (or done); Check → Act a measurement; Act → closed the
    decision with its reasons (see `cycle_close`). `to` is the stage the user saw as next: anything
    else (a skip, or a second click after the first moved it) is refused, so a retry is safe.
    Returns the next cycle when closing opened one, else None."""
    lock_open_cycle(cycle)
    following = next_stage(cycle.stage)
    if to and to != following:
        if to in Stage.values and STAGE_ORDER.index(to) <= STAGE_ORDER.index(cycle.stage):
            raise ApplicationError(
                _("The cycle is already in %(stage)s. It does not go back; the Kepala may reopen it instead.")
                % {"stage": Stage(cycle.stage).label}
            )
        raise ApplicationError(
            _("Stages are not skipped: from %(stage)s the cycle moves to %(next)s.")
            % {"stage": Stage(cycle.stage).label, "next": Stage(following).label}
        )
    if following == Stage.CLOSED:
        return cycle_close(cycle=cycle, user=user, now=now)
    _gate(cycle, following)
    transition(
        cycle,
        field="stage",
        expected=cycle.stage,
        to=following,
        actor=user,
        action="stage_changed",
        event_model=CycleEvent,
        updated_at=timezone.now(),
    )
    return None


@transaction.atomic
def cycle_reopen(*, cycle: Cycle, user: User, reason: str) -> Cycle:
    """The Kepala takes a cycle back to the previous stage, with a reason (kept in the history).
    A cycle in Plan has nothing before it; a closed cycle stays closed."""
    if not holds(user, cycle.madrasah_id, Role.KEPALA):
        raise ApplicationError(_("Only the Kepala reopens a cycle."))
    lock_open_cycle(cycle)
    if cycle.stage == Stage.PLAN:
        raise ApplicationError(_("A cycle in Plan has no previous stage."))
    reason = clean_text(reason, field="reason", required_message=_("Write why the cycle goes back a stage."))
    transition(
        cycle,
        field="stage",
        expected=cycle.stage,
        to=rules.previous_stage(cycle.stage),
        actor=user,
        action="reopened",
        event_model=CycleEvent,
        note=reason,
        updated_at=timezone.now(),
    )
    return cycle


@dataclass(frozen=True)
class ActData:
    decision: str
    decision_reason: str
    supporting_factors: str = ""
    supporting_tags: tuple[str, ...] = ()
    inhibiting_factors: str = ""
    inhibiting_tags: tuple[str, ...] = ()


def _act_display(cycle: Cycle) -> dict[str, str]:
    return {
        "decision": cycle.get_decision_display() if cycle.decision else "",
        "decision_reason": cycle.decision_reason,
        "supporting_factors": cycle.supporting_factors,
        "supporting_tags": ", ".join(rules.factor_labels(cycle.supporting_tags)),
        "inhibiting_factors": cycle.inhibiting_factors,
        "inhibiting_tags": ", ".join(rules.factor_labels(cycle.inhibiting_tags)),
    }


@transaction.atomic
def cycle_act_record(*, cycle: Cycle, user: User, data: ActData) -> Cycle:
    """Record the Act (in the Act stage): the decision — standardise, continue or stop — with its
    reasons, and the supporting and inhibiting factors (text and tags). Closing is `cycle_close`."""
    lock_open_cycle(cycle)
    if cycle.stage != Stage.ACT:
        raise ApplicationError(_("The decision is recorded in the Act stage."))
    if data.decision not in Decision.values:
        raise ApplicationError(_("Choose the decision: standardise, continue or stop."), field="decision")
    reason = clean_text(
        data.decision_reason, field="decision_reason", required_message=_("Write the reasons for the decision.")
    )
    for name in ("supporting_tags", "inhibiting_tags"):
        if not set(getattr(data, name)) <= set(FactorTag.values):
            raise ApplicationError(_("Choose factors from the list."), field=name)
    before = _act_display(cycle)
    cycle.decision = data.decision
    cycle.decision_reason = reason
    cycle.supporting_factors = clean_text(data.supporting_factors, field="supporting_factors")
    cycle.supporting_tags = [t for t in FactorTag.values if t in data.supporting_tags]
    cycle.inhibiting_factors = clean_text(data.inhibiting_factors, field="inhibiting_factors")
    cycle.inhibiting_tags = [t for t in FactorTag.values if t in data.inhibiting_tags]
    after = _act_display(cycle)
    cycle.save(
        update_fields=[
            "decision",
            "decision_reason",
            "supporting_factors",
            "supporting_tags",
            "inhibiting_factors",
            "inhibiting_tags",
            "updated_at",
        ]
    )
    changes = diff(before, after)
    if changes:
        record_event(CycleEvent, cycle, actor=user, action="act_recorded", changes=changes)
    return cycle


def _next_period_missing(cycle: Cycle) -> ApplicationError:
    if cycle.semester_id:
        return ApplicationError(
            _(
                "The next semester is not recorded yet, so the next cycle cannot be opened. Ask the operator to "
                "add it (Data → Semesters), then close this cycle again."
            )
        )
    return ApplicationError(
        _(
            "The academic year %(year)s is not recorded yet, so the next cycle cannot be opened. Ask the "
            "operator to add it (Data → Semesters), then close this cycle again."
        )
        % {"year": f"{cycle.academic_year.start_year + 1}/{cycle.academic_year.start_year + 2}"}
    )


@transaction.atomic
def cycle_close(*, cycle: Cycle, user: User, now: dt.datetime | None = None) -> Cycle | None:
    """Close a cycle in Act whose decision and reasons are recorded. "Continue" also opens the next
    cycle, linked to this one, in Plan, for the next semester or academic year, with the same
    indicator, parameters, direction, target, owner and team, and the latest measured value as its
    baseline; when that period is not recorded yet nothing is written. Returns the next cycle (or
    None). A retry is refused (the cycle is closed)."""
    lock_open_cycle(cycle)
    if cycle.stage != Stage.ACT:
        raise ApplicationError(_("A cycle is closed from the Act stage, after the decision."))
    if not cycle.decision or not cycle.decision_reason.strip():
        raise ApplicationError(_("Record the Act decision and its reasons before closing the cycle."))
    now = now or timezone.now()
    following = None
    if cycle.decision == Decision.CONTINUE:
        rows = indicators.next_period_rows(cycle)
        if rows is None:
            raise _next_period_missing(cycle)
        following = _open_next(cycle, user, academic_year=rows[0], semester=rows[1], now=now)
    claim(cycle, field="stage", expected=Stage.ACT, stage=Stage.CLOSED, closed_at=now, updated_at=now)
    if following is not None:
        record_event(
            CycleEvent,
            cycle,
            actor=user,
            action="continued",
            note=f"{following.title} ({rules.period_text(following)})",
        )
    record_event(
        CycleEvent,
        cycle,
        actor=user,
        action="closed",
        changes=[{"what": "stage", "from": Stage.ACT, "to": Stage.CLOSED}],
    )
    return following


def _open_next(cycle: Cycle, user: User, *, academic_year: AcademicYear, semester: Semester | None, now) -> Cycle:
    copied = {
        name: getattr(cycle, name)
        for name in (
            "madrasah_id",
            "title",
            "standard",
            "edm_aspect",
            "edm_indicator",
            "owner_id",
            "indicator",
            "instrument_id",
            "section_title",
            "competency_id",
            "subject_group",
            "predikat",
            "manual_name",
            "manual_unit",
            "direction",
            "target",
        )
    }
    source = selectors.latest_measured_value(cycle=cycle) or selectors.latest_measurement(cycle=cycle)
    following = Cycle.objects.create(
        **copied,
        academic_year=academic_year,
        semester=semester,
        stage=Stage.PLAN,
        previous=cycle,
        created_by=user,
        baseline=source.value if source else None,
        baseline_n=source.n if source else None,
        baseline_total=source.total if source else None,
        baseline_start_year=source.period_start_year if source else None,
        baseline_semester=source.period_semester if source else "",
        baseline_measured_at=source.measured_at if source else None,
    )
    following.team.set(cycle.team.all())
    record_event(
        CycleEvent,
        following,
        actor=user,
        action="continued_from",
        changes=[{"what": "stage", "from": None, "to": Stage.PLAN}],
        note=f"{cycle.title} ({rules.period_text(cycle)})",
    )
    return following
