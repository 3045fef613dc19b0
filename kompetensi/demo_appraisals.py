"""The demo's PKG appraisals of one year, built in memory and written a table at a time.

Why bulk: through the services an appraisal costs about 90 queries (assignment with its checks,
scores, evidence, submission, signature, approval, each with its claim, event, result and notices),
which made `seed_demo --madrasah 100` and every test that seeds the demo slow. Here each appraisal
takes the path the services would give it — the same stages, events in the same order, the same
notices, open or done as the later moves would have left them — and its total, Nilai PKG, predikat
and competency results come from the official scoring rule (score_pkg, or score_pkkm for the
Kepala, on the version's sections and bands as `appraisal_result` reads them), never by hand. The
dates are those of a lived-in year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from madrasah.models import Membership
from madrasah.notifications import Note, notices_done_of, notify_many

from .appraisal import notices
from .demo_observations import BATCH_SIZE, aware, date_back
from .instruments.rules import score_pkg, score_pkkm
from .instruments.selectors import bands_of
from .instruments.services import instrument_version_freeze
from .models import (
    Appraisal,
    AppraisalEvent,
    AppraisalEvidence,
    AppraisalScore,
    AppraisalStage,
    CompetencyResult,
    InstrumentKind,
    InstrumentVersion,
)

S = AppraisalStage


@dataclass
class DemoAppraisal:
    """One appraisal on its way: what was scored and the moves made on it."""

    appraisal: Appraisal
    points: dict[int, int] = field(default_factory=dict)  # item id → points, in the instrument's order
    events: list[tuple[str, int | None, list, str]] = field(default_factory=list)  # action, actor, changes, note
    evidence: AppraisalEvidence | None = None
    results: list[CompetencyResult] = field(default_factory=list)
    teacher_user_id: int | None = None  # who signed it or asked for clarification
    approver_id: int | None = None


class AppraisalBuilder:
    """Collects a year's appraisals (`assign`, `save_scores`, `submit`, … as the services are named),
    then `write` stores them in a few statements per table."""

    def __init__(self, *, madrasah, period, kepala, today: dt.date, scored_on: dt.date):
        self.madrasah, self.period, self.kepala, self.today = madrasah, period, kepala, today
        self.scored_on = scored_on
        self.appraisals: list[DemoAppraisal] = []
        self.versions: dict[int, InstrumentVersion] = {}
        # Each version's sections with their items, and its bands, read once for all its appraisals.
        self.sections: dict[int, list] = {}
        self.bands: dict[int, list] = {}
        self.user_ids: dict[int, list[int]] = {}
        for staff_id, user_id in Membership.objects.filter(madrasah=madrasah, is_active=True).values_list(
            "staff_id", "user_id"
        ):
            self.user_ids.setdefault(staff_id, []).append(user_id)

    def assign(self, *, teacher, assessor, version: InstrumentVersion) -> DemoAppraisal:
        if version.pk not in self.versions:
            self.versions[version.pk] = version
            sections = version.sections.prefetch_related("items").order_by("order", "pk")
            self.sections[version.pk] = [(s, list(s.items.all())) for s in sections]
            self.bands[version.pk] = bands_of(version)
        appraisal = Appraisal(
            madrasah=self.madrasah,
            period=self.period,
            teacher=teacher,
            assessor=assessor,
            instrument_version=version,
        )
        demo = DemoAppraisal(appraisal=appraisal)
        demo.events.append(("assigned", self.kepala.pk, [{"what": "assessor", "from": None, "to": assessor.pk}], ""))
        self.appraisals.append(demo)
        return demo

    def save_scores(self, demo: DemoAppraisal, points: dict[int, int]) -> None:
        """The assessor's one save: the scores, a new revision and the "saved" event listing them."""
        demo.points = points
        demo.appraisal.revision = 1
        changes = [{"what": "item", "item": item_id, "from": None, "to": value} for item_id, value in points.items()]
        demo.events.append(("saved", demo.appraisal.assessor_id, changes, ""))

    def add_evidence(self, demo: DemoAppraisal, *, section, note: str) -> None:
        demo.evidence = AppraisalEvidence(
            appraisal=demo.appraisal, section=section, note=note, added_by_id=demo.appraisal.assessor_id
        )
        demo.events.append(("evidence_added", demo.appraisal.assessor_id, [], section.title))

    def submit(self, demo: DemoAppraisal) -> None:
        self._store_results(demo)
        appraisal = demo.appraisal
        appraisal.submitted_at = aware(self.scored_on, 13)
        self._move(demo, to=S.SUBMITTED, actor=appraisal.assessor_id, action="submitted")

    def sign(self, demo: DemoAppraisal, *, user, response: str) -> None:
        appraisal = demo.appraisal
        appraisal.signed_at = aware(min(self.scored_on + dt.timedelta(days=2), self.today), 10)
        appraisal.teacher_response = response
        demo.teacher_user_id = user.pk
        self._move(demo, to=S.SIGNED, actor=user.pk, action="signed", note=response)

    def request_clarification(self, demo: DemoAppraisal, *, user, text: str) -> None:
        demo.appraisal.clarification_request = text
        demo.teacher_user_id = user.pk
        self._move(demo, to=S.CLARIFICATION, actor=user.pk, action="clarification_requested", note=text)

    def approve(self, demo: DemoAppraisal, *, user) -> None:
        self._store_results(demo)
        appraisal = demo.appraisal
        end = min(self.period.end_date, self.today)
        appraisal.approved_at = aware(min(self.scored_on + dt.timedelta(days=10), end), 9)
        appraisal.approved_by = user
        demo.approver_id = user.pk
        self._move(demo, to=S.APPROVED, actor=user.pk, action="approved")

    def _move(self, demo: DemoAppraisal, *, to: str, actor: int, action: str, note: str = "") -> None:
        changes = [{"what": "stage", "from": demo.appraisal.stage, "to": to}]
        demo.appraisal.stage = to
        demo.events.append((action, actor, changes, note))

    def _store_results(self, demo: DemoAppraisal) -> None:
        """As `appraisal_results_store`: the scoring rule on the scores (every indicator scored), its
        competency results and the appraisal's total, Nilai and predikat."""
        appraisal = demo.appraisal
        version = self.versions[appraisal.instrument_version_id]
        sections = [(section, items) for section, items in self.sections[version.pk] if items]
        inputs = [(section.pk, [demo.points[item.pk] for item in items]) for section, items in sections]
        if version.instrument.kind == InstrumentKind.PKKM:
            pkg = score_pkkm(components=inputs, bands=self.bands[version.pk])
        else:
            pkg = score_pkg(competencies=inputs, bands=self.bands[version.pk])
        competency_of = {section.pk: section.competency_id for section, _items in sections}
        demo.results = [
            CompetencyResult(
                appraisal=appraisal,
                competency_id=competency_of[c.key],
                percentage=c.percentage.quantize(Decimal("0.0001")),
                score=c.score,
            )
            for c in pkg.competencies
        ]
        appraisal.total = pkg.total
        appraisal.nilai = pkg.nilai.quantize(Decimal("0.0001"))
        appraisal.predikat = pkg.predikat or ""

    # --- writing ------------------------------------------------------------------------------

    def write(self) -> None:
        """Store the year's appraisals: the rows, scores, evidence, results, events and notices."""
        for version in self.versions.values():
            instrument_version_freeze(version=version)
        Appraisal.objects.bulk_create([d.appraisal for d in self.appraisals], batch_size=BATCH_SIZE)
        AppraisalScore.objects.bulk_create(
            [
                AppraisalScore(appraisal_id=d.appraisal.pk, item_id=item_id, points=points)
                for d in self.appraisals
                for item_id, points in d.points.items()
            ],
            batch_size=BATCH_SIZE,
        )
        AppraisalEvidence.objects.bulk_create([d.evidence for d in self.appraisals if d.evidence])
        CompetencyResult.objects.bulk_create([r for d in self.appraisals for r in d.results], batch_size=BATCH_SIZE)
        self._write_events()
        self._write_notices()

    def _write_events(self) -> None:
        """Each appraisal's history in the order of its moves, dated as the year went (the events' `at`
        is stamped on insert, so it is moved back after)."""
        events, stamps = [], []
        for demo in self.appraisals:
            appraisal = demo.appraisal
            when = {
                "submitted": appraisal.submitted_at,
                "signed": appraisal.signed_at,
                "clarification_requested": aware(min(self.scored_on + dt.timedelta(days=1), self.today), 10),
                "approved": appraisal.approved_at,
            }
            for action, actor, changes, note in demo.events:
                events.append(
                    AppraisalEvent(appraisal_id=appraisal.pk, actor_id=actor, action=action, changes=changes, note=note)
                )
                stamps.append(when.get(action) or aware(self.scored_on, 9))
        AppraisalEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        date_back(AppraisalEvent, events, stamps)

    def _write_notices(self) -> None:
        """The notices each move sends (never to the one who acted), then marked done where a later move
        dealt with them, as the services' `notices_done` would have."""
        notes = []
        for demo in self.appraisals:
            notes += self._notes_of(demo)
        notify_many(madrasah=self.madrasah, notes=notes)
        answered = (S.SIGNED, S.CLARIFICATION, S.APPROVED)
        notices_done_of(
            Appraisal,
            [d.appraisal.pk for d in self.appraisals if d.appraisal.stage in answered],
            notices.APPRAISAL_SUBMITTED,
        )
        notices_done_of(
            Appraisal,
            [d.appraisal.pk for d in self.appraisals if d.appraisal.stage == S.APPROVED],
            notices.APPRAISAL_SIGNED,
        )

    def _notes_of(self, demo: DemoAppraisal) -> list[Note]:
        appraisal = demo.appraisal
        stage = appraisal.stage
        if stage == S.IN_PROGRESS:
            return []
        params = {"teacher": appraisal.teacher.full_name, "year": self.period.academic_year.name}
        teachers = self.user_ids.get(appraisal.teacher_id, [])
        notes = _notes(teachers, appraisal.assessor_id, notices.APPRAISAL_SUBMITTED, params, appraisal)
        answered_to = [appraisal.assessor_id, self.kepala.pk]
        if stage in (S.SIGNED, S.APPROVED):
            notes += _notes(answered_to, demo.teacher_user_id, notices.APPRAISAL_SIGNED, params, appraisal)
        if stage == S.CLARIFICATION:
            notes += _notes(answered_to, demo.teacher_user_id, notices.APPRAISAL_CLARIFICATION, params, appraisal)
        if stage == S.APPROVED:
            notes += _notes(
                [*teachers, appraisal.assessor_id], demo.approver_id, notices.APPRAISAL_APPROVED, params, appraisal
            )
        return notes


def _notes(user_ids, actor_id, kind: str, params: dict, matter) -> list[Note]:
    """As `madrasah.workflow.notify`: each user once, never the person who acted."""
    return [Note(u, kind, dict(params), matter) for u in sorted({u for u in user_ids if u and u != actor_id})]
