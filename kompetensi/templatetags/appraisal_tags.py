"""The teacher's competency standing for pages outside kompetensi (the teacher's home), so that the
madrasah app includes `kompetensi/appraisal/_standing_card.html` without importing kompetensi."""

from __future__ import annotations

from django import template

from madrasah.formatting import format_decimal_id

from ..appraisal.scoring import competency_standing
from ..models import Appraisal
from ..scoring import for_display

register = template.Library()


@register.simple_tag
def competency_standing_of(staff) -> dict:
    """The latest APPROVED appraisal's results (never a draft), plus the teacher's newest appraisal
    of any stage as `current`, to reach the self-evaluation."""
    if staff is None:
        return {"appraisal": None, "domains": [], "current": None}
    standing = competency_standing(teacher=staff)
    standing["nilai_shown"] = format_decimal_id(for_display(standing.get("nilai")))
    standing["current"] = (
        Appraisal.objects.filter(teacher=staff)
        .select_related("period__academic_year")
        .order_by("-period__academic_year__start_year")
        .first()
    )
    return standing
