"""The number register: every official document number of a year in sequence, with what became of
it (issued, kept for a retry, or "batal"), for the Kepala and the Waka who ask for the documents.

Thin: the year from the query (`?tahun=`, one of the years with a sequence, else the latest) → the
register selector (laporan.numbering) → render.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from madrasah.access import membership_required

from .documents import load_all
from .numbering import number_register, register_years
from .report_access import REGISTER_READERS


@membership_required(*REGISTER_READERS)
def number_register_page(request):
    madrasah = request.membership.madrasah
    years = register_years(madrasah=madrasah)
    asked = request.GET.get("tahun", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else (years[0] if years else timezone.localdate().year)
    kinds = load_all()
    entries = [
        (entry, kinds[entry.kind].label if entry.kind in kinds else entry.kind)
        for entry in number_register(madrasah=madrasah, year=year)
    ]
    return render(request, "laporan/reports/number_register.html", {"year": year, "years": years, "entries": entries})
