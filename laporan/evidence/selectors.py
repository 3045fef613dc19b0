"""Reads of bukti dukung: exactly the teacher's records of the period that e-Kinerja takes, nothing
in another state and nothing of another teacher.

- supervision results that are FINAL: of the semester's programme for a semester, else observed
  within the period (the day observed, else the day planned, in the madrasah's time zone);
- the PKG appraisal APPROVED within the period, and the documents uploaded to it;
- PKB entries VERIFIED that start within the period and have a certificate or other file;
- the in-house activities (in-house training, group coaching) the teacher attended that start within
  the period: their berita acara is the teacher's evidence (docs/domain.md §10).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from kompetensi.models import (
    Appraisal,
    AppraisalEvidence,
    AppraisalStage,
    InHouseActivity,
    Observation,
    ObservationState,
    PkbActivity,
    PkbStatus,
)
from madrasah.models import Staff

from ..documents.kinds._shared import local_window
from .rules import EvidencePeriod


@dataclass
class EvidenceRecords:
    observations: list[Observation] = field(default_factory=list)
    appraisal: Appraisal | None = None
    appraisal_documents: list[AppraisalEvidence] = field(default_factory=list)
    pkb: list[PkbActivity] = field(default_factory=list)
    in_house: list[InHouseActivity] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.observations or self.appraisal or self.pkb or self.in_house)


def evidence_records(*, teacher: Staff, period: EvidencePeriod, include_appraisal: bool = True) -> EvidenceRecords:
    """The records of `teacher` in `period` (see the module docstring), each list by date. A fixed
    handful of queries, whatever the number of records. `include_appraisal=False` leaves the PKG out
    for a reader who may not see it."""
    scope = {"teacher": teacher, "madrasah_id": teacher.madrasah_id}
    window = local_window(period.start, period.end)
    observations = Observation.objects.filter(**scope, state=ObservationState.FINAL).select_related(
        "row__subject",
        "row__programme__semester",
        "instrument_version__instrument",
        "instrument_version__academic_year",
    )
    if period.semester is not None:
        observations = observations.filter(row__programme__semester=period.semester)
    else:
        observations = observations.filter(
            Q(observed_on__range=(period.start, period.end))
            | Q(observed_on__isnull=True, row__planned_at__gte=window[0], row__planned_at__lt=window[1])
        )
    records = EvidenceRecords(observations=list(observations.order_by("row__planned_at", "pk")))
    if include_appraisal:
        records.appraisal = (
            Appraisal.objects.filter(
                **scope, stage=AppraisalStage.APPROVED, approved_at__gte=window[0], approved_at__lt=window[1]
            )
            .select_related("period__academic_year")
            .order_by("approved_at", "pk")
            .first()
        )
        if records.appraisal is not None:
            records.appraisal_documents = list(
                records.appraisal.evidence.exclude(file="").order_by("section__order", "created_at", "pk")
            )
    records.pkb = list(
        PkbActivity.objects.filter(**scope, status=PkbStatus.VERIFIED, start_date__range=(period.start, period.end))
        .exclude(evidence="")
        .order_by("start_date", "pk")
    )
    records.in_house = list(
        InHouseActivity.objects.filter(
            madrasah_id=teacher.madrasah_id, attendees=teacher, start_date__range=(period.start, period.end)
        )
        .prefetch_related(Prefetch("attendees", queryset=Staff.objects.order_by("name", "pk")))
        .order_by("start_date", "pk")
    )
    return records
