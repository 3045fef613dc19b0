"""`program`: the academic supervision programme (program supervisi akademik) of a SEMESTER — the
programme is drafted and approved ("disahkan") per semester in the product, so the document follows
it. Chapters as docs/domain.md §12 lists them: I introduction (background, legal basis, aims, targets, scope,
techniques), II schedule, III instruments, IV closing; drafted by the Waka, approved by the Kepala.

The texts are the programme's own (the Waka adapts the defaults); the schedule is the programme page's
rows, the instruments the versions those rows use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy

from kompetensi.models import InstrumentVersion, PredikatBand, Programme, SupervisionTeam
from kompetensi.supervision.rules import programme_texts
from kompetensi.supervision.selectors.programme import blocked_periods, supervision_instruments
from madrasah.models import Madrasah, Semester

from ..rules import DocumentKind, PeriodKind, document
from ._schedule import programme_with_people, schedule_rows, schedule_span
from ._shared import leaders, rule_lines


@dataclass(frozen=True)
class InstrumentRow:
    name: str
    kind: str
    sections: int
    items: int
    scale: str  # "1–4: 1 = Belum ada; …"
    bands: str  # "≥ 91 Amat Baik; ≥ 81 Baik; …"


def programme_instruments(*, programme: Programme, semester: Semester) -> QuerySet[InstrumentVersion]:
    """The versions the programme's rows use (every supervision instrument of the year when no row
    names one yet), with their section and item counts and bands: two queries."""
    versions = supervision_instruments(semester=semester)
    used = versions.filter(programme_rows__programme=programme, programme_rows__cancelled_at__isnull=True)
    chosen = used if used.exists() else versions
    return (
        InstrumentVersion.objects.filter(pk__in=chosen.values("pk"))
        .select_related("instrument")
        .annotate(section_count=Count("sections", distinct=True), item_count=Count("sections__items", distinct=True))
        .prefetch_related(Prefetch("bands", queryset=PredikatBand.objects.order_by("-lower_bound")))
        .order_by("instrument__kind", "instrument__name")
    )


def _number(value) -> str:
    return f"{value:f}".rstrip("0").rstrip(".").replace(".", ",")


def instrument_rows(versions) -> list[InstrumentRow]:
    rows = []
    for version in versions:
        labels = "; ".join(
            f"{value} = {version.label_for(value)}" for value in version.scale_values if version.label_for(value)
        )
        scale = f"{version.scale_min}–{version.scale_max}" + (f": {labels}" if labels else "")
        rows.append(
            InstrumentRow(
                name=version.instrument.name,
                kind=version.instrument.get_kind_display(),
                sections=version.section_count,
                items=version.item_count,
                scale=scale,
                bands="; ".join(f"≥ {_number(b.lower_bound)} {b.label}" for b in version.bands.all()),
            )
        )
    return rows


def team_of_semester(*, semester: Semester) -> SupervisionTeam | None:
    return (
        SupervisionTeam.objects.filter(semester=semester).prefetch_related("memberships__staff").order_by("pk").first()
    )


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def programme_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    semester = period.semester
    programme = programme_with_people(semester=semester)
    if programme is None:
        return {"empty": True, "semester": semester}
    kepala, waka = leaders(madrasah=madrasah)
    texts = programme_texts(programme)  # composed in the document's language where left standard
    versions = list(programme_instruments(programme=programme, semester=semester))
    return {
        "empty": False,
        "semester": semester,
        "programme": programme,
        "legal_basis": lines(texts["legal_basis"]),
        "purpose": texts["purpose"],
        "targets": texts["targets"],
        "techniques": texts["techniques"],
        "team": team_of_semester(semester=semester),
        "span": schedule_span(programme=programme),
        "rows": schedule_rows(programme=programme, semester=semester),
        "blocked": list(blocked_periods(semester=semester)),
        "instruments": instrument_rows(versions),
        "rules": rule_lines(versions),
        "kepala": kepala,
        "waka": waka,
    }


PROGRAMME = document(
    DocumentKind(
        code="program",
        label=gettext_lazy("Academic supervision programme"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/programme.html",
        context=programme_context,
        numbered=False,
    )
)
