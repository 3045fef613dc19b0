"""The period form of bukti dukung: a semester of the madrasah, a quarter (triwulan) of a calendar
year, or a calendar year — as performance reports ask — by default the current semester. It is a GET
form: its fields are the download's query string."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah.models import AcademicYear, Semester

from .rules import PERIOD_KINDS, QUARTERS, ROMAN, PeriodKind, quarter_of, quarter_period, semester_period, year_period

CHOOSE_KIND = gettext_lazy("Choose a semester, a quarter or a calendar year.")


def calendar_years(*, madrasah_id: int, today: dt.date) -> list[int]:
    """The calendar years the madrasah's academic years touch, and this year; newest first."""
    starts = list(AcademicYear.objects.filter(madrasah_id=madrasah_id).values_list("start_year", flat=True))
    years = {today.year, *starts, *(start + 1 for start in starts)}
    return sorted(years, reverse=True)


class EvidencePeriodForm(forms.Form):
    periode = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=PERIOD_KINDS,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CHOOSE_KIND, "required": CHOOSE_KIND},
    )
    semester = forms.ChoiceField(
        label=gettext_lazy("Semester"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a semester of this madrasah from the list.")},
    )
    triwulan = forms.TypedChoiceField(
        label=gettext_lazy("Quarter (triwulan)"),
        choices=[(q, ROMAN[q]) for q in QUARTERS],
        coerce=int,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose quarter I, II, III or IV.")},
    )
    tahun = forms.TypedChoiceField(
        label=gettext_lazy("Calendar year"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a calendar year from the list.")},
    )

    def __init__(self, data=None, *, madrasah_id: int, today: dt.date | None = None):
        today = today or timezone.localdate()
        self.semesters = {
            s.slug: s
            for s in Semester.objects.filter(madrasah_id=madrasah_id)
            .select_related("academic_year")
            .order_by("-start_date")
        }
        active = next((s for s in self.semesters.values() if s.is_active), None)
        initial = {
            "periode": PeriodKind.SEMESTER if self.semesters else PeriodKind.YEAR,
            "semester": active.slug if active else next(iter(self.semesters), ""),
            "triwulan": quarter_of(today),
            "tahun": today.year,
        }
        super().__init__(data, initial=initial)
        self.fields["semester"].choices = [(slug, str(s)) for slug, s in self.semesters.items()]
        self.fields["tahun"].choices = [(y, str(y)) for y in calendar_years(madrasah_id=madrasah_id, today=today)]

    def clean(self):
        data = super().clean()
        kind = data.get("periode")
        if kind == PeriodKind.SEMESTER:
            if not data.get("semester"):
                self.add_error("semester", _("Choose the semester."))
            else:
                data["period"] = semester_period(self.semesters[data["semester"]])
        elif kind in (PeriodKind.QUARTER, PeriodKind.YEAR):
            if data.get("tahun") in (None, ""):
                self.add_error("tahun", _("Choose the calendar year."))
            elif kind == PeriodKind.YEAR:
                data["period"] = year_period(data["tahun"])
            elif data.get("triwulan") in (None, ""):
                self.add_error("triwulan", _("Choose the quarter (triwulan)."))
            else:
                data["period"] = quarter_period(data["tahun"], data["triwulan"])
        return data
