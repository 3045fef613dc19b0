"""Observations: starting one, saving scores with a version token, scoring, history.

Every stored percentage and predikat comes from `instruments.scoring.score_instrument` through
`observation_result`, so a supervision's score is the same wherever it appears.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.texts import shorten
from madrasah.versioning import StaleVersion, version_claim
from madrasah.workflow import locked, record_event

from ...instruments.rules import SaveResult, clean_sheet_scores
from ...instruments.scoring import InstrumentResult, stored_value
from ...instruments.selectors import sheet_item_ids
from ...instruments.services import instrument_version_freeze
from ...models import (
    InstrumentVersion,
    Item,
    Observation,
    ObservationConflictCopy,
    ObservationEvent,
    ObservationScore,
    ObservationState,
    ProgrammeRow,
)
from ..rules import MAX_CLASS_NAME, MAX_TEXT, TEXT_FIELDS, describe_score, programme_row_can_observe, score_entry_clean
from ..selectors.observations import observation_result


class ConflictError(StaleVersion):
    """The sheet was saved (from another device or by another person) after the revision the client
    started from; `changes` says what is stored now where the refused entries differ; `copy` is the
    kept copy of the refused entries (`ObservationConflictCopy`), for its author to choose from."""

    def __init__(self, message: str, *, revision: int, changes: list[dict]):
        super().__init__(message, current=revision, changes=changes)
        self.extra.update(revision=revision, changes=changes)
        self.revision = revision
        self.copy: ObservationConflictCopy | None = None


def _store_result(observation: Observation) -> InstrumentResult:
    result = observation_result(observation)
    observation.percentage = stored_value(result.percentage)
    observation.predikat = result.predikat or ""
    return result


@transaction.atomic
def observation_start(*, row: ProgrammeRow, version: InstrumentVersion, user) -> Observation:
    """The observation of `row` with `version` (created on first call; later calls return it).

    Observations start only on an approved programme and an instrument of the row. The instrument
    version is frozen from then on: old results keep their meaning.
    """
    if not programme_row_can_observe(row):
        raise ApplicationError(_("Observations start only on an approved programme and a row that is not cancelled."))
    if not row.instruments.filter(pk=version.pk).exists():
        raise ApplicationError(_("This instrument is not planned for this supervision."))
    observation, created = Observation.objects.get_or_create(
        row=row,
        instrument_version=version,
        defaults={
            "madrasah_id": row.programme.madrasah_id,
            "teacher_id": row.teacher_id,
            "supervisor_id": row.supervisor_id,
            "class_name": row.class_name,
            "last_saved_by": user,
        },
    )
    if created:
        instrument_version_freeze(version=version)
        record_event(ObservationEvent, observation, actor=user, action="created")
    return observation


def clean_observation_scores(version: InstrumentVersion, scores: dict) -> dict[int, dict]:
    """Validate a payload {item id: {"points": int|None, "na": bool, "note": str}} against the
    version: items of this version only, points within the scale, N/A only where allowed."""
    return clean_sheet_scores(
        sheet_item_ids(version),
        scores,
        clean_entry=lambda value: score_entry_clean(version, value),
        unknown_message=_("Unknown item."),
        foreign_message=_("An item does not belong to this instrument version."),
    )


def observation_save(
    *, observation: Observation, user, base_revision: int, scores: dict, fields: dict
) -> SaveResult[InstrumentResult]:
    """Save scores and notes of a draft observation (autosave, the plain form and the conflict choice
    all come here).

    `base_revision` is the version token the client started from. If the sheet has been saved since,
    by anyone (another person, or the same person on another device that kept an old copy), nothing
    is written: `ConflictError` lists what is stored now, and the refused entries are kept as the
    author's open `ObservationConflictCopy` (in its own transaction, so the refusal keeps it) to
    choose from. Entries equal to what is stored are no conflict: they write nothing and the answer
    keeps the client's token, so its next real change is still checked. A token newer than the
    stored one is refused. Safe to retry: saving the same values twice records one change.
    """
    # conflicts.py builds on this module (it saves the chosen entries through observation_save)
    from .conflicts import conflict_copy_settle

    try:
        saved = _observation_save(
            observation=observation, user=user, base_revision=base_revision, scores=scores, fields=fields
        )
    except ConflictError as conflict:
        conflict.copy = _conflict_copy_keep(
            observation=observation, user=user, base_revision=base_revision, scores=scores, fields=fields
        )
        raise
    conflict_copy_settle(observation=observation, user=user)
    return saved


@transaction.atomic
def _conflict_copy_keep(
    *, observation: Observation, user, base_revision: int, scores: dict, fields: dict
) -> ObservationConflictCopy:
    """The author's open copy of refused entries, with these merged in (a later entry replaces an
    earlier one of the same item or field)."""
    cleaned = clean_observation_scores(observation.instrument_version, scores)
    copy, _created = ObservationConflictCopy.objects.select_for_update().get_or_create(
        observation=observation, author=user, resolved_at=None, defaults={"base_revision": base_revision}
    )
    copy.scores.update({str(item_id): value for item_id, value in cleaned.items()})
    for name, value in fields.items():
        copy.fields[name] = "" if value is None else str(value)
    copy.base_revision = base_revision
    copy.save()
    return copy


def _stored_changes(observation: Observation, existing: dict, cleaned: dict, texts: dict, observed_on) -> list[dict]:
    """Where the refused entries differ from the stored sheet: the stored value of each."""
    theirs = [
        {"item": item_id, "label": shorten(s.item.text, 80), "theirs": describe_score(s.points, s.not_applicable)}
        for item_id, s in existing.items()
        if item_id in cleaned and (s.points, s.not_applicable) != (cleaned[item_id]["points"], cleaned[item_id]["na"])
    ]
    unscored = [i for i, v in cleaned.items() if i not in existing and (v["points"] is not None or v["na"])]
    theirs += [
        {"item": item.pk, "label": shorten(item.text, 80), "theirs": None}
        for item in Item.objects.filter(pk__in=unscored).order_by("section__order", "order", "pk")
    ]
    theirs += [
        {"field": name, "theirs": getattr(observation, name)}
        for name, value in texts.items()
        if getattr(observation, name) != value
    ]
    if observed_on != observation.observed_on:
        theirs.append({"field": "observed_on", "theirs": str(observation.observed_on or "")})
    return theirs


@transaction.atomic
def _observation_save(
    *, observation: Observation, user, base_revision: int, scores: dict, fields: dict
) -> SaveResult[InstrumentResult]:
    observation = locked(Observation, observation.pk, "instrument_version")
    if observation.state != ObservationState.DRAFT:
        raise ApplicationError(_("This observation has been submitted and can no longer be changed."))
    if base_revision > observation.revision:
        raise ApplicationError(_("The sheet does not say which version it started from. Reload the page."))
    version = observation.instrument_version
    cleaned = clean_observation_scores(version, scores)
    texts = {name: str(fields[name]) for name in TEXT_FIELDS if name in fields}
    if "class_name" in texts:
        texts["class_name"] = texts["class_name"].strip()
        if len(texts["class_name"]) > MAX_CLASS_NAME:
            raise ApplicationError(
                _("The class is at most %(max)s characters, e.g. VIII-A.") % {"max": MAX_CLASS_NAME},
                field="class_name",
            )
    if any(len(v) > MAX_TEXT for v in texts.values()):
        raise ApplicationError(_("A note is too long (at most %(max)s characters).") % {"max": MAX_TEXT})
    observed_on = fields.get("observed_on", observation.observed_on)

    existing = {s.item_id: s for s in observation.scores.select_related("item")}
    changes, planned = [], []
    for item_id, value in cleaned.items():
        stored = existing.get(item_id)
        before = (stored.points, stored.not_applicable, stored.note) if stored else (None, False, "")
        after = (value["points"], value["na"], value["note"])
        if before == after:
            continue
        planned.append((item_id, stored, after))
        if before[:2] != after[:2]:
            changes.append(
                {"what": "item", "item": item_id, "from": describe_score(*before[:2]), "to": describe_score(*after[:2])}
            )
    for name, value in texts.items():
        if getattr(observation, name) != value:
            changes.append({"what": name, "from": getattr(observation, name), "to": value})
    if observed_on != observation.observed_on:
        changes.append(
            {"what": "observed_on", "from": str(observation.observed_on or ""), "to": str(observed_on or "")}
        )
    if not (changes or planned):
        return SaveResult(revision=base_revision, result=observation_result(observation))
    try:
        version_claim(observation, expected=base_revision, field="revision")
    except StaleVersion:
        raise ConflictError(
            _(
                "This observation was saved from another device or by another person after your copy was "
                "opened. Your entries were not saved: they are kept, and you choose which to keep."
            ),
            revision=observation.revision,
            changes=_stored_changes(observation, existing, cleaned, texts, observed_on),
        ) from None

    to_create, to_update = [], []
    for item_id, stored, (points, not_applicable, note) in planned:
        if stored:
            stored.points, stored.not_applicable, stored.note = points, not_applicable, note
            to_update.append(stored)
        else:
            to_create.append(
                ObservationScore(
                    observation=observation, item_id=item_id, points=points, not_applicable=not_applicable, note=note
                )
            )
    ObservationScore.objects.bulk_create(to_create)
    ObservationScore.objects.bulk_update(to_update, ["points", "not_applicable", "note"])
    for name, value in texts.items():
        setattr(observation, name, value)
    observation.observed_on = observed_on
    result = _store_result(observation)
    observation.last_saved_by = user
    observation.save()
    if changes:
        record_event(ObservationEvent, observation, actor=user, action="saved", changes=changes)
    return SaveResult(revision=observation.revision, result=result, changes=changes)


def observation_rescore(*, observation: Observation) -> InstrumentResult:
    """Recompute and store the score (after a transition that does not touch scores, it is a no-op)."""
    result = _store_result(observation)
    Observation.objects.filter(pk=observation.pk).update(
        percentage=observation.percentage, predikat=observation.predikat
    )
    return result
