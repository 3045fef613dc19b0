"""Observation pages that only read: the filled sheet as the record keeps it and the blank sheet
printed for paper, with the helpers the entry pages share (the shown result, the history, the
access log of an opening)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.formatting import format_decimal_id
from madrasah.models import AccessKind, Membership

from ...access import SUPERVISION_READERS, observation_for_user, programme_row_for_user
from ...instruments.rules import for_display
from ...instruments.scoring import NORMALISED, InstrumentResult, rule_sentence_of, shown_score
from ...instruments.selectors import instrument_version_sheet
from ...models import Observation, ObservationState, ProgrammeRow
from ..selectors.observations import observation_actions, observation_history, observation_result


def _row_sheet_for_user(membership: Membership, row_pk: int) -> ProgrammeRow:
    """A row whose blank sheet the member may print: the supervisor, the Kepala, the Waka and the
    pengawas; the observed teacher their own. It names the teacher (and their NIP), so other
    teachers and the operator get 404, as for the observation itself."""
    row = programme_row_for_user(membership, row_pk)
    is_teacher = membership.staff_id is not None and row.teacher_id == membership.staff_id
    if not (row.supervisor_id == membership.user_id or membership.has_role(*SUPERVISION_READERS) or is_teacher):
        raise Http404
    return row


def person_of(user, madrasah_id: int) -> SimpleNamespace:
    """Name and NIP of a login as printed under a signature (a pengawas may have no staff record)."""
    membership = Membership.objects.filter(user=user, madrasah_id=madrasah_id).select_related("staff").first()
    staff = membership.staff if membership else None
    if staff:
        return SimpleNamespace(name=staff.full_name, nip=staff.nip_display)
    return SimpleNamespace(name=user.get_full_name() or user.username, nip="")


def result_display(result: InstrumentResult) -> dict:
    """What the page and the autosave answer show: numbers the Indonesian way (82,50), the total as the
    predikat beside it was read (76 when the version reads its bands from a whole number)."""
    return {
        "percentage": shown_score(result.percentage, result.band_rounding),
        "predikat": result.predikat or "",
        "scored": result.scored,
        "applicable": result.applicable,
    }


def log_opening(request, observation: Observation, version) -> None:
    """UU PDP: the sheet (filled in or read) is the teacher's record; the supervisor's openings too."""
    access_log_record(
        viewer=request.membership,
        teacher_id=observation.teacher_id,
        kind=AccessKind.OBSERVATION,
        what=f"{version.instrument.name} ({observation.row.programme.semester})",
        path=request.get_full_path(),
    )


@membership_required()
def detail(request, pk: int):
    """The filled sheet as the record keeps it; the observed teacher sees it once submitted."""
    observation = observation_for_user(request.membership, pk)
    version = observation.instrument_version
    log_opening(request, observation, version)
    result = observation_result(observation)
    scores = {s.item_id: s for s in observation.scores.all()}
    sections = []
    for section in instrument_version_sheet(version=version):
        section_result = result.section(section.pk)
        items = []
        for item in section.items.all():
            score = scores.get(item.pk)
            points = score.points if score else None
            items.append(
                SimpleNamespace(
                    item=item,
                    points=points,
                    label=version.label_for(points) if points is not None else "",
                    not_applicable=bool(score and score.not_applicable),
                    note=score.note if score else "",
                )
            )
        sections.append(
            SimpleNamespace(
                section=section,
                items=items,
                percentage=format_decimal_id(for_display(section_result.percentage)),
                scored=section_result.scored,
                applicable=section_result.applicable,
            )
        )
    return render(
        request,
        "kompetensi/observation/detail.html",
        {
            "observation": observation,
            "row": observation.row,
            "version": version,
            "sections": sections,
            "result": result,
            "shown": result_display(result),
            "actions": observation_actions(observation=observation, membership=request.membership, result=result),
            "history": observation_history(observation=observation),
            "supervisor": person_of(observation.supervisor, observation.madrasah_id),
            "rule": rule_sentence_of(version),
            # With a scale from 1 and points as given, a sheet scored all 1s is 25,00, not 0 (said
            # beside the total); normalised, it is 0.
            "lowest": ""
            if version.item_scoring == NORMALISED
            else format_decimal_id(for_display(Decimal(version.scale_min) / Decimal(version.scale_max) * 100)),
            "can_edit": observation.state == ObservationState.DRAFT and observation.supervisor_id == request.user.pk,
        },
    )


def choices_of(version) -> list[tuple[str, str]]:
    return [(str(value), version.label_for(value)) for value in version.scale_values]


@membership_required()
def blank_sheet(request, row_pk: int, version_pk: int):
    """The instrument printed empty for this row: filled by hand in class, signed by both."""
    row = _row_sheet_for_user(request.membership, row_pk)
    version = get_object_or_404(row.instruments.select_related("instrument", "academic_year"), pk=version_pk)
    madrasah = request.membership.madrasah
    access_log_record(  # it prints the teacher's name and NIP
        viewer=request.membership,
        teacher_id=row.teacher_id,
        kind=AccessKind.OBSERVATION,
        what=_("Blank sheet: %(instrument)s") % {"instrument": version.instrument.name},
        path=request.get_full_path(),
    )
    return render(
        request,
        "kompetensi/observation/blank_sheet.html",
        {
            "row": row,
            "version": version,
            "madrasah": madrasah,
            "sections": instrument_version_sheet(version=version),
            "choices": choices_of(version),
            "teacher": SimpleNamespace(name=row.teacher.full_name, nip=row.teacher.nip_display),
            "supervisor": person_of(row.supervisor, madrasah.pk),
            "bands": list(version.bands.all()),
            "rule": rule_sentence_of(version),
            "columns": 3 + len(version.scale_values) + (1 if version.allow_not_applicable else 0),
            "paper": madrasah.paper_size.lower(),
        },
    )
