"""`guru`: one teacher's record of a semester, on one page where possible (docs/domain.md §12:
one teacher's sheet fits one page): their results per instrument with the section percentages, the
follow-ups, and the PKB of the academic year.

Numbers are the recap's: a result is the teacher's LATEST FINAL observation of the instrument in the
semester (`kompetensi.supervision.selectors.results.latest_final_observations`, the dashboard's definition), with its
stored percentage and predikat, and its section percentages by the dashboard's section rule; PKB
totals are `kompetensi.pkb.pkb_totals` (verified entries only, the growth page's figures). The PKG
appraisal is not printed: it is private to the teacher, the assessor and the Kepala, while this
record is read by the Waka and the pengawas too.
"""

from __future__ import annotations

from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompetensi.instruments.scoring import shown_score
from kompetensi.models import FollowUp, FollowUpKind, FollowUpStatus, PkbActivity, PkbStatus
from kompetensi.pkb.rules import academic_year_bounds
from kompetensi.pkb.selectors import pkb_totals
from kompetensi.supervision.selectors.results import latest_final_observations
from madrasah.models import Madrasah, Staff

from ...dashboard.rules import cell_text
from ..rules import DocumentKind, PeriodKind, document
from ._shared import rule_lines, section_results


def teacher_context(*, madrasah: Madrasah, period, teacher: Staff | None = None) -> dict:
    if teacher is None:
        raise ValueError("the teacher record needs a teacher")
    semester = period.semester
    today = timezone.localdate()
    latest = latest_final_observations(madrasah_id=madrasah.pk, semester_ids=[semester.pk]).filter(teacher=teacher)
    observations = list(
        latest.select_related("instrument_version__instrument").order_by(
            "instrument_version__instrument__kind", "instrument_version__instrument__name"
        )
    )
    sections = section_results([o.pk for o in observations])
    rules = rule_lines([o.instrument_version for o in observations])
    results = [
        {
            "instrument": o.instrument_version.instrument.name,
            "observed_on": o.observed_on,
            "score": shown_score(o.percentage, o.instrument_version.band_rounding) or "–",
            "predikat": o.predikat,
            "sections": [(r.title, cell_text(r.percentage)) for r in sections.get(o.pk, [])],
            "strengths": o.strengths.strip(),
            "improvements": o.improvements.strip(),
        }
        for o in observations
    ]

    follow_ups = []
    for f in (
        FollowUp.objects.filter(teacher=teacher, observation__row__programme__semester=semester)
        .annotate(closed_on=TruncDate("closed_at"))
        .select_related("observation__instrument_version__instrument")
        .order_by("deadline", "pk")
    ):
        is_open = f.status != FollowUpStatus.CLOSED
        if not is_open:
            state = _("Closed late") if f.closed_on and f.closed_on > f.deadline else _("Closed on time")
        else:
            state = _("Past the deadline") if f.deadline < today else _("Open")
        follow_ups.append(
            {
                "kind": FollowUpKind(f.kind).label if f.kind in FollowUpKind.values else f.kind,
                "description": f.description.strip(),
                "instrument": f.observation.instrument_version.instrument.name,
                "deadline": f.deadline,
                "state": state,
                "open": is_open,
            }
        )

    year = period.start_year
    start, end = academic_year_bounds(year)
    pkb = pkb_totals(teacher=teacher, year=year)
    activities = list(
        PkbActivity.objects.filter(teacher=teacher, status=PkbStatus.VERIFIED, start_date__range=(start, end))
        .order_by("start_date", "pk")
        .values("title", "organiser", "start_date", "end_date", "jp", "kind")
    )
    subjects = ", ".join(teacher.subjects.order_by("order", "name").values_list("name", flat=True))
    open_count = sum(1 for f in follow_ups if f["open"])
    return {
        "teacher": teacher,
        "subjects": subjects,
        "results": results,
        "rules": rules,
        "follow_ups": follow_ups,
        "open_follow_ups": open_count,
        "pkb": pkb,
        "pkb_activities": activities,
        "pkb_year": f"{year}/{year + 1}",
        "empty": not results and not follow_ups,
    }


TEACHER_RECORD = document(
    DocumentKind(
        code="guru",
        label=gettext_lazy("Teacher record"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/teacher_record.html",
        context=teacher_context,
        per_teacher=True,
    )
)
