"""What the printed PKG forms show (the evidence sheets per competency and the summary with three
signature blocks): read once, used by the print pages and the PDF documents alike."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from kompetensi.instruments.rules import PKG_COMPETENCY_MAX, PKKM_INDICATOR_MAX, for_display
from madrasah.formatting import format_decimal_id
from madrasah.identifiers import format_nip, staff_identifier
from madrasah.models import Membership, Role, User

from ...models import Appraisal, AppraisalScore, CompetencyResult, InstrumentKind


def _signer(membership: Membership | None, user: User | None = None) -> SimpleNamespace:
    """Name with titles and NIP as printed under a signature (a pengawas without a staff record: the
    account's name, and the NIP it logs in with)."""
    staff = membership.staff if membership is not None else None
    if staff is not None:
        return SimpleNamespace(name=staff.full_name, nip=staff.nip_display, identifier=staff.identifier)
    if user is not None:
        nip = format_nip(user.username)
        return SimpleNamespace(
            name=user.get_full_name() or user.username,
            nip=nip,
            identifier=staff_identifier(nip=user.username if nip != user.username else ""),
        )
    return SimpleNamespace(name="", nip="", identifier=staff_identifier())


def appraisal_print_context(appraisal: Appraisal) -> dict:
    """The forms' context: each competency's indicators with their scores, notes, evidence, percentage
    and 1–4 score; the total, Nilai PKG and bands; the teacher, the assessor and the Kepala as signed."""
    madrasah = appraisal.madrasah
    members = Membership.objects.filter(madrasah=madrasah, is_active=True).select_related("staff", "user")
    assessor = members.filter(user_id=appraisal.assessor_id).first()
    kepala = members.filter(roles__role=Role.KEPALA).order_by("pk").first()
    sheets = []
    scores = {s.item_id: s for s in AppraisalScore.objects.filter(appraisal=appraisal)}
    results = {
        r.competency_id: r for r in CompetencyResult.objects.filter(appraisal=appraisal).select_related("competency")
    }
    evidence_by_section: dict[int, list] = {}
    for evidence in appraisal.evidence.select_related("observation__instrument_version__instrument"):
        evidence_by_section.setdefault(evidence.section_id, []).append(evidence)
    sections = appraisal.instrument_version.sections.select_related("competency__domain").prefetch_related(
        "items__indicator"
    )
    for section in sections.order_by("order", "pk"):
        result = results.get(section.competency_id)
        sheets.append(
            SimpleNamespace(
                section=section,
                competency=section.competency,
                items=[
                    SimpleNamespace(
                        item=item,
                        number=item.indicator.number if item.indicator_id else item.order,
                        points=getattr(scores.get(item.pk), "points", None),
                        note=getattr(scores.get(item.pk), "note", ""),
                    )
                    for item in section.items.all()
                ],
                evidence=evidence_by_section.get(section.pk, []),
                percentage=format_decimal_id(for_display(result.percentage)) if result else "",
                score=result.score if result else None,
            )
        )
    day = appraisal.approved_at or appraisal.signed_at or appraisal.submitted_at or timezone.now()
    # The Kepala's PKKM totals indicator points (1–4 each); a PKG totals competency steps (1–4 each).
    pkkm = appraisal.instrument_version.instrument.kind == InstrumentKind.PKKM
    maximum = PKKM_INDICATOR_MAX * sum(len(s.items) for s in sheets) if pkkm else PKG_COMPETENCY_MAX * len(sheets)
    return {
        "appraisal": appraisal,
        "madrasah": madrasah,
        "paper": madrasah.paper_size,
        "sheets": sheets,
        "complete": appraisal.nilai is not None and bool(results),
        "maximum": maximum,
        "pkkm": pkkm,
        "nilai": format_decimal_id(for_display(appraisal.nilai)),
        "signed_on": timezone.localdate(day),
        "teacher": SimpleNamespace(
            name=appraisal.teacher.full_name,
            nip=appraisal.teacher.nip_display,
            identifier=appraisal.teacher.identifier,
        ),
        "assessor": _signer(assessor, appraisal.assessor),
        "kepala": _signer(kepala),
        "bands": appraisal.instrument_version.bands.order_by("-lower_bound"),
    }
