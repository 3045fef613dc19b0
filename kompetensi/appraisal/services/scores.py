"""PKG scoring writes: indicator scores, evidence, the teacher's self-evaluation and the stored
results (`selectors.results.appraisal_result`, score_pkg on the stored scores, written as
`CompetencyResult` rows, total, Nilai PKG and predikat)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kompetensi.instruments.rules import PkgResult, SaveResult, clean_sheet_scores, note_check
from kompetensi.instruments.selectors import sheet_item_ids
from madrasah.errors import ApplicationError
from madrasah.files import evidence_check, evidence_original_name
from madrasah.models import User
from madrasah.versioning import version_claim
from madrasah.workflow import locked

from ...models import (
    Appraisal,
    AppraisalEvent,
    AppraisalEvidence,
    AppraisalScore,
    AppraisalStage,
    CompetencyResult,
    InstrumentVersion,
    Section,
    SelfEvaluation,
)
from ..rules import KEEP, MAX_NOTE, clean_points, points_allowed
from ..selectors.results import AppraisalResult, appraisal_result, supervision_records_for


@transaction.atomic
def appraisal_results_store(appraisal: Appraisal) -> PkgResult:
    """Recompute score_pkg on the stored scores and rewrite the appraisal's CompetencyResult rows and
    its total, Nilai PKG and predikat. Called by the workflow on submission and on approval; refuses
    (ApplicationError) while an indicator is unscored. Safe to retry: the rows are rewritten whole.
    Positional-or-keyword on purpose: the workflow calls it as `appraisal_results_store(appraisal)`."""
    appraisal = locked(Appraisal, appraisal.pk, "instrument_version")
    result = appraisal_result(appraisal=appraisal)
    if result.pkg is None:
        raise ApplicationError(
            _("%(scored)s of %(count)s indicators are scored: score every indicator first.")
            % {"scored": result.scored, "count": result.count}
        )
    competency_of = {s.section.pk: s.section.competency_id for s in result.sections}
    if any(competency is None for competency in competency_of.values()):
        raise ApplicationError(_("A section of this PKG instrument is not linked to a competency."))
    CompetencyResult.objects.filter(appraisal=appraisal).delete()
    CompetencyResult.objects.bulk_create(
        [
            CompetencyResult(
                appraisal=appraisal,
                competency_id=competency_of[c.key],
                percentage=c.percentage.quantize(Decimal("0.0001")),
                score=c.score,
            )
            for c in result.pkg.competencies
        ]
    )
    appraisal.total = result.pkg.total
    appraisal.nilai = result.pkg.nilai.quantize(Decimal("0.0001"))
    appraisal.predikat = result.pkg.predikat or ""
    appraisal.save(update_fields=["total", "nilai", "predikat", "updated_at"])
    return result.pkg


# --- indicator scores -------------------------------------------------------------------------------


def _entry_cleaner(allowed: tuple[int, ...]):
    def clean_entry(value: dict) -> dict:
        # A key left out keeps what is stored (a form may send only the notes, or only the scores).
        note = value.get("note")
        return {
            "points": clean_points(value["points"], allowed) if "points" in value else KEEP,
            "note": KEEP if note is None else note_check(str(note)),
        }

    return clean_entry


def _clean_scores(version: InstrumentVersion, scores: dict) -> dict[int, dict]:
    """{item id: {"points": 0|1|2|None (1–4 on a PKKM), "note": str}}; items of this version only."""
    foreign = _("An indicator does not belong to this instrument.")
    return clean_sheet_scores(
        sheet_item_ids(version),
        scores,
        clean_entry=_entry_cleaner(points_allowed(version.instrument.kind)),
        unknown_message=foreign,
        foreign_message=foreign,
        field="scores",
        bare_value="points",
    )


@transaction.atomic
def appraisal_scores_save(
    *, appraisal: Appraisal, user: User, scores: dict, version: int | None = None
) -> SaveResult[AppraisalResult]:
    """Store the assessor's indicator scores and notes while the appraisal is "proses".

    `scores` is {item id: {"points": 0|1|2|None, "note": str}}. Everything is checked before anything
    is written; a score outside 0/1/2 or an item of another instrument writes nothing. `version` is
    the revision the scoring form was opened on (every form passes it; None only for callers that
    hold no copy, such as the demo data): if the appraisal was saved since, by anyone, and the form
    would change something, nothing is written and `StaleVersion` lists, per indicator the form would
    change, the stored score and the typed one. Increments the revision and writes a "saved" event
    with each indicator's change from → to. Safe to retry: the same values twice record no change.
    """
    appraisal = locked(Appraisal, appraisal.pk, "instrument_version")
    if appraisal.assessor_id != user.pk:
        raise ApplicationError(_("Only the assessor scores this appraisal."))
    if user.memberships.filter(madrasah_id=appraisal.madrasah_id, staff_id=appraisal.teacher_id).exists():
        raise ApplicationError(_("A teacher cannot appraise himself or herself."))
    if appraisal.stage != AppraisalStage.IN_PROGRESS:
        raise ApplicationError(_("This appraisal is no longer in progress: scores can no longer be changed."))
    cleaned = _clean_scores(appraisal.instrument_version, scores)
    existing = {s.item_id: s for s in appraisal.scores.all()}
    changes, differing, to_create, to_update = [], [], [], []
    for item_id, value in cleaned.items():
        stored = existing.get(item_id)
        before = (stored.points, stored.note) if stored else (None, "")
        after = (
            before[0] if value["points"] is KEEP else value["points"],
            before[1] if value["note"] is KEEP else value["note"],
        )
        if before == after:
            continue
        differing.append({"item": item_id, "stored": before, "mine": after})
        if before[0] != after[0]:
            changes.append({"what": "item", "item": item_id, "from": before[0], "to": after[0]})
        elif before[1] != after[1]:
            changes.append({"what": "note", "item": item_id})
        if stored:
            stored.points, stored.note = after
            to_update.append(stored)
        else:
            to_create.append(AppraisalScore(appraisal=appraisal, item_id=item_id, points=after[0], note=after[1]))
    if not changes:
        # Nothing to write, so nothing to overwrite (a "Simpan" right after the autosaves, say); the
        # answer keeps the form's token, so an old copy never receives a fresh one.
        token = appraisal.revision if version is None else version
        return SaveResult(revision=token, result=appraisal_result(appraisal=appraisal), changes=[])
    if version is None:
        appraisal.revision += 1
    else:  # before writing: a stale form is refused with nothing written
        version_claim(appraisal, expected=version, field="revision", changes=differing)
    AppraisalScore.objects.bulk_create(to_create)
    AppraisalScore.objects.bulk_update(to_update, ["points", "note"])
    appraisal.save(update_fields=["revision", "updated_at"])
    AppraisalEvent.objects.create(appraisal=appraisal, actor=user, action="saved", changes=changes)
    return SaveResult(revision=appraisal.revision, result=appraisal_result(appraisal=appraisal), changes=changes)


# --- self-evaluation ----------------------------------------------------------------------------------


@transaction.atomic
def self_evaluation_save(*, appraisal: Appraisal, user: User, scores: dict, reflection: str) -> SelfEvaluation:
    """The teacher's own 0/1/2 per indicator and a reflection, until the appraisal is approved. Seen
    only by the teacher, the assessor and the Kepala. Writes a "self_evaluation" event (without the
    scores). Safe to retry."""
    appraisal = locked(Appraisal, appraisal.pk, "instrument_version", "teacher")
    if not user.memberships.filter(madrasah_id=appraisal.madrasah_id, staff_id=appraisal.teacher_id).exists():
        raise ApplicationError(_("Only the appraised teacher fills in the self-evaluation."))
    if appraisal.stage == AppraisalStage.APPROVED:
        raise ApplicationError(_("This appraisal has been approved: the self-evaluation can no longer be changed."))
    if len(reflection) > MAX_NOTE:
        raise ApplicationError(
            _("The reflection is too long (at most %(max)s characters).") % {"max": MAX_NOTE}, field="reflection"
        )
    cleaned = _clean_scores(appraisal.instrument_version, scores)
    values = {str(item_id): v["points"] for item_id, v in cleaned.items() if v["points"] not in (None, KEEP)}
    evaluation, _created = SelfEvaluation.objects.update_or_create(
        appraisal=appraisal, defaults={"scores": values, "reflection": reflection}
    )
    AppraisalEvent.objects.create(appraisal=appraisal, actor=user, action="self_evaluation")
    return evaluation


# --- evidence -----------------------------------------------------------------------------------------


@transaction.atomic
def appraisal_evidence_add(
    *,
    appraisal: Appraisal,
    user: User,
    section_id: int,
    note: str = "",
    upload=None,
    observation_id: int | None = None,
) -> AppraisalEvidence:
    """Evidence for one competency, by the assessor while "proses": an observation note, a document
    (PDF/JPEG/PNG ≤ 5 MB judged by content, stored under a random name) and/or a link to one of the
    teacher's supervision records of the year. Writes an "evidence_added" event."""
    appraisal = locked(Appraisal, appraisal.pk, "period")
    if appraisal.assessor_id != user.pk:
        raise ApplicationError(_("Only the assessor adds evidence."))
    if appraisal.stage != AppraisalStage.IN_PROGRESS:
        raise ApplicationError(_("This appraisal is no longer in progress: evidence can no longer be added."))
    section = Section.objects.filter(pk=section_id, version_id=appraisal.instrument_version_id).first()
    if section is None:
        raise ApplicationError(_("Choose a competency of this instrument."), field="section")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ApplicationError(_("A note is too long (at most %(max)s characters).") % {"max": MAX_NOTE}, field="note")
    observation = None
    if observation_id:
        observation = supervision_records_for(appraisal=appraisal).filter(pk=observation_id).first()
        if observation is None:
            raise ApplicationError(
                _("Link only this teacher's supervision records of the academic year."), field="observation"
            )
    if not (note or upload or observation):
        raise ApplicationError(_("Write a note, attach a document or link a supervision record."), field="note")
    evidence = AppraisalEvidence(
        appraisal=appraisal, section=section, note=note, observation=observation, added_by=user
    )
    if upload:
        _content_type, extension = evidence_check(upload)
        evidence.original_name = evidence_original_name(upload.name)
        evidence.file.save(f"dokumen{extension}", upload, save=False)
    try:
        evidence.save()
    except Exception:
        if evidence.file:
            evidence.file.delete(save=False)
        raise
    AppraisalEvent.objects.create(
        appraisal=appraisal, actor=user, action="evidence_added", note=evidence.original_name or section.title
    )
    return evidence
